/**
 * The numbers shown next to every value: noise standard deviation, the 95% interval half-width, and the
 * tail bounds behind the selection threshold, checked against pmfs computed independently in the test
 * (reference-distributions.ts) and against empirical coverage.
 */
import { describe, expect, it } from 'vitest';
import {
  confidenceHalfWidth,
  createAdditiveNoiseMechanism,
  createSeededRandomSource,
  discreteGaussianForSigma,
  discreteLaplaceForScale,
  noiseStandardDeviation,
  rationalToNumberUp,
  RandomBitStream,
  selectionThreshold,
  upperTailBound,
  type NoiseDistribution,
} from '../../src/privacy';
import { chiSquareForCategories } from './chi-square';
import { discreteGaussianPmf, discreteLaplacePmf, pmfMoments, pmfUpperTail, type ReferencePmf } from './reference-distributions';

const SCALES = [0.5, 1, 3, 100, 1e4];

function referencePmf(noise: NoiseDistribution): ReferencePmf {
  return noise.kind === 'discrete_gaussian'
    ? discreteGaussianPmf(rationalToNumberUp(noise.sigmaSquared))
    : discreteLaplacePmf(rationalToNumberUp(noise.scale));
}

/** P(|Z| <= h) from the reference pmf (symmetric). */
function coverage(pmf: ReferencePmf, h: number): number {
  return 1 - 2 * pmfUpperTail(pmf, h + 1);
}

const distributions: [string, NoiseDistribution][] = SCALES.flatMap((scale): [string, NoiseDistribution][] => [
  [`discrete Gaussian sigma=${scale}`, discreteGaussianForSigma(scale)],
  [`discrete Laplace t=${scale}`, discreteLaplaceForScale(scale)],
]);

describe.each(distributions)('%s', (_label, noise) => {
  const pmf = referencePmf(noise);

  it('reports the standard deviation of the pmf', () => {
    expect(noiseStandardDeviation(noise)).toBeCloseTo(Math.sqrt(pmfMoments(pmf).variance), 6);
  });

  it('has the smallest integer half-width that covers >= 95%', () => {
    const h = confidenceHalfWidth(noise, 0.95);
    expect(Number.isInteger(h)).toBe(true);
    expect(coverage(pmf, h)).toBeGreaterThanOrEqual(0.95);
    // Exact for Laplace and (by pmf summation) for these Gaussians: one less would undercover.
    if (h > 0) expect(coverage(pmf, h - 1)).toBeLessThan(0.95);
  });

  it('bounds every tail from above, and tightly', () => {
    for (const m of [1, 2, 3, 5, 10, 30, 100, 1000, 30_000, 50_000]) {
      const exact = pmfUpperTail(pmf, m);
      if (exact < 1e-250 || (noise.kind === 'discrete_laplace' && m > 40 * rationalToNumberUp(noise.scale))) continue;
      const bound = upperTailBound(noise, m);
      expect(bound).toBeGreaterThanOrEqual(exact);
      expect(bound).toBeLessThanOrEqual(exact * (1 + 1e-6));
    }
  });

  it('covers >= 95% empirically (200,000 draws, 6 standard errors)', () => {
    const mechanism = createAdditiveNoiseMechanism(noise, new RandomBitStream(createSeededRandomSource(41)));
    const n = 200_000;
    const trueValue = 1234;
    let covered = 0;
    let nonIntegers = 0;
    for (let i = 0; i < n; i++) {
      const { value, ci95Low, ci95High } = mechanism.release(trueValue);
      if (!Number.isSafeInteger(value)) nonIntegers++;
      if (ci95Low <= trueValue && trueValue <= ci95High) covered++;
    }
    expect(nonIntegers).toBe(0);
    const expected = coverage(pmf, mechanism.ci95HalfWidth);
    const standardError = Math.sqrt((expected * (1 - expected)) / n);
    expect(covered / n).toBeGreaterThanOrEqual(0.95 - 6 * Math.sqrt((0.95 * 0.05) / n));
    expect(Math.abs(covered / n - expected)).toBeLessThan(6 * standardError + 1e-12);
  });
});

describe('low bits (DP-REFERENCE floating-point regression)', () => {
  it.each([
    ['discrete Gaussian sigma=1000', discreteGaussianForSigma(1000)],
    ['discrete Laplace t=1000', discreteLaplaceForScale(1000)],
  ])('%s: outputs for inputs 0 and 1 are integers whose low 4 bits are uniform either way', (_label, noise) => {
    const mechanism = createAdditiveNoiseMechanism(noise, new RandomBitStream(createSeededRandomSource(43)));
    for (const input of [0, 1]) {
      const counts = new Array<number>(16).fill(0);
      let nonIntegers = 0;
      for (let i = 0; i < 80_000; i++) {
        const { value } = mechanism.release(input);
        if (!Number.isSafeInteger(value)) nonIntegers++;
        else counts[((value % 16) + 16) % 16]!++;
      }
      expect(nonIntegers).toBe(0);
      const result = chiSquareForCategories(counts, new Array(16).fill(1 / 16));
      expect(result.statistic).toBeLessThan(result.criticalValue);
    }
  });
});

describe('large sigma (block-summed Gaussian tail bound)', () => {
  it('is conservative and within 0.1% of the pmf sum at sigma = 20,000', () => {
    const noise = discreteGaussianForSigma(20_000);
    const pmf = referencePmf(noise);
    for (const m of [1, 20_000, 39_200, 100_000, 150_000]) {
      const exact = pmfUpperTail(pmf, m);
      const bound = upperTailBound(noise, m);
      expect(bound).toBeGreaterThanOrEqual(exact);
      expect(bound).toBeLessThanOrEqual(exact * 1.001);
    }
    const h = confidenceHalfWidth(noise);
    expect(coverage(pmf, h)).toBeGreaterThanOrEqual(0.95);
    expect(coverage(pmf, h - 2)).toBeLessThan(0.95);
  });

  it('gives the continuous 1.96 sigma at sigma = 10^6', () => {
    const h = confidenceHalfWidth(discreteGaussianForSigma(1e6));
    expect(h).toBeGreaterThanOrEqual(1_959_964);
    expect(h).toBeLessThanOrEqual(1_960_200);
  });
});

describe('selection threshold', () => {
  it.each([
    ['discrete Gaussian sigma=3', discreteGaussianForSigma(3)],
    ['discrete Gaussian sigma=40', discreteGaussianForSigma(40)],
    ['discrete Laplace t=2', discreteLaplaceForScale(2)],
  ])('%s: a cell of one contributor above the floor passes with probability <= delta\'', (_label, noise) => {
    const pmf = referencePmf(noise);
    const k = 10;
    for (const perCellDelta of [1e-3, 1e-6, 1e-9]) {
      const threshold = selectionThreshold(noise, perCellDelta, k);
      // c = contributors - (k - 1) = 1 passes iff 1 + Z >= threshold - (k - 1).
      expect(pmfUpperTail(pmf, threshold - k)).toBeLessThanOrEqual(perCellDelta);
      expect(pmfUpperTail(pmf, threshold - k - 1)).toBeGreaterThan(perCellDelta); // and it is the smallest such
    }
  });

  it('matches the DP-REFERENCE Laplace formula up to the discrete tail', () => {
    // Continuous: tau = 1 - (L0/eps) ln(2 delta') + (k - 1); the discrete tail q^m / (1 + q) is slightly fatter.
    const scale = 5;
    const noise = discreteLaplaceForScale(scale);
    const perCellDelta = 1e-7;
    const k = 10;
    const continuous = 1 - scale * Math.log(2 * perCellDelta) + (k - 1);
    const threshold = selectionThreshold(noise, perCellDelta, k);
    expect(threshold).toBeGreaterThanOrEqual(Math.floor(continuous));
    expect(threshold).toBeLessThanOrEqual(Math.ceil(continuous) + 2);
  });
});
