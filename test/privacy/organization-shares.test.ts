/**
 * Per-organization shares (organization-shares.ts, the share parts of release-plan.ts, release-cells.ts
 * and post-processing.ts): the fixed-point distribution of one organization sums to exactly the grid,
 * the group bound L0 holds and is drawn at random, the plan's sensitivity is sqrt(L0) grid units, every
 * key gets a noisy share-sum, suppression reads the group's noisy count, and the published shares of a
 * group add up to 1 with intervals that cover the true average share about 95% of the time.
 */
import { describe, expect, it } from 'vitest';
import {
  apportionShares,
  createSeededRandomSource,
  fiellerHull,
  planDatasetRelease,
  postProcessShares,
  prepareRelease,
  RandomBitStream,
  releaseCells,
  shareSumsByKey,
  type ContributionRow,
  type DatasetPrivacySpec,
  type ShareMeasureIdentity,
} from '../../src/privacy';

const GRID = 10_000;
const shareSpec = (overrides: Partial<DatasetPrivacySpec> = {}, maxGroups = 1): DatasetPrivacySpec => ({
  maxCellsPerContributor: 4,
  minContributorsPerCell: 10,
  keys: 'public',
  measures: [
    { name: 'organizations', kind: 'distinct_organizations' },
    { name: 'share', kind: 'organization_share', maxGroupsPerContributor: maxGroups, gridUnits: GRID, budgetWeight: 2 },
  ],
  rho: 0.0625,
  selectionDelta: 1e-6,
  mechanism: 'gaussian',
  ...overrides,
});

/** Keys "group|category"; the group of a key is its part before the bar. */
const keysOf = (groups: readonly string[], categories: readonly string[]) => groups.flatMap((group) => categories.map((category) => `${group}|${category}`));
const groupsOf = (keys: readonly string[]) => new Map(keys.map((key) => [key, key.split('|')[0]!]));

describe('apportionShares: one organization on the grid', () => {
  it('sums to exactly the grid, by largest remainders, whatever the counts', () => {
    expect(apportionShares([1, 1, 1], 10_000)).toEqual([3334, 3333, 3333]);
    expect(apportionShares([2, 1], 3)).toEqual([2, 1]);
    expect(apportionShares([0, 5, 0], 10_000)).toEqual([0, 10_000, 0]);
    expect(apportionShares([1, 2, 3, 4], 10)).toEqual([1, 2, 3, 4]);
    const random = new RandomBitStream(createSeededRandomSource(7));
    for (let trial = 0; trial < 2_000; trial += 1) {
      const counts: number[] = Array.from({ length: 1 + random.uniformBelow(9) }, (): number => (random.uniformBelow(3) === 0 ? 0 : 1 + random.uniformBelow(1_000_000)));
      if (!counts.some((count) => count > 0)) counts[0] = 1;
      const units = apportionShares(counts, GRID);
      expect(units.reduce((sum, unit) => sum + unit, 0)).toBe(GRID);
      const total = counts.reduce((sum, count) => sum + count, 0);
      units.forEach((unit, index) => {
        expect(Number.isInteger(unit) && unit >= 0).toBe(true);
        expect(Math.abs(unit - (GRID * counts[index]!) / total)).toBeLessThan(1);
      });
      // L2 <= L1 = G: the per-group sensitivity the plan uses.
      expect(units.reduce((sum, unit) => sum + unit * unit, 0)).toBeLessThanOrEqual(GRID * GRID);
    }
  });

  it('stays exact beyond 2^53 / G (BigInt path) and refuses an empty distribution', () => {
    const big = 2 ** 50;
    expect(apportionShares([big, big, 1], GRID).reduce((sum, unit) => sum + unit, 0)).toBe(GRID);
    expect(() => apportionShares([0, 0], GRID)).toThrow(RangeError);
  });
});

describe('shareSumsByKey: bounded contributions', () => {
  it('each organization adds exactly G per kept group, in at most L0 groups chosen at random', () => {
    const keys = keysOf(['g1', 'g2', 'g3'], ['a', 'b']);
    const rows: ContributionRow[] = [];
    for (let org = 0; org < 300; org += 1) {
      for (const group of ['g1', 'g2', 'g3']) {
        rows.push({ contributor: `o${org}`, cell: `${group}|a`, count: 1 + (org % 5), bytes: 0 });
        rows.push({ contributor: `o${org}`, cell: `${group}|b`, count: 3, bytes: 0 });
      }
    }
    const sums = shareSumsByKey(rows, groupsOf(keys), { maxGroupsPerContributor: 2, gridUnits: GRID }, createSeededRandomSource(3));
    const perGroup = new Map<string, number>();
    for (const [key, units] of sums) perGroup.set(key.split('|')[0]!, (perGroup.get(key.split('|')[0]!) ?? 0) + units);
    const total = [...perGroup.values()].reduce((sum, units) => sum + units, 0);
    expect(total).toBe(300 * 2 * GRID); // L0 = 2 groups of 3, each exactly G
    // Uniformly random choice: each group kept by about 2/3 of the organizations.
    for (const units of perGroup.values()) expect(Math.abs(units / GRID - 200)).toBeLessThan(40);
  });

  it('ignores volume: one organization with a million transfers moves a key by at most G', () => {
    const keys = keysOf(['g'], ['a', 'b']);
    const background: ContributionRow[] = Array.from({ length: 20 }, (_, index) => ({ contributor: `o${index}`, cell: 'g|b', count: 2, bytes: 0 }));
    const heavy: ContributionRow = { contributor: 'heavy', cell: 'g|a', count: 1_000_000, bytes: 0 };
    const without = shareSumsByKey(background, groupsOf(keys), { maxGroupsPerContributor: 1, gridUnits: GRID }, createSeededRandomSource(1));
    const withHeavy = shareSumsByKey([...background, heavy], groupsOf(keys), { maxGroupsPerContributor: 1, gridUnits: GRID }, createSeededRandomSource(1));
    expect((withHeavy.get('g|a') ?? 0) - (without.get('g|a') ?? 0)).toBe(GRID);
    expect(withHeavy.get('g|b')).toBe(without.get('g|b'));
  });
});

describe('plan and release of organization_share', () => {
  it('plans the share measure with its own L0: L2 sensitivity sqrt(groups) x G, L1 groups x G, its own rho in the composition', () => {
    const plan = planDatasetRelease(shareSpec({}, 3));
    const share = plan.measures.find((measure) => measure.kind === 'organization_share')!;
    expect(share.maxPerContributorPerCell).toBe(GRID);
    expect(share.maxGroupsPerContributor).toBe(3);
    expect(share.l2Sensitivity).toBeCloseTo(Math.sqrt(3) * GRID, 6);
    expect(share.l1Sensitivity).toBe(3 * GRID);
    // sigma^2 >= L2^2 / (2 rho_share): rho charged = 3 G^2 / (2 sigma^2) <= its allotment.
    expect((3 * GRID * GRID) / (2 * share.noiseStandardDeviation ** 2)).toBeLessThanOrEqual(share.rhoAllotted * (1 + 1e-9));
    const total = plan.measures.reduce((sum, measure) => sum + measure.rhoCharged, 0);
    expect(plan.accounting.rhoCharged).toBeCloseTo(total, 12);
    expect(plan.accounting.rhoCharged).toBeLessThanOrEqual(0.0625);
    expect(() => planDatasetRelease(shareSpec({ keys: 'private' }))).toThrow(/public keys/);
  });

  it('gives every declared key a noisy share-sum, and a share status decided on the group\'s noisy count', () => {
    const keys = keysOf(['big', 'small', 'empty'], ['a', 'b', 'c']);
    const rows: ContributionRow[] = [
      ...Array.from({ length: 200 }, (_, index) => ({ contributor: `b${index}`, cell: `big|${index % 4 === 0 ? 'a' : 'b'}`, count: 5, bytes: 0 })),
      ...Array.from({ length: 2 }, (_, index) => ({ contributor: `s${index}`, cell: 'small|c', count: 5, bytes: 0 })),
    ];
    const prepared = prepareRelease(planDatasetRelease(shareSpec()));
    const { cells } = releaseCells(rows, prepared, createSeededRandomSource(5), { publicKeys: keys, shareGroups: groupsOf(keys) });
    expect(cells).toHaveLength(9);
    for (const cell of cells) expect(Number.isSafeInteger(cell.values['share']!.value)).toBe(true);
    const statusOf = (group: string) => new Set(cells.filter((cell) => cell.cell.startsWith(`${group}|`)).map((cell) => cell.shareStatus));
    expect(statusOf('big')).toEqual(new Set(['published']));
    expect(statusOf('empty')).toEqual(new Set(['suppressed']));
    expect(() => releaseCells(rows, prepared, createSeededRandomSource(5), { publicKeys: keys })).toThrow(/group of every declared key/);
  });

  it('publishes shares that add up to exactly 1 per group, within [0, 1], near the true average share', () => {
    const keys = keysOf(['g'], ['a', 'b', 'c']);
    // 150 organizations: half all-a, half split a 1 : b 3, so the average share is a 0.625, b 0.375, c 0.
    const rows: ContributionRow[] = Array.from({ length: 150 }, (_, index) =>
      index % 2 === 0
        ? [{ contributor: `o${index}`, cell: 'g|a', count: 7, bytes: 0 }]
        : [
            { contributor: `o${index}`, cell: 'g|a', count: 10, bytes: 0 },
            { contributor: `o${index}`, cell: 'g|b', count: 30, bytes: 0 },
          ],
    ).flat();
    const plan = planDatasetRelease(shareSpec());
    const prepared = prepareRelease(plan);
    const share = plan.measures.find((measure) => measure.kind === 'organization_share')!;
    const identity: ShareMeasureIdentity = { name: 'share', gridUnits: GRID, noiseStandardDeviation: share.noiseStandardDeviation, mechanism: 'gaussian' };
    const { cells } = releaseCells(rows, prepared, createSeededRandomSource(11), { publicKeys: keys, shareGroups: groupsOf(keys) });
    const processed = postProcessShares(cells, identity, groupsOf(keys));
    const values = keys.map((key) => processed.get(key)!);
    expect(values.reduce((sum, value) => sum + Math.round(value.value * 10_000), 0)).toBe(10_000);
    for (const value of values) {
      expect(value.value).toBeGreaterThanOrEqual(0);
      expect(value.ci95Low).toBeLessThanOrEqual(value.value);
      expect(value.ci95High).toBeGreaterThanOrEqual(value.value);
      expect(value.ci95Low).toBeGreaterThanOrEqual(0);
      expect(value.ci95High).toBeLessThanOrEqual(1);
      expect(Number((value.value * 10_000).toFixed(6)) % 1).toBe(0); // 4 decimals
    }
    expect(Math.abs(values[0]!.value - 0.625)).toBeLessThan(0.12);
  });

  it('Fieller hull: contains the ratio of the noisy sums, shrinks with the group, is [0, 1] when the denominator is noise', () => {
    const wide = fiellerHull(30_000, 100_000, 40_000, 4, 1.96)!;
    const narrow = fiellerHull(300_000, 1_000_000, 40_000, 4, 1.96)!;
    expect(wide[0]).toBeLessThan(0.3);
    expect(wide[1]).toBeGreaterThan(0.3);
    expect(narrow[0]).toBeLessThan(0.3);
    expect(narrow[1]).toBeGreaterThan(0.3);
    expect(narrow[1] - narrow[0]).toBeLessThan(wide[1] - wide[0]);
    // Delta method at N = 100 organizations: 1.96 * 4 * sqrt(1 - 0.6 + 0.36) / 100 = 0.068.
    expect((narrow[1] - narrow[0]) / 2).toBeCloseTo(0.068, 2);
    expect(fiellerHull(1_000, 5_000, 40_000, 4, 1.96)).toEqual([0, 1]);
  });
});

describe('share intervals: coverage by simulation', { timeout: 300_000 }, () => {
  // Organizations with different mixes over 4 categories, so the true average shares are uneven.
  const mixes = [
    [10, 0, 0, 0],
    [6, 3, 1, 0],
    [1, 1, 1, 1],
    [0, 2, 5, 3],
    [2, 0, 0, 8],
  ];
  const categories = ['a', 'b', 'c', 'd'];
  const RUNS = 1_500;
  /** The 95% intervals must cover the bounded true share in at least this fraction of runs (3 sd below 95%). */
  const minimumCoverage = 0.95 - 3 * Math.sqrt((0.95 * 0.05) / RUNS);

  for (const [mechanism, organizations] of [['gaussian', 25], ['gaussian', 150], ['laplace', 60]] as const) {
    it(`${mechanism}, a group of ${organizations} organizations: every category's interval covers the true share >= 95% of the time`, () => {
      const keys = keysOf(['g'], categories);
      const groups = groupsOf(keys);
      const rows: ContributionRow[] = [];
      for (let org = 0; org < organizations; org += 1) {
        mixes[org % mixes.length]!.forEach((count, index) => {
          if (count > 0) rows.push({ contributor: `o${org}`, cell: `g|${categories[index]}`, count: count * (1 + (org % 7)), bytes: 0 });
        });
      }
      const truth = shareSumsByKey(rows, groups, { maxGroupsPerContributor: 1, gridUnits: GRID }, createSeededRandomSource(1));
      const trueShare = keys.map((key) => (truth.get(key) ?? 0) / (organizations * GRID));
      // k = 2 so that small groups are published and their intervals checked too.
      const plan = planDatasetRelease(shareSpec({ mechanism, minContributorsPerCell: 2 }));
      const prepared = prepareRelease(plan);
      const share = plan.measures.find((measure) => measure.kind === 'organization_share')!;
      const identity: ShareMeasureIdentity = { name: 'share', gridUnits: GRID, noiseStandardDeviation: share.noiseStandardDeviation, mechanism };
      const bits = new RandomBitStream(createSeededRandomSource(organizations));
      const covered = keys.map(() => 0);
      let published = 0;
      for (let run = 0; run < RUNS; run += 1) {
        const { cells } = releaseCells(rows, prepared, bits, { publicKeys: keys, shareGroups: groups });
        const processed = postProcessShares(cells, identity, groups);
        if (processed.get(keys[0]!) === null) {
          // A suppressed group publishes no interval: count it as not covered, the conservative reading.
          continue;
        }
        published += 1;
        keys.forEach((key, index) => {
          const value = processed.get(key)!;
          if (value.ci95Low <= trueShare[index]! + 1e-12 && trueShare[index]! - 1e-12 <= value.ci95High) covered[index]! += 1;
        });
      }
      if (process.env['DP_TEST_VERBOSE'] === '1') console.log(mechanism, organizations, 'coverage', covered.map((count) => (count / RUNS).toFixed(3)).join(' '));
      expect(published).toBeGreaterThan(RUNS * 0.9);
      for (const count of covered) expect(count / RUNS).toBeGreaterThanOrEqual(minimumCoverage);
    });
  }
});
