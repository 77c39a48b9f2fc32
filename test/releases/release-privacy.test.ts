/**
 * The privacy properties of a whole release, end to end through storage and the engine:
 * the k-anonymity floor holds against one very loud organization, and one organization's volume
 * moves any published value by at most its bound.
 */
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config';
import { datasetCatalogueOf } from '../../src/releases/dataset-catalogue';
import { releasePeriod } from '../../src/releases/release-period';
import { createTestApp } from '../support/test-app';
import { AFTER_GRACE, type CounterInput, crowd, insertCounters, PERIOD, SYSTEM_ACTOR, TEST_RELEASE_CONFIG } from './release-fixtures';

interface PublishedValue {
  datasetId: string;
  key: string;
  measure: string;
  value: number;
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
      const file = await testApp.deps.database.db
        .selectFrom('release_files')
        .select('content')
        .where('release_id', '=', published.id)
        .where('path', '=', 'data.json')
        .executeTakeFirstOrThrow();
      const dimensions = catalogue.get(published.datasetId)!.spec.dimensions.map((dimension) => dimension.name);
      for (const row of JSON.parse(file.content) as Record<string, string | number>[]) {
        values.push({
          datasetId: published.datasetId,
          key: dimensions.map((name) => row[name]).join('/'),
          measure: String(row.measure),
          value: Number(row.value),
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
  it('a cell with fewer than k organizations never appears, even when one of them sends a million events', async () => {
    // A cell no crowd member uses, in every dataset: Mistral traffic from a defense organization, model artifacts over SMB.
    const lonelyCell = { ai_platform: 'mistral', sector: 'defense', classification: 'model_artifact', protocol: 'smb' } as const;
    const counters: CounterInput[] = [
      ...crowd(20),
      { contributor: 'lonely-1', cell: lonelyCell, events: 1_000_000, bytes: 10 ** 15 },
      { contributor: 'lonely-2', cell: lonelyCell, events: 1 },
    ];
    for (let seed = 1; seed <= 12; seed += 1) {
      const { values } = await releaseAndRead(counters, { seed, config: TEST_RELEASE_CONFIG });
      expect(values.length).toBeGreaterThan(0); // the crowd's cell is published
      // Its keys would be model_artifact/smb/... (volume), model_artifact/hash_only/... (integrity), mistral/... (controls), defense/... (gaps).
      expect(values.filter((value) => /mistral|defense|model_artifact|smb/.test(value.key))).toEqual([]);
    }
  });

  it('even with next to no noise, the k floor alone keeps a (k-1)-organization cell out', async () => {
    // With an enormous budget the noise is negligible; only k protects the cell.
    const config = { periodBudgetRho: 1e6, yearlyBudgetRho: 53e6, kAnonymity: 10 };
    const quietCell = { sector: 'legal', ai_platform: 'meta', classification: 'inference_output', protocol: 'as2' } as const;
    const { values } = await releaseAndRead([...crowd(30), ...crowd(9, { from: 100, cell: quietCell, events: 1_000_000 })], { seed: 3, config });
    expect(values.some((value) => /finance|training_dataset|openai/.test(value.key))).toBe(true);
    expect(values.filter((value) => /legal|meta|inference_output|as2/.test(value.key))).toEqual([]);
  });

  it('one organization\'s huge volume moves every published value by exactly its bounded contribution (same noise draws)', async () => {
    const base = crowd(20, { events: 50, bytes: 300_000_000 });
    const whale: CounterInput = { contributor: WHALE, events: 1_000_000, bytes: 10 ** 15 };
    const without = await releaseAndRead(base, { seed: 7 });
    const withWhale = await releaseAndRead([...base, whale], { seed: 7 });
    expect(withWhale.values.map(({ datasetId, key, measure }) => `${datasetId}:${key}:${measure}`)).toEqual(
      without.values.map(({ datasetId, key, measure }) => `${datasetId}:${key}:${measure}`),
    );
    expect(without.values.length).toBeGreaterThanOrEqual(10);
    for (const [index, value] of withWhale.values.entries()) {
      const spec = withWhale.catalogue.get(value.datasetId)!.spec;
      const bound = {
        transfer_count: spec.bounds.maxTransfersPerCell,
        distinct_organizations: 1,
        clamped_byte_sum: spec.bounds.maxBytesPerCell / 1_000_000,
      }[value.measure]!;
      // The whale contributes its capped total: the difference is the bound, never its million events.
      expect({ ...value, moved: value.value - without.values[index]!.value }).toEqual({ ...value, moved: bound });
    }
  });
});
