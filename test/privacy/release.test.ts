/**
 * The plan and release API end to end: plan contents and JSON shape, the k floor, exact integer
 * outputs, tamper refusal, determinism under a seeded source, and a release over one million rows (its speed is
 * measured by `npm run bench:privacy`, not asserted here).
 */
import { describe, expect, it } from 'vitest';
import {
  approxDpEpsilon,
  createCryptoRandomSource,
  createSeededRandomSource,
  planDatasetRelease,
  prepareRelease,
  RandomBitStream,
  releaseCells,
  type ContributionRow,
  type DatasetPrivacySpec,
  type ReleasePlan,
} from '../../src/privacy';

const baseSpec: DatasetPrivacySpec = {
  maxCellsPerContributor: 10,
  minContributorsPerCell: 10,
  measures: [
    { name: 'transfers', kind: 'transfer_count', maxCountPerCell: 100 },
    { name: 'organizations', kind: 'distinct_organizations' },
    { name: 'bytes', kind: 'clamped_byte_sum', maxBytesPerCell: 10_000_000_000 },
  ],
  rho: 0.025,
  selectionDelta: 1e-6,
  mechanism: 'gaussian',
};

/** contributors x cellsEach rows; contributor c touches cells (c * 7 + j * 13) mod cellCount. */
function syntheticRows(contributors: number, cellsEach: number, cellCount: number): ContributionRow[] {
  const rows: ContributionRow[] = [];
  for (let c = 0; c < contributors; c++) {
    for (let j = 0; j < cellsEach; j++) {
      rows.push({ contributor: `org-${c}`, cell: `cell-${(c * 7 + j * 13) % cellCount}`, count: (c + j) % 150, bytes: ((c * j) % 97) * 1_000_000_000 });
    }
  }
  return rows;
}

function containsBigInt(value: unknown): boolean {
  if (typeof value === 'bigint') return true;
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsBigInt);
  return false;
}

describe('planDatasetRelease', () => {
  it.each(['gaussian', 'laplace'] as const)('%s: JSON-serialisable, self-consistent, within budget', (mechanism) => {
    const plan = planDatasetRelease({ ...baseSpec, mechanism });
    expect(containsBigInt(plan)).toBe(false);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan.accounting.rhoCharged).toBeLessThanOrEqual(plan.accounting.rhoBudget);
    const parts = [plan.selection!, ...plan.measures];
    for (const part of parts) expect(part.rhoCharged).toBeLessThanOrEqual(part.rhoAllotted);
    expect(parts.reduce((sum, part) => sum + part.rhoAllotted, 0)).toBeLessThanOrEqual(plan.accounting.rhoBudget);
    expect(plan.accounting.epsilon).toBe(approxDpEpsilon(plan.accounting.rhoCharged, 1e-6));
    expect(plan.accounting.delta).toBeCloseTo(2e-6, 12);
    expect(plan.accounting.summary).toMatch(/-DP per contributing organization/);
    for (const measure of plan.measures) {
      expect(Number.isSafeInteger(measure.ci95HalfWidth)).toBe(true);
      expect(measure.l1Sensitivity).toBe(10 * measure.maxPerContributorPerCell);
      expect(measure.l2Sensitivity).toBeCloseTo(Math.sqrt(10) * measure.maxPerContributorPerCell, 6);
    }
    if (mechanism === 'laplace') {
      expect(plan.accounting.pureEpsilon).toBeGreaterThan(0);
      expect(plan.selection!.noise.distribution).toBe('discrete_laplace');
    } else {
      expect(plan.accounting.pureEpsilon).toBeUndefined();
      expect(plan.selection!.noise.distribution).toBe('discrete_gaussian');
    }
  });

  it('Gaussian noise for a measure: sigma = sqrt(L0) Linf / sqrt(2 rho_share), rounded up', () => {
    const plan = planDatasetRelease(baseSpec);
    const share = plan.measures[0]!.rhoAllotted;
    const sigma = (Math.sqrt(10) * 100) / Math.sqrt(2 * share);
    const noise = plan.measures[0]!.noise;
    if (noise.distribution !== 'discrete_gaussian') throw new Error('unexpected');
    expect(noise.sigma).toBeGreaterThanOrEqual(sigma);
    expect(noise.sigma).toBeLessThanOrEqual(sigma * (1 + 1e-6));
    expect(plan.measures[0]!.ci95HalfWidth / noise.sigma).toBeCloseTo(1.96, 2);
  });

  it('selection threshold: k plus the noise quantile at delta / L0', () => {
    const plan = planDatasetRelease(baseSpec);
    const sigma = plan.selection!.noise.distribution === 'discrete_gaussian' ? plan.selection!.noise.sigma : NaN;
    // P(Z >= m) <= 1e-7 needs m ~ 5.2 sigma for a Gaussian.
    expect(plan.selection!.threshold - 10).toBeGreaterThan(5.0 * sigma);
    expect(plan.selection!.threshold - 10).toBeLessThan(5.4 * sigma);
    expect(plan.selection!.perCellDelta).toBeCloseTo(1e-7, 12);
  });

  it('names the offending field on an invalid spec', () => {
    expect(() => planDatasetRelease({ ...baseSpec, maxCellsPerContributor: 0 })).toThrow(/maxCellsPerContributor/);
    expect(() => planDatasetRelease({ ...baseSpec, rho: -1 })).toThrow(/rho/);
    expect(() => planDatasetRelease({ ...baseSpec, selectionDelta: 1 })).toThrow(/selectionDelta/);
    expect(() =>
      planDatasetRelease({ ...baseSpec, measures: [{ name: 'a', kind: 'transfer_count', maxCountPerCell: 1.5 }] }),
    ).toThrow(/measures\[0\]\.maxCountPerCell/);
    expect(() =>
      planDatasetRelease({ ...baseSpec, measures: [{ name: 'a', kind: 'distinct_organizations' }, { name: 'a', kind: 'transfer_count', maxCountPerCell: 1 }] }),
    ).toThrow(/used twice/);
  });
});

describe('releaseCells', () => {
  it('applies the k floor, releases exact integers with intervals, and sorts cells', () => {
    const plan = planDatasetRelease({ ...baseSpec, rho: 10, minContributorsPerCell: 5 }); // little noise
    const rows: ContributionRow[] = [
      ...Array.from({ length: 4 }, (_, i) => ({ contributor: `small-${i}`, cell: 'b-below-floor', count: 1_000, bytes: 1 })),
      ...Array.from({ length: 400 }, (_, i) => ({ contributor: `big-${i}`, cell: 'a-popular', count: 3, bytes: 5 })),
      ...Array.from({ length: 400 }, (_, i) => ({ contributor: `big-${i}`, cell: 'c-popular', count: 500, bytes: 20_000_000_000 })),
    ];
    const release = releaseCells(rows, plan, createSeededRandomSource(1));
    expect(release.cells.map((cell) => cell.cell)).toEqual(['a-popular', 'c-popular']);
    const organizations = release.cells[0]!.values['organizations']!;
    expect(organizations.ci95Low).toBeLessThanOrEqual(organizations.value);
    for (const cell of release.cells) {
      for (const value of Object.values(cell.values)) {
        for (const field of [value.value, value.ci95Low, value.ci95High]) expect(Number.isSafeInteger(field)).toBe(true);
        expect(value.ci95High - value.value).toBe(value.value - value.ci95Low);
      }
    }
    // Counts are capped at Linf = 100 and bytes clamped to C = 1e10 before noise.
    const c = release.cells[1]!.values;
    expect(Math.abs(c['transfers']!.value - 400 * 100)).toBeLessThan(6 * c['transfers']!.noiseStandardDeviation);
    expect(Math.abs(c['bytes']!.value - 400 * 10_000_000_000)).toBeLessThan(6 * c['bytes']!.noiseStandardDeviation);
    expect(release.accounting).toEqual(plan.accounting);
  });

  it('never releases a cell below the floor, however lucky the noise', () => {
    const plan = planDatasetRelease({ ...baseSpec, rho: 0.0001, minContributorsPerCell: 3 }); // huge noise
    const prepared = prepareRelease(plan);
    const rows = [0, 1].map((i) => ({ contributor: `org-${i}`, cell: 'x', count: 1, bytes: 1 }));
    const bits = new RandomBitStream(createSeededRandomSource(2));
    for (let run = 0; run < 2_000; run++) expect(releaseCells(rows, prepared, bits).cells).toHaveLength(0);
  });

  it('is reproducible under a seeded source', () => {
    const plan = planDatasetRelease({ ...baseSpec, minContributorsPerCell: 2 });
    const rows = syntheticRows(300, 20, 40);
    expect(releaseCells(rows, plan, createSeededRandomSource(3))).toEqual(releaseCells(rows, plan, createSeededRandomSource(3)));
  });

  it('refuses a plan that does not match its spec', () => {
    const plan = planDatasetRelease(baseSpec);
    const edited: ReleasePlan = { ...plan, selection: { ...plan.selection!, threshold: plan.selection!.threshold - 50 } };
    expect(() => releaseCells([], edited, createSeededRandomSource(4))).toThrow(/does not match/);
    const weakerNoise: ReleasePlan = {
      ...plan,
      measures: plan.measures.map((measure) => ({ ...measure, noise: { distribution: 'discrete_gaussian', sigmaSquaredExact: '1', sigma: 1 } })),
    };
    expect(() => prepareRelease(weakerNoise)).toThrow(/does not match/);
  });

  it('accepts a stored plan whose JSON keys came back in another order (PostgreSQL jsonb)', () => {
    const plan = planDatasetRelease(baseSpec);
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reversed(inner)]))
          : value;
    const stored = JSON.parse(JSON.stringify(reversed(plan))) as ReleasePlan;
    expect(JSON.stringify(stored)).not.toBe(JSON.stringify(plan));
    expect(() => prepareRelease(stored)).not.toThrow();
  });

  it('bounds, selects and noises one million rows', () => {
    const rows = syntheticRows(10_000, 100, 200); // ~500 contributors per cell after L0 = 10
    const plan = prepareRelease(planDatasetRelease(baseSpec));
    const release = releaseCells(rows, plan, createCryptoRandomSource());
    expect(release.cells.length).toBeGreaterThan(150);
    for (const cell of release.cells) {
      for (const noisy of Object.values(cell.values)) expect(Number.isSafeInteger(noisy.value)).toBe(true);
    }
  });
});
