/**
 * Exact sampler for the discrete Laplace distribution, P(Z = z) proportional to exp(-|z| / t) on the
 * integers, with a rational scale t = n / d.
 *
 * CKS20 Algorithm 2 (Canonne, Kamath, Steinke 2020, arXiv:2004.00010): draw X = U + n V from the
 * two-sided-geometric-of-scale-n construction (U uniform below n, accepted with probability
 * exp(-U / n); V geometric with ratio exp(-1)), divide down to Y = floor(X / d), attach a fair sign,
 * and reject "negative zero" so that zero is not counted twice.
 */
import { bernoulliExpMinusOne, bernoulliExpNegativeBig, bernoulliExpNegativeFraction } from './bernoulli';
import { toRandomBitStream, type RandomBitStream } from './random-bit-stream';
import type { RandomSource } from './random-source';
import type { Rational } from './rational';

/** Draws independent integer samples; every result is a safe integer. */
export interface IntegerSampler {
  sample(): number;
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A discrete Laplace sampler with scale `scale` (> 0).
 *
 * Uses double arithmetic when n and d are safe integers (every intermediate is then an exact integer
 * below 2^53, checked per sample), bigint arithmetic otherwise. A sample whose magnitude exceeds
 * 2^53 - 1 cannot be returned as a number and throws a RangeError; for scales below 2^40 that has
 * probability below exp(-8000).
 */
export function createDiscreteLaplaceSampler(scale: Rational, random: RandomSource | RandomBitStream): IntegerSampler {
  return discreteLaplaceSamplerFactory(scale)(random);
}

/** Validates the scale and picks the arithmetic once; binding to a random stream is then cheap. */
export function discreteLaplaceSamplerFactory(scale: Rational): (random: RandomSource | RandomBitStream) => IntegerSampler {
  if (scale.numerator <= 0n) throw new RangeError('discrete Laplace: scale must be > 0');
  if (scale.numerator <= MAX_SAFE_BIGINT && scale.denominator <= MAX_SAFE_BIGINT) {
    const n = Number(scale.numerator);
    const d = Number(scale.denominator);
    return (random) => new NumberDiscreteLaplaceSampler(toRandomBitStream(random), n, d);
  }
  return (random) => new BigIntDiscreteLaplaceSampler(toRandomBitStream(random), scale.numerator, scale.denominator);
}

class NumberDiscreteLaplaceSampler implements IntegerSampler {
  readonly #bits: RandomBitStream;
  readonly #scaleNumerator: number;
  readonly #scaleDenominator: number;

  constructor(bits: RandomBitStream, scaleNumerator: number, scaleDenominator: number) {
    this.#bits = bits;
    this.#scaleNumerator = scaleNumerator;
    this.#scaleDenominator = scaleDenominator;
  }

  sample(): number {
    const bits = this.#bits;
    const n = this.#scaleNumerator;
    const d = this.#scaleDenominator;
    for (;;) {
      const u = bits.uniformBelow(n);
      if (!bernoulliExpNegativeFraction(bits, u, n)) continue;
      let v = 0;
      while (bernoulliExpMinusOne(bits)) v++;
      const x = u + n * v;
      // If the exact x exceeds 2^53 - 1, the rounded x does too, so this test never lets an inexact x through.
      const magnitude = x <= Number.MAX_SAFE_INTEGER ? (d === 1 ? x : (x - (x % d)) / d) : magnitudeBeyondSafe(u, n, v, d);
      const negative = bits.nextBit() === 1;
      if (negative && magnitude === 0) continue;
      return negative ? -magnitude : magnitude;
    }
  }
}

class BigIntDiscreteLaplaceSampler implements IntegerSampler {
  readonly #bits: RandomBitStream;
  readonly #scaleNumerator: bigint;
  readonly #scaleDenominator: bigint;

  constructor(bits: RandomBitStream, scaleNumerator: bigint, scaleDenominator: bigint) {
    this.#bits = bits;
    this.#scaleNumerator = scaleNumerator;
    this.#scaleDenominator = scaleDenominator;
  }

  sample(): number {
    const bits = this.#bits;
    const n = this.#scaleNumerator;
    for (;;) {
      const u = bits.uniformBelowBigInt(n);
      if (!bernoulliExpNegativeBig(bits, u, n)) continue;
      let v = 0n;
      while (bernoulliExpMinusOne(bits)) v++;
      const magnitude = (u + n * v) / this.#scaleDenominator; // bigint division floors for non-negatives
      const negative = bits.nextBit() === 1;
      if (negative && magnitude === 0n) continue;
      return toSafeNumber(negative ? -magnitude : magnitude);
    }
  }
}

function magnitudeBeyondSafe(u: number, n: number, v: number, d: number): number {
  return toSafeNumber((BigInt(u) + BigInt(n) * BigInt(v)) / BigInt(d));
}

function toSafeNumber(value: bigint): number {
  if (value > MAX_SAFE_BIGINT || value < -MAX_SAFE_BIGINT) {
    throw new RangeError('discrete noise sample exceeds 2^53 - 1 and cannot be represented exactly');
  }
  return Number(value);
}
