/**
 * Statistical DP tests in the style of google/differential-privacy's StatisticalTestsUtil: run a
 * mechanism on neighbouring inputs (with / without one contributor's whole telemetry), histogram the
 * outputs, and check the empirical (epsilon, delta) condition (approximate-dp-test.ts).
 *
 * Every test has a twin showing POWER: the same test on a mechanism whose noise is deliberately too
 * small (half the sigma / scale, i.e. twice the epsilon) must fail. Mechanisms are calibrated to
 * epsilon = ln 3 as in google's test cases, where n = 10^5 runs already separate the two by a wide
 * margin. The tolerance, 6 / sqrt(n), sits about five standard deviations above the statistic's noise
 * floor for a correct mechanism (~1.3 / sqrt(n) +- 1 / sqrt(n) for these output ranges).
 * DP_LONG_TESTS=1 runs 10^6 runs per side, as google does. The whole-release version of the test is in
 * dp-statistical-release.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  approxDpDelta,
  boundContributions,
  createNoiseSampler,
  createSeededRandomSource,
  discreteGaussianForMinimumVariance,
  discreteLaplaceForMinimumScale,
  isCellSelected,
  minimumGaussianSigmaSquared,
  minimumLaplaceScale,
  RandomBitStream,
  rational,
  selectionThreshold,
  totalBoundedContributionsByCell,
  type ContributionRow,
  type NoiseDistribution,
  type PrivacyMechanism,
} from '../../src/privacy';
import { runApproximateDpTest } from './approximate-dp-test';

const LONG = process.env['DP_LONG_TESTS'] === '1';
const RUNS = LONG ? 1_000_000 : 100_000;
const LN3 = Math.log(3);
/** Long runs take minutes; the default per-test timeout would cut them off. */
const LONG_RUN_OPTIONS = { timeout: LONG ? 30 * 60_000 : 60_000 };
const tolerance = (runs: number): number => 6 / Math.sqrt(runs);

const seeded = (seed: number): RandomBitStream => new RandomBitStream(createSeededRandomSource(seed));

/** The same noise with half the standard deviation: sigma^2 / 4, or scale / 2. */
function halved(noise: NoiseDistribution): NoiseDistribution {
  return noise.kind === 'discrete_gaussian'
    ? { kind: 'discrete_gaussian', sigmaSquared: rational(noise.sigmaSquared.numerator, 4n * noise.sigmaSquared.denominator) }
    : { kind: 'discrete_laplace', scale: rational(noise.scale.numerator, 2n * noise.scale.denominator) };
}

const laplaceForEpsilon = (l1Sensitivity: number, epsilon: number): NoiseDistribution =>
  discreteLaplaceForMinimumScale(minimumLaplaceScale(l1Sensitivity, epsilon));
const gaussianForRho = (l2SensitivitySquared: number, rho: number): NoiseDistribution =>
  discreteGaussianForMinimumVariance(minimumGaussianSigmaSquared(l2SensitivitySquared, rho));

describe('noisy count', LONG_RUN_OPTIONS, () => {
  const countMechanism = (noise: NoiseDistribution, seed: number) => {
    const sampler = createNoiseSampler(noise, seeded(seed));
    return (count: number) => count + sampler.sample();
  };

  it('discrete Laplace calibrated to ln 3 passes; half the scale fails', () => {
    const noise = laplaceForEpsilon(1, LN3);
    const honest = runApproximateDpTest(countMechanism(noise, 1), 1, 0, RUNS, LN3);
    const broken = runApproximateDpTest(countMechanism(halved(noise), 2), 1, 0, RUNS, LN3);
    expect(honest).toBeLessThanOrEqual(0 + tolerance(RUNS));
    expect(broken).toBeGreaterThan(0 + tolerance(RUNS));
  });

  it('discrete Gaussian at rho = 0.1 passes at (ln 3, delta(rho)); half the sigma fails', () => {
    const rho = 0.1;
    const claimedDelta = approxDpDelta(rho, LN3);
    const noise = gaussianForRho(1, rho);
    const honest = runApproximateDpTest(countMechanism(noise, 3), 1, 0, RUNS, LN3);
    const broken = runApproximateDpTest(countMechanism(halved(noise), 4), 1, 0, RUNS, LN3);
    expect(honest).toBeLessThanOrEqual(claimedDelta + tolerance(RUNS));
    expect(broken).toBeGreaterThan(claimedDelta + tolerance(RUNS));
  });
});

describe('noisy clamped sum with contribution bounding', LONG_RUN_OPTIONS, () => {
  const background: ContributionRow[] = Array.from({ length: 8 }, (_, i) => ({
    contributor: `org-${i}`,
    cell: i % 2 === 0 ? 'x' : 'y',
    count: 1,
    bytes: i,
  }));

  /** Bound, total per cell, add noise to the clamped byte sum of cell x. */
  const sumMechanism = (noise: NoiseDistribution, l0: number, maxBytes: number, seed: number) => {
    const bits = seeded(seed);
    const sampler = createNoiseSampler(noise, bits);
    return (rows: readonly ContributionRow[]) => {
      const bounded = boundContributions(rows, { maxCellsPerContributor: l0, maxCountPerCell: 1, maxBytesPerCell: maxBytes }, bits);
      const totals = totalBoundedContributionsByCell(bounded);
      const x = totals.cellKeys.indexOf('x');
      return totals.boundedBytes[x]! + sampler.sample();
    };
  };

  it('clamping to C = 3 (L0 = 1) passes at ln 3; half the scale fails', () => {
    // The target's bytes are far above C and split over duplicate rows: bounding must merge and clamp.
    const withTarget = [
      ...background,
      { contributor: 'target', cell: 'x', count: 5, bytes: 1_000_000 },
      { contributor: 'target', cell: 'x', count: 5, bytes: 2_000_000 },
    ];
    const noise = laplaceForEpsilon(1 * 3, LN3);
    const honest = runApproximateDpTest(sumMechanism(noise, 1, 3, 5), withTarget, background, RUNS, LN3);
    const broken = runApproximateDpTest(sumMechanism(halved(noise), 1, 3, 6), withTarget, background, RUNS, LN3);
    expect(honest).toBeLessThanOrEqual(tolerance(RUNS));
    expect(broken).toBeGreaterThan(tolerance(RUNS));
  });

  it('L0 sampling (target in 5 cells, L0 = 3, Gaussian) stays within the zCDP claim', () => {
    const rho = 0.1;
    const withTarget = [
      ...background,
      ...['x', 'y', 'p', 'q', 'r'].map((cell) => ({ contributor: 'target', cell, count: 1, bytes: 50 })),
    ];
    const noise = gaussianForRho(3 * 2 * 2, rho); // L2^2 = L0 * C^2
    const honest = runApproximateDpTest(sumMechanism(noise, 3, 2, 7), withTarget, background, RUNS, LN3);
    expect(honest).toBeLessThanOrEqual(approxDpDelta(rho, LN3) + tolerance(RUNS));
  });
});

describe('key selection with the k floor', LONG_RUN_OPTIONS, () => {
  const k = 3;

  /**
   * The selection step as releaseCells runs it, reduced to "released or not". The input is the cell's
   * distinct-contributor count (with L0 = 1 and one cell per contributor, bounding is the identity;
   * the whole-release tests below cover bounding and selection together).
   */
  const selectionMechanism = (noise: NoiseDistribution, threshold: number, seed: number) => {
    const sampler = createNoiseSampler(noise, seeded(seed));
    return (contributors: number) =>
      contributors >= k && isCellSelected(contributors, sampler.sample(), threshold, k) ? 'released' : 'absent';
  };

  /** Max statistic over the neighbouring pairs (n, n - 1) for n = k and n around the threshold. */
  const worstPair = (mechanism: (contributors: number) => string, threshold: number, runs: number): number => {
    let worst = 0;
    for (const n of [k, threshold - 2, threshold - 1, threshold, threshold + 1, threshold + 2]) {
      worst = Math.max(worst, runApproximateDpTest(mechanism, n, n - 1, runs, LN3));
    }
    return worst;
  };

  for (const mechanism of ['laplace', 'gaussian'] as const satisfies readonly PrivacyMechanism[]) {
    it(`${mechanism}: within the claim at every pair; half the noise fails; a threshold for a larger delta fails`, () => {
      const delta = 1e-6;
      const rho = 0.1;
      const noise = mechanism === 'laplace' ? laplaceForEpsilon(1, LN3) : gaussianForRho(1, rho);
      const claimedDelta = (mechanism === 'laplace' ? 0 : approxDpDelta(rho, LN3)) + delta;
      const threshold = selectionThreshold(noise, delta, k);
      const bound = claimedDelta + tolerance(RUNS);

      expect(worstPair(selectionMechanism(noise, threshold, 8), threshold, RUNS)).toBeLessThanOrEqual(bound);
      expect(worstPair(selectionMechanism(halved(noise), threshold, 9), threshold, RUNS)).toBeGreaterThan(bound);
      // A threshold computed for delta = 0.2 lets a cell that exists only because of the target appear.
      const looseThreshold = selectionThreshold(noise, 0.2, k);
      expect(runApproximateDpTest(selectionMechanism(noise, looseThreshold, 10), k, k - 1, RUNS, LN3)).toBeGreaterThan(bound);
    });
  }
});
