/**
 * The additive integer-noise mechanism behind every published number: bounded value + Z, where Z is
 * discrete Gaussian or discrete Laplace noise calibrated elsewhere (release-plan.ts) to the value's
 * sensitivity. Noisy count, noisy clamped sum and distinct-contributor count are all this mechanism;
 * they differ only in the per-contributor bound that sets the sensitivity:
 *   transfer count          Linf (each contributor's count per cell capped at Linf)
 *   clamped byte sum        C    (each contributor's byte total per cell clamped to [0, C])
 *   distinct organizations  1
 * with L1 sensitivity L0 * bound and L2 sensitivity sqrt(L0) * bound across cells.
 *
 * Each output carries the noise standard deviation and a 95% interval, value +- h, with h an integer
 * such that P(|Z| > h) <= 5% (noise-statistics.ts). As in google/differential-privacy's
 * confidence_intervals.md, the interval covers the BOUNDED value (after capping and clamping), not the
 * raw one. Values are not clamped at 0 after noising: that would bias them and break the interval.
 */
import type { IntegerSampler } from './discrete-laplace';
import { noiseSamplerFactory, type NoiseDistribution } from './noise-distribution';
import { confidenceHalfWidth, noiseStandardDeviation } from './noise-statistics';
import type { RandomBitStream } from './random-bit-stream';
import type { RandomSource } from './random-source';

export interface NoisyValue {
  /** The released integer: bounded value plus noise. */
  readonly value: number;
  readonly noiseStandardDeviation: number;
  /** value - h: with probability >= 95% the bounded true value is >= this. */
  readonly ci95Low: number;
  /** value + h. */
  readonly ci95High: number;
}

export interface AdditiveNoiseMechanism {
  readonly noise: NoiseDistribution;
  readonly noiseStandardDeviation: number;
  /** h, an integer: P(|Z| > h) <= 0.05. */
  readonly ci95HalfWidth: number;
  /** Adds fresh noise to a bounded integer value. */
  release(boundedValue: number): NoisyValue;
}

/** A noise distribution with its display statistics and sampler set-up done once, for reuse. */
export interface PreparedNoise {
  readonly noise: NoiseDistribution;
  readonly noiseStandardDeviation: number;
  /** h, an integer: P(|Z| > h) <= 0.05. */
  readonly ci95HalfWidth: number;
  readonly samplerFactory: (random: RandomSource | RandomBitStream) => IntegerSampler;
}

/** Prepares `noise`; pass `statistics` when they are already known (a release plan carries them). */
export function prepareNoise(
  noise: NoiseDistribution,
  statistics?: { readonly noiseStandardDeviation: number; readonly ci95HalfWidth: number },
): PreparedNoise {
  return {
    noise,
    noiseStandardDeviation: statistics?.noiseStandardDeviation ?? noiseStandardDeviation(noise),
    ci95HalfWidth: statistics?.ci95HalfWidth ?? confidenceHalfWidth(noise, 0.95),
    samplerFactory: noiseSamplerFactory(noise),
  };
}

export function createAdditiveNoiseMechanism(
  noise: NoiseDistribution | PreparedNoise,
  random: RandomSource | RandomBitStream,
): AdditiveNoiseMechanism {
  const prepared = 'samplerFactory' in noise ? noise : prepareNoise(noise);
  const sampler = prepared.samplerFactory(random);
  const { noiseStandardDeviation: standardDeviation, ci95HalfWidth } = prepared;
  return {
    noise: prepared.noise,
    noiseStandardDeviation: standardDeviation,
    ci95HalfWidth,
    release(boundedValue: number): NoisyValue {
      if (!Number.isSafeInteger(boundedValue)) throw new RangeError('release: the bounded value must be a safe integer');
      const value = boundedValue + sampler.sample();
      if (!Number.isSafeInteger(value - ci95HalfWidth) || !Number.isSafeInteger(value + ci95HalfWidth)) {
        throw new RangeError('release: noisy value out of the safe integer range');
      }
      return {
        value,
        noiseStandardDeviation: standardDeviation,
        ci95Low: value - ci95HalfWidth,
        ci95High: value + ci95HalfWidth,
      };
    },
  };
}
