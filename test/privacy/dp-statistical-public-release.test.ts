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
