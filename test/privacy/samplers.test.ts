/**
 * Distribution tests for the exact samplers: each against its exact pmf computed independently
 * (reference-distributions.ts), by chi-square at p ~ 1e-6, plus mean and variance at ~6 standard errors.
 * Both arithmetic paths are exercised: sigma^2 / scale from the float-conversion helpers land on the
 * fast double path, integer sigma^2 such as 10^8 forces the bigint acceptance path.
 */
import { describe, expect, it } from 'vitest';
import {
  createDiscreteGaussianSampler,
  createDiscreteLaplaceSampler,
  createSeededRandomSource,
  discreteGaussianForSigma,
  discreteLaplaceForScale,
  rational,
  rationalToNumberUp,
  RandomBitStream,
  sampleBernoulli,
  sampleBernoulliExp,
  type IntegerSampler,
  type Rational,
} from '../../src/privacy';
import { chiSquareAgainstPmf } from './chi-square';
import { discreteGaussianPmf, discreteLaplacePmf, pmfMoments, type ReferencePmf } from './reference-distributions';

const SAMPLES = 200_000;

function draw(sampler: IntegerSampler, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = sampler.sample();
  return out;
}

function expectMatchesPmf(samples: Float64Array, pmf: ReferencePmf): void {
  const result = chiSquareAgainstPmf(samples, pmf);
  expect(result.statistic, `chi2 ${result.statistic.toFixed(1)} on ${result.degreesOfFreedom} df`).toBeLessThan(result.criticalValue);
  const { mean, variance, fourthCentralMoment } = pmfMoments(pmf);
  const n = samples.length;
  let sampleMean = 0;
  for (const x of samples) sampleMean += x;
  sampleMean /= n;
  let sampleVariance = 0;
  for (const x of samples) sampleVariance += (x - sampleMean) ** 2;
  sampleVariance /= n - 1;
  expect(Math.abs(sampleMean - mean)).toBeLessThan(6 * Math.sqrt(variance / n));
  expect(Math.abs(sampleVariance - variance)).toBeLessThan(6 * Math.sqrt((fourthCentralMoment - variance ** 2) / n) + 1e-12);
}

const bits = (seed: number): RandomBitStream => new RandomBitStream(createSeededRandomSource(seed));

describe('Bernoulli samplers', () => {
  const binomialWithin = (successes: number, n: number, p: number): void => {
    expect(Math.abs(successes - n * p)).toBeLessThan(6 * Math.sqrt(n * p * (1 - p)) + 1);
  };

  it.each([
    [rational(1, 3)],
    [rational(2, 7)],
    [rational(999_999, 1_000_000)],
    [rational(1n, 3n * 2n ** 70n)], // bigint path
    [rational(2n ** 69n, 3n * 2n ** 69n + 1n)],
  ])('Bernoulli(%o) has the right frequency', (p: Rational) => {
    const stream = bits(11);
    const n = 200_000;
    let successes = 0;
    for (let i = 0; i < n; i++) if (sampleBernoulli(p, stream)) successes++;
    binomialWithin(successes, n, rationalToNumberUp(p));
  });

  it('Bernoulli(0) never and Bernoulli(1) always succeed', () => {
    const stream = bits(12);
    for (let i = 0; i < 1000; i++) {
      expect(sampleBernoulli(rational(0), stream)).toBe(false);
      expect(sampleBernoulli(rational(5, 5), stream)).toBe(true);
    }
  });

  it.each([
    [rational(0)],
    [rational(1, 2)],
    [rational(1)],
    [rational(7, 3)], // floor(gamma) = 2 plus a fraction
    [rational(5)],
    [rational(3n * 10n ** 30n + 1n, 10n ** 30n)], // bigint path with the floor split
  ])('Bernoulli(exp(-%o)) has the right frequency', (gamma: Rational) => {
    const stream = bits(13);
    const n = 200_000;
    let successes = 0;
    for (let i = 0; i < n; i++) if (sampleBernoulliExp(gamma, stream)) successes++;
    binomialWithin(successes, n, Math.exp(-rationalToNumberUp(gamma)));
  });
});

describe('discrete Laplace sampler (CKS20 Algorithm 2)', () => {
  it.each([0.5, 1, 3, 100, 1e4])('matches the pmf at scale %d (float-converted scale)', (scale) => {
    const noise = discreteLaplaceForScale(scale);
    if (noise.kind !== 'discrete_laplace') throw new Error('unexpected noise kind');
    const samples = draw(createDiscreteLaplaceSampler(noise.scale, bits(21)), SAMPLES);
    expectMatchesPmf(samples, discreteLaplacePmf(rationalToNumberUp(noise.scale)));
  });

  it.each([
    [rational(7, 3)],
    [rational(10n ** 20n + 1n, 10n ** 19n)], // numerator beyond 2^53: bigint sampler
  ])('matches the pmf at rational scale %o', (scale: Rational) => {
    const samples = draw(createDiscreteLaplaceSampler(scale, bits(22)), SAMPLES);
    expectMatchesPmf(samples, discreteLaplacePmf(rationalToNumberUp(scale)));
  });
});

describe('discrete Gaussian sampler (CKS20 Algorithm 3)', () => {
  it.each([0.5, 1, 3, 100, 1e4])('matches the pmf at sigma %d (float-converted sigma, fast path)', (sigma) => {
    const noise = discreteGaussianForSigma(sigma);
    if (noise.kind !== 'discrete_gaussian') throw new Error('unexpected noise kind');
    const samples = draw(createDiscreteGaussianSampler(noise.sigmaSquared, bits(31)), SAMPLES);
    expectMatchesPmf(samples, discreteGaussianPmf(rationalToNumberUp(noise.sigmaSquared)));
  });

  it.each([
    [rational(1, 4)],
    [rational(9)],
    [rational(10_000)],
    [rational(100_000_000)], // centre 10^8 / 10001: the acceptance test runs on bigints
    [rational(2, 3)],
  ])('matches the pmf at sigma^2 = %o (exact rational)', (sigmaSquared: Rational) => {
    const samples = draw(createDiscreteGaussianSampler(sigmaSquared, bits(32)), SAMPLES);
    expectMatchesPmf(samples, discreteGaussianPmf(rationalToNumberUp(sigmaSquared)));
  });

  it('the test has power: samples at sigma = 3 are rejected against sigma = 3.3', () => {
    const samples = draw(createDiscreteGaussianSampler(rational(9), bits(33)), SAMPLES);
    const result = chiSquareAgainstPmf(samples, discreteGaussianPmf(3.3 * 3.3));
    expect(result.statistic).toBeGreaterThan(result.criticalValue);
  });

  it('the test has power: a continuous Gaussian rounded to integers is rejected at sigma = 0.5', () => {
    // Rounding N(0, sigma^2) is a different distribution on the integers (the usual shortcut).
    const stream = bits(34);
    const samples = new Float64Array(SAMPLES);
    for (let i = 0; i < SAMPLES; i++) {
      const u1 = (stream.nextUint32() + 1) / 2 ** 32;
      const u2 = stream.nextUint32() / 2 ** 32;
      samples[i] = Math.round(0.5 * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
    const result = chiSquareAgainstPmf(samples, discreteGaussianPmf(0.25));
    expect(result.statistic).toBeGreaterThan(result.criticalValue);
  });

  it('is reproducible from a seeded source and returns safe integers', () => {
    const first = draw(createDiscreteGaussianSampler(rational(1_000_000), bits(35)), 1000);
    const second = draw(createDiscreteGaussianSampler(rational(1_000_000), bits(35)), 1000);
    expect(Array.from(first)).toEqual(Array.from(second));
    for (const value of first) expect(Number.isSafeInteger(value)).toBe(true);
  });
});
