/**
 * Whole-release approximate-DP test on the public-keys path (DP-REFERENCE "How the anchors test DP",
 * item 4): two stores that differ by one organization's entire telemetry (a huge volume in key x and
 * rows in a key outside the declared key space, which must be dropped before bounding), the release run
 * many times on each, and the test of
 * approximate-dp-test.ts applied to what researchers see of one key: its status, and when published
 * its post-processed transfer and organization values. Suppression and post-processing are part of
 * the observed mechanism, so a suppression on the true count, or a post-processing step that read the
 * data, would show up here. A plan with half the noise must fail the same test.
 */
import { describe, expect, it } from 'vitest';
import {
  approxDpDelta,
  createSeededRandomSource,
  planDatasetRelease,
  postProcessCell,
  postProcessShares,
  prepareRelease,
  RandomBitStream,
  releaseCells,
  type ContributionRow,
  type DatasetPrivacySpec,
  type PrivacyMechanism,
} from '../../src/privacy';
import { runApproximateDpTest } from './approximate-dp-test';

const LONG = process.env['DP_LONG_TESTS'] === '1';
const RELEASE_RUNS = LONG ? 1_000_000 : 50_000;
const LN3 = Math.log(3);
const LONG_RUN_OPTIONS = { timeout: LONG ? 30 * 60_000 : 120_000 };
/** ~5 standard deviations above the statistic's noise floor for a correct mechanism (see the mechanisms file). */
const tolerance = (runs: number): number => 6 / Math.sqrt(runs);
const KEYS = ['w', 'x', 'y', 'z'];

describe('whole public-keys release (suppression and post-processing included): stores differing by one organization', LONG_RUN_OPTIONS, () => {
  const spec = (mechanism: PrivacyMechanism, rho: number): DatasetPrivacySpec => ({
    maxCellsPerContributor: 1,
    minContributorsPerCell: 4,
    keys: 'public',
    mechanism,
    selectionDelta: 1e-6,
    measures: [
      { name: 'transfers', kind: 'transfer_count', maxCountPerCell: 1 },
      { name: 'organizations', kind: 'distinct_organizations' },
    ],
    rho,
  });
  const background = (n: number): ContributionRow[] =>
    Array.from({ length: n }, (_, i) => ({ contributor: `org-${i}`, cell: 'x', count: 1 + (i % 3), bytes: 0 }));
  // The target organization: a huge volume in key x (capped at Linf = 1) and rows in an undeclared key, which
  // cannot be published and must not take x's place under L0 = 1. Observing x sees its whole effect, so
  // the test has the power to catch too little noise.
  const target: ContributionRow[] = [
    { contributor: 'target', cell: 'x', count: 1_000, bytes: 0 },
    { contributor: 'target', cell: 'undeclared', count: 1_000, bytes: 0 },
  ];

  for (const mechanism of ['laplace', 'gaussian'] as const satisfies readonly PrivacyMechanism[]) {
    it(`${mechanism}: key x (suppressed, or its processed values) is within the plan's claim; a plan with half the noise fails`, () => {
      // Laplace: L1 = 1 per measure; each measure gets epsilon ln 3 / 2, so the release is ln 3-DP.
      const rho = mechanism === 'laplace' ? (LN3 / 2) ** 2 : 0.1;
      const plan = planDatasetRelease(spec(mechanism, rho));
      const tooLittleNoise = planDatasetRelease(spec(mechanism, 4 * rho));
      expect(plan.accounting.selectionDelta).toBe(0);
      const claimedDelta = mechanism === 'laplace' ? 0 : approxDpDelta(plan.accounting.rhoCharged, LN3);
      if (mechanism === 'laplace') expect(plan.accounting.pureEpsilon).toBeLessThanOrEqual(LN3 * (1 + 1e-9));
      const measures = plan.measures.map(({ name, kind }) => ({ name, kind }));

      const run = (releasePlan: typeof plan, backgroundSize: number, seed: number): number => {
        const prepared = prepareRelease(releasePlan);
        const bits = new RandomBitStream(createSeededRandomSource(seed));
        const observeKeyX = (rows: readonly ContributionRow[]) => {
          const cell = releaseCells(rows, prepared, bits, { publicKeys: KEYS }).cells.find((released) => released.cell === 'x')!;
          const processed = postProcessCell(cell, measures);
          return processed === null ? 'suppressed' : `${processed['transfers']!.value}/${processed['organizations']!.value}`;
        };
        return runApproximateDpTest(observeKeyX, [...background(backgroundSize), ...target], background(backgroundSize), RELEASE_RUNS, LN3);
      };
      // Background around k (suppression decides often) and well above it (values are published).
      const sizes = [3, 8];
      const bound = claimedDelta + tolerance(RELEASE_RUNS);
      for (const [index, size] of sizes.entries()) expect(run(plan, size, 40 + index)).toBeLessThanOrEqual(bound);
      expect(Math.max(...sizes.map((size, index) => run(tooLittleNoise, size, 50 + index)))).toBeGreaterThan(bound);
    });
  }
});

/**
 * The same test on the share path: a group's noisy share-sums, the group's status (suppression on its
 * noisy organization count) and the published share of key g|a, which together are everything a
 * researcher sees of the group's shares. A small grid (G = 2) keeps the outputs on few values. The
 * target organization puts a huge volume into group g and rows into an undeclared key, which must be
 * dropped before the group bound (L0 = 1) so it cannot take g's place. The claim checked is the share
 * measure's own cost; a plan with half its noise must fail.
 */
describe('whole public-keys release, organization_share: stores differing by one organization', LONG_RUN_OPTIONS, () => {
  const GRID = 2;
  const SHARE_KEYS = ['g|a', 'g|b', 'h|a', 'h|b'];
  const groups = new Map(SHARE_KEYS.map((key) => [key, key.split('|')[0]!]));
  const spec = (mechanism: PrivacyMechanism, rho: number): DatasetPrivacySpec => ({
    maxCellsPerContributor: 1,
    minContributorsPerCell: 4,
    keys: 'public',
    mechanism,
    selectionDelta: 1e-6,
    measures: [
      { name: 'organizations', kind: 'distinct_organizations' },
      { name: 'share', kind: 'organization_share', maxGroupsPerContributor: 1, gridUnits: GRID },
    ],
    rho,
  });
  const background = (n: number): ContributionRow[] =>
    Array.from({ length: n }, (_, i) => [
      { contributor: `org-${i}`, cell: 'g|a', count: 1 + (i % 3), bytes: 0 },
      { contributor: `org-${i}`, cell: 'g|b', count: 2, bytes: 0 },
    ]).flat();
  // Both targets reach the bound of their mechanism's accounting: Gaussian, all in g|a (vector (2, 0),
  // L2 = G); Laplace, half in each (vector (1, 1), L1 = G, with the loss split over two outputs like the
  // key x test above, since all of it on one output leaves half the outputs exactly at e^epsilon and the
  // statistic's sampling bias then exceeds the tolerance although the mechanism is exactly ln 3-DP).
  const targetOf = (mechanism: PrivacyMechanism): ContributionRow[] => [
    { contributor: 'target', cell: 'g|a', count: 1_000_000, bytes: 0 },
    ...(mechanism === 'laplace' ? [{ contributor: 'target', cell: 'g|b', count: 1_000_000, bytes: 0 }] : []),
    { contributor: 'target', cell: 'undeclared', count: 1_000, bytes: 0 },
  ];

  for (const mechanism of ['laplace', 'gaussian'] as const satisfies readonly PrivacyMechanism[]) {
    it(`${mechanism}: group g's shares (status, noisy share-sums, published share) are within the plan's claim; half the noise fails`, () => {
      // Equal weights: the share measure gets half of rho. Laplace: its epsilon sqrt(2 rho / 2) = ln 3.
      const rho = mechanism === 'laplace' ? LN3 ** 2 : 0.2;
      const plan = planDatasetRelease(spec(mechanism, rho));
      const tooLittleNoise = planDatasetRelease(spec(mechanism, 4 * rho));
      const share = plan.measures.find((measure) => measure.kind === 'organization_share')!;
      expect(share.l1Sensitivity).toBe(GRID);
      if (mechanism === 'laplace') expect(share.pureEpsilon).toBeLessThanOrEqual(LN3 * (1 + 1e-9));
      const claimedDelta = mechanism === 'laplace' ? 0 : approxDpDelta(share.rhoCharged, LN3);

      const run = (releasePlan: typeof plan, backgroundSize: number, seed: number): number => {
        const prepared = prepareRelease(releasePlan);
        const measure = releasePlan.measures.find((each) => each.kind === 'organization_share')!;
        const identity = { name: 'share', gridUnits: GRID, noiseStandardDeviation: measure.noiseStandardDeviation, mechanism };
        const bits = new RandomBitStream(createSeededRandomSource(seed));
        const observeGroupG = (rows: readonly ContributionRow[]) => {
          const { cells } = releaseCells(rows, prepared, bits, { publicKeys: SHARE_KEYS, shareGroups: groups });
          const [a, b] = ['g|a', 'g|b'].map((key) => cells.find((cell) => cell.cell === key)!);
          const published = postProcessShares(cells, identity, groups).get('g|a');
          return `${a!.shareStatus}:${a!.values['share']!.value}/${b!.values['share']!.value}:${published?.value ?? '-'}`;
        };
        return runApproximateDpTest(observeGroupG, [...background(backgroundSize), ...targetOf(mechanism)], background(backgroundSize), RELEASE_RUNS, LN3);
      };
      const sizes = [3, 8];
      const bound = claimedDelta + tolerance(RELEASE_RUNS);
      for (const [index, size] of sizes.entries()) expect(run(plan, size, 60 + index)).toBeLessThanOrEqual(bound);
      expect(Math.max(...sizes.map((size, index) => run(tooLittleNoise, size, 70 + index)))).toBeGreaterThan(bound);
    });
  }
});
