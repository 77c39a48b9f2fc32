/**
 * Whole-release approximate-DP test (DP-REFERENCE "how the anchors test DP", item 4): two stores that
 * differ by one organization's entire telemetry, the release run many times on each, and the test of
 * approximate-dp-test.ts applied to one cell's output, including whether it is released at all. As in
 * dp-statistical-mechanisms.test.ts, a plan with half the noise must fail the same test.
 */
import { describe, expect, it } from 'vitest';
import {
  approxDpDelta,
  createSeededRandomSource,
  planDatasetRelease,
  prepareRelease,
  RandomBitStream,
  releaseCells,
  type ContributionRow,
  type PrivacyMechanism,
} from '../../src/privacy';
import { runApproximateDpTest } from './approximate-dp-test';

const LONG = process.env['DP_LONG_TESTS'] === '1';
const RELEASE_RUNS = LONG ? 1_000_000 : 50_000;
const LN3 = Math.log(3);
/** Long runs take minutes; the default per-test timeout would cut them off. */
const LONG_RUN_OPTIONS = { timeout: LONG ? 30 * 60_000 : 60_000 };
/** ~5 standard deviations above the statistic's noise floor for a correct mechanism (see the mechanisms file). */
const tolerance = (runs: number): number => 6 / Math.sqrt(runs);
const seeded = (seed: number): RandomBitStream => new RandomBitStream(createSeededRandomSource(seed));

describe('whole release: stores differing by one organization', LONG_RUN_OPTIONS, () => {
  const spec = (mechanism: PrivacyMechanism, rho: number) => ({
    maxCellsPerContributor: 1,
    minContributorsPerCell: 2,
    mechanism,
    selectionDelta: 1e-6,
    measures: [{ name: 'transfers', kind: 'transfer_count' as const, maxCountPerCell: 2 }],
    rho,
  });
  const background = (n: number): ContributionRow[] =>
    Array.from({ length: n }, (_, i) => ({ contributor: `org-${i}`, cell: 'x', count: 1 + (i % 3), bytes: 0 }));

  for (const mechanism of ['laplace', 'gaussian'] as const satisfies readonly PrivacyMechanism[]) {
    it(`${mechanism}: cell x (absent, or its noisy count) is within the plan's claim; a plan with half the noise fails`, () => {
      // Laplace: selection and count each get epsilon = ln 3 / 2, so the release is (ln 3, 1e-6)-DP.
      const rho = mechanism === 'laplace' ? (LN3 / 2) ** 2 : 0.1;
      const plan = planDatasetRelease(spec(mechanism, rho));
      const tooLittleNoise = planDatasetRelease(spec(mechanism, 4 * rho));
      const claimedDelta =
        mechanism === 'laplace'
          ? plan.accounting.selectionDelta
          : approxDpDelta(plan.accounting.rhoCharged, LN3) + plan.accounting.selectionDelta;
      if (mechanism === 'laplace') expect(plan.accounting.pureEpsilon).toBeLessThanOrEqual(LN3 * (1 + 1e-9));

      const run = (releasePlan: typeof plan, backgroundSize: number, seed: number): number => {
        const prepared = prepareRelease(releasePlan);
        const bits = seeded(seed);
        const observeCellX = (rows: readonly ContributionRow[]) => {
          const cell = releaseCells(rows, prepared, bits).cells.find((released) => released.cell === 'x');
          return cell === undefined ? 'absent' : cell.values['transfers']!.value;
        };
        // The target's count (10) is capped at Linf = 2.
        const withTarget = [...background(backgroundSize), { contributor: 'target', cell: 'x', count: 10, bytes: 0 }];
        return runApproximateDpTest(observeCellX, withTarget, background(backgroundSize), RELEASE_RUNS, LN3);
      };
      // The most revealing pairs: the target lifts cell x onto each plan's selection threshold.
      const pairs = [plan.selection!.threshold - 1, tooLittleNoise.selection!.threshold - 1];
      const bound = claimedDelta + tolerance(RELEASE_RUNS);
      for (const [index, size] of pairs.entries()) expect(run(plan, size, 20 + index)).toBeLessThanOrEqual(bound);
      expect(Math.max(...pairs.map((size, index) => run(tooLittleNoise, size, 30 + index)))).toBeGreaterThan(bound);
    });
  }
});
