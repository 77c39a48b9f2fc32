/**
 * The privacy properties of a whole release, end to end through storage and the engine (public
 * keys): every declared key has a row whatever the data; suppression follows the NOISY organization
 * count (for shares, the group's noisy count), and suppressed rows carry no values; one very loud
 * organization moves every noisy measurement by at most its bound (a share-sum by one organization).
 */
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config';
import { datasetCatalogueOf } from '../../src/releases/dataset-catalogue';
import { createDatasetCellMapper } from '../../src/releases/dataset-cells';
import { releasePeriod } from '../../src/releases/release-period';
import { createTestApp } from '../support/test-app';
import { AFTER_GRACE, BASE_CELL, type CounterInput, crowd, insertCounters, PERIOD, SYSTEM_ACTOR, TEST_RELEASE_CONFIG } from './release-fixtures';

interface PublishedValue {
  datasetId: string;
  key: string;
  measure: string;
  status: string;
  /** The processed value (data.json), null when suppressed. */
  value: number | null;
  /** The unprocessed noisy measurement (noisy-measurements.csv). */
  noisy: number;
}

function parseCsv(text: string): Record<string, string>[] {
  // The files hold plain tokens and numbers only (no quotes or commas inside a field).
  const [header, ...lines] = text.trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((field, index) => [names[index]!, field])));
}

async function releaseAndRead(counters: readonly CounterInput[], options: { seed: number; config?: Partial<AppConfig> }) {
  const testApp = await createTestApp({ config: options.config ?? TEST_RELEASE_CONFIG, seed: options.seed });
  try {
    await insertCounters(testApp.testDatabase.database, counters);
    testApp.clock.set(AFTER_GRACE);
    const result = await releasePeriod(testApp.deps, { period: PERIOD, actor: SYSTEM_ACTOR });
    const values: PublishedValue[] = [];
    const catalogue = datasetCatalogueOf(testApp.deps);
    for (const published of result.releases) {
      const read = async (path: string) =>
        (
          await testApp.deps.database.db
            .selectFrom('release_files')
            .select('content')
            .where('release_id', '=', published.id)
            .where('path', '=', path)
            .executeTakeFirstOrThrow()
        ).content;
      const dimensions = catalogue.get(published.datasetId)!.spec.dimensions.map((dimension) => dimension.name);
      const processed = JSON.parse(await read('data.json')) as Record<string, string | number | null>[];
      const noisy = parseCsv(await read('noisy-measurements.csv'));
      expect(noisy.length).toBe(processed.length);
      for (const [index, row] of processed.entries()) {
        const key = dimensions.map((name) => row[name]).join('/');
        expect(dimensions.map((name) => noisy[index]![name]).join('/')).toBe(key);
        values.push({
          datasetId: published.datasetId,
          key,
          measure: String(row.measure),
          status: String(row.status),
          value: row.value === null ? null : Number(row.value),
          noisy: Number(noisy[index]!.noisy_value),
        });
      }
    }
    return { values, catalogue };
  } finally {
    await testApp.dispose();
  }
}

const WHALE = 'zzzzzz-whale'; // sorts after every crowd pseudonym, so the engine sees the same cell order with and without it

describe('release privacy properties', () => {
  it('a key of fewer than k organizations is suppressed or published on its noisy count only; a million events count as the cap', async () => {
    // A cell no crowd member uses, in every dataset: Mistral traffic from a defense organization, model artifacts over SMB.
    const lonelyCell = { ai_platform: 'mistral', sector: 'defense', classification: 'model_artifact', protocol: 'smb' } as const;
    const counters: CounterInput[] = [
      ...crowd(20),
      { contributor: 'lonely-1', cell: lonelyCell, events: 1_000_000, bytes: 10 ** 15 },
      { contributor: 'lonely-2', cell: lonelyCell, events: 1 },
    ];
    for (let seed = 1; seed <= 6; seed += 1) {
      const { values, catalogue } = await releaseAndRead(counters, { seed, config: TEST_RELEASE_CONFIG });
      // Public keys: every declared key and measure has a row, whatever the data.
      for (const dataset of catalogue.datasets) {
        expect(values.filter((value) => value.datasetId === dataset.spec.id).length).toBe(dataset.publicKeys!.length * dataset.spec.measures.length);
      }
      const byKey = new Map<string, PublishedValue[]>();
      for (const value of values) byKey.set(`${value.datasetId}:${value.key}`, [...(byKey.get(`${value.datasetId}:${value.key}`) ?? []), value]);
      // A share's group: the key without the share dimension; its noisy organization count is the sum of its noisy share-sums.
      const groupOf = (value: PublishedValue) => {
        const spec = catalogue.get(value.datasetId)!.spec;
        const over = spec.dimensions.findIndex((dimension) => dimension.name === spec.shares?.over);
        return `${value.datasetId}:${value.key.split('/').filter((_, index) => index !== over).join('/')}`;
      };
      const groupCounts = new Map<string, number>();
      for (const value of values.filter((each) => each.measure === 'organization_share')) {
        groupCounts.set(groupOf(value), (groupCounts.get(groupOf(value)) ?? 0) + value.noisy);
      }
      for (const [, rows] of byKey) {
        const organizations = rows.find((row) => row.measure === 'distinct_organizations')!;
        // Suppression reads the noisy count (k = 3), never the true one; suppressed rows carry no values.
        const expected = organizations.noisy < 3 ? 'suppressed' : 'published';
        for (const row of rows) {
          if (row.measure === 'organization_share') {
            // Shares are decided per group, on the group's noisy organization count.
            expect(row.status).toBe(groupCounts.get(groupOf(row))! < 3 ? 'suppressed' : 'published');
            expect(row.value === null).toBe(row.status === 'suppressed');
            continue;
          }
          expect(row.status).toBe(expected);
          if (expected === 'suppressed') expect(row.value).toBeNull();
          else expect(row.value).not.toBeNull();
        }
      }
      // Published shares: proportions with 4 decimals that add up to exactly 1 in each published group.
      const shareSums = new Map<string, number>();
      for (const value of values.filter((each) => each.measure === 'organization_share' && each.value !== null)) {
        expect(value.value).toBeGreaterThanOrEqual(0);
        expect(value.value).toBeLessThanOrEqual(1);
        expect(Math.round(value.value! * 10_000)).toBeCloseTo(value.value! * 10_000, 6);
        shareSums.set(groupOf(value), (shareSums.get(groupOf(value)) ?? 0) + Math.round(value.value! * 10_000));
      }
      for (const total of shareSums.values()) expect(total).toBe(10_000);
      // The loud organization counts as the cap, not its million events: the noisy transfer count of the
      // lonely key stays within the two organizations' bounded total plus ten noise sd.
      for (const dataset of catalogue.datasets) {
        const transfers = dataset.plan.measures.find((measure) => measure.kind === 'transfer_count')!;
        for (const value of values.filter((each) => each.datasetId === dataset.spec.id && each.measure === 'transfer_count' && /mistral|defense|model_artifact|smb/.test(each.key))) {
          expect(value.noisy).toBeLessThanOrEqual(2 * dataset.spec.bounds.maxTransfersPerCell + 10 * transfers.noiseStandardDeviation);
        }
      }
    }
  });

  it('even with next to no noise, a (k-1)-organization key is suppressed: its rows carry no values', async () => {
    // With an enormous budget the noise is negligible; the noisy count (about 9) is below k = 10.
    const config = { periodBudgetRho: 1e6, yearlyBudgetRho: 53e6, kAnonymity: 10 };
    const quietCell = { sector: 'legal', ai_platform: 'meta', classification: 'inference_output', protocol: 'as2' } as const;
    const { values } = await releaseAndRead([...crowd(30), ...crowd(9, { from: 100, cell: quietCell, events: 1_000_000 })], { seed: 3, config });
    expect(values.some((value) => /finance|training_dataset|openai/.test(value.key) && value.status === 'published' && value.value !== null)).toBe(true);
    const quiet = values.filter((value) => /legal|meta|inference_output|as2/.test(value.key));
    expect(quiet.length).toBeGreaterThan(0);
    expect(quiet.filter((value) => value.status !== 'suppressed' || value.value !== null)).toEqual([]);
  });

  it('one organization\'s huge volume moves every published value by exactly its bounded contribution (same noise draws)', async () => {
    const base = crowd(20, { events: 50, bytes: 300_000_000 });
    const whale: CounterInput = { contributor: WHALE, events: 1_000_000, bytes: 10 ** 15 };
    const without = await releaseAndRead(base, { seed: 7 });
    const withWhale = await releaseAndRead([...base, whale], { seed: 7 });
    expect(withWhale.values.map(({ datasetId, key, measure }) => `${datasetId}:${key}:${measure}`)).toEqual(
      without.values.map(({ datasetId, key, measure }) => `${datasetId}:${key}:${measure}`),
    );
    let movedKeys = 0;
    for (const [index, value] of withWhale.values.entries()) {
      const spec = withWhale.catalogue.get(value.datasetId)!.spec;
      // The whale sits in the crowd's cell (BASE_CELL): only the keys that cell maps to can move.
      const whaleKeys = createDatasetCellMapper(spec).cellsOf(BASE_CELL).map((key) => key.split('\u001f').join('/'));
      const bound = whaleKeys.includes(value.key)
        ? // A share-sum moves by one whole organization: the whale's transfers in its group are all in this key.
          { transfer_count: spec.bounds.maxTransfersPerCell, distinct_organizations: 1, clamped_byte_sum: spec.bounds.maxBytesPerCell / 1_000_000, organization_share: 1 }[value.measure]!
        : 0;
      if (bound > 0) movedKeys += 1;
      // The whale contributes its capped total to the noisy measurement: the bound, never its million events.
      const { noisy, measure, key, datasetId } = value;
      expect({ datasetId, key, measure, moved: noisy - without.values[index]!.noisy }).toEqual({ datasetId, key, measure, moved: bound });
    }
    expect(movedKeys).toBeGreaterThanOrEqual(8);
  });
});
