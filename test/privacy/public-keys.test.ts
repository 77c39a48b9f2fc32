/**
 * The public-keys path of the engine: every declared key gets a row with noisy values whether or not
 * anyone contributed, suppression reads only the noisy organization count, no budget or delta goes to
 * selection, and post-processing gives whole numbers >= 0, transfers >= organizations, with intervals
 * that still contain the bounded value whenever the raw ones did.
 */
import { describe, expect, it } from 'vitest';
import {
  createSeededRandomSource,
  planDatasetRelease,
  postProcessCell,
  prepareRelease,
  RandomBitStream,
  releaseCells,
  type ContributionRow,
  type DatasetPrivacySpec,
} from '../../src/privacy';

const publicSpec: DatasetPrivacySpec = {
  maxCellsPerContributor: 2,
  minContributorsPerCell: 10,
  keys: 'public',
  measures: [
    { name: 'transfers', kind: 'transfer_count', maxCountPerCell: 5 },
    { name: 'organizations', kind: 'distinct_organizations' },
    { name: 'bytes', kind: 'clamped_byte_sum', maxBytesPerCell: 100 },
  ],
  rho: 0.05,
  selectionDelta: 1e-6,
  mechanism: 'gaussian',
};
const KEYS = ['a', 'b', 'c', 'd'];
const rowsIn = (cell: string, organizations: number, count = 3): ContributionRow[] =>
  Array.from({ length: organizations }, (_, index) => ({ contributor: `org-${cell}-${index}`, cell, count, bytes: 40 }));

describe('public keys', () => {
  it('plans no selection: the whole share goes to the measures, no selection delta, suppression at k on the noisy count', () => {
    const plan = planDatasetRelease(publicSpec);
    const privatePlan = planDatasetRelease({ ...publicSpec, keys: 'private' });
    expect(plan.keys).toBe('public');
    expect(plan.selection).toBeNull();
    expect(plan.suppression).toEqual({ minNoisyOrganizations: 10, measure: 'organizations', reason: 'fewer_than_k_organizations' });
    expect(plan.accounting.selectionDelta).toBe(0);
    expect(plan.accounting.delta).toBe(1e-6);
    expect(plan.accounting.rhoCharged).toBeLessThanOrEqual(0.05);
    // Same budget, one part fewer: every measure gets less noise than with private selection.
    for (const [index, measure] of plan.measures.entries()) {
      expect(measure.noiseStandardDeviation).toBeLessThan(privatePlan.measures[index]!.noiseStandardDeviation);
    }
    expect(() => planDatasetRelease({ ...publicSpec, measures: [{ name: 't', kind: 'transfer_count', maxCountPerCell: 5 }] })).toThrow(
      /distinct_organizations/,
    );
  });

  it('releases every declared key in key order, contributed to or not; rows outside the key space are dropped', () => {
    const prepared = prepareRelease(planDatasetRelease(publicSpec));
    const rows = [...rowsIn('b', 40), ...rowsIn('not-declared', 40)];
    const { cells } = releaseCells(rows, prepared, createSeededRandomSource(1), { publicKeys: ['d', 'b', 'a', 'c'] });
    expect(cells.map((cell) => cell.cell)).toEqual(KEYS);
    for (const cell of cells) {
      expect(Object.keys(cell.values)).toEqual(['transfers', 'organizations', 'bytes']);
      for (const value of Object.values(cell.values)) expect(Number.isSafeInteger(value.value)).toBe(true);
    }
    expect(() => releaseCells(rows, prepared, createSeededRandomSource(1))).toThrow(/key space/);
    expect(() => releaseCells(rows, prepareRelease(planDatasetRelease({ ...publicSpec, keys: 'private' })), createSeededRandomSource(1), { publicKeys: KEYS })).toThrow(
      /private-keys/,
    );
    expect(() => releaseCells(rows, prepared, createSeededRandomSource(1), { publicKeys: ['a', 'a'] })).toThrow(/twice/);
  });

  it('suppresses exactly the keys whose noisy organization count is below k, whatever the true count', () => {
    const prepared = prepareRelease(planDatasetRelease(publicSpec));
    const bits = new RandomBitStream(createSeededRandomSource(2));
    // Key a: 10 organizations, right at k, so the noise decides in both directions over many runs.
    let published = 0;
    let suppressed = 0;
    for (let run = 0; run < 400; run += 1) {
      const { cells } = releaseCells([...rowsIn('a', 10), ...rowsIn('b', 200)], prepared, bits, { publicKeys: KEYS });
      for (const cell of cells) {
        const noisyOrganizations = cell.values['organizations']!.value;
        expect(cell.status).toBe(noisyOrganizations < 10 ? 'suppressed' : 'published');
        if (cell.status === 'suppressed') expect(cell.suppressionReason).toBe('fewer_than_k_organizations');
        else expect(cell.suppressionReason).toBeUndefined();
      }
      if (cells[0]!.status === 'published') published += 1;
      else suppressed += 1;
      expect(cells[1]!.status).toBe('published'); // 200 organizations
    }
    expect(published).toBeGreaterThan(100);
    expect(suppressed).toBeGreaterThan(100);
  });

  it('post-processing: suppressed keys empty; published values integers >= 0, transfers >= organizations; intervals contain the value', () => {
    const plan = planDatasetRelease(publicSpec);
    const prepared = prepareRelease(plan);
    const bits = new RandomBitStream(createSeededRandomSource(3));
    const measures = plan.measures.map(({ name, kind }) => ({ name, kind }));
    let raised = 0;
    let covered = 0;
    let trials = 0;
    for (let run = 0; run < 300; run += 1) {
      // Key a: 12 organizations with 1 transfer and 0 bytes each, so noise often pushes raw values below the floors.
      const rows = rowsIn('a', 12, 1).map((row) => ({ ...row, bytes: 0 }));
      const { cells } = releaseCells(rows, prepared, bits, { publicKeys: KEYS });
      for (const cell of cells) {
        const processed = postProcessCell(cell, measures);
        if (cell.status === 'suppressed') {
          expect(processed).toBeNull();
          continue;
        }
        const { transfers, organizations, bytes } = processed!;
        for (const value of [transfers!, organizations!, bytes!]) {
          expect(Number.isSafeInteger(value.value)).toBe(true);
          expect(value.value).toBeGreaterThanOrEqual(0);
          expect(value.ci95Low).toBeLessThanOrEqual(value.value);
          expect(value.ci95High).toBeGreaterThanOrEqual(value.value);
        }
        expect(transfers!.value).toBeGreaterThanOrEqual(organizations!.value);
        if (transfers!.value !== cell.values['transfers']!.value || bytes!.value !== cell.values['bytes']!.value) raised += 1;
        if (cell.cell === 'a') {
          trials += 1;
          // The bounded true transfer total is 12: covered by the processed interval at least as often as by the raw one.
          const raw = cell.values['transfers']!;
          if (raw.ci95Low <= 12 && 12 <= raw.ci95High) expect(transfers!.ci95Low <= 12 && 12 <= transfers!.ci95High).toBe(true);
          if (transfers!.ci95Low <= 12 && 12 <= transfers!.ci95High) covered += 1;
        }
      }
    }
    expect(raised).toBeGreaterThan(0);
    expect(trials).toBeGreaterThan(50);
    expect(covered / trials).toBeGreaterThanOrEqual(0.9);
  });
});
