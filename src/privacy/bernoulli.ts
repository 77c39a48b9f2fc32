/**
 * Exact Bernoulli trials, the building blocks of the CKS20 discrete Laplace and discrete Gaussian
 * samplers (Canonne, Kamath, Steinke, "The Discrete Gaussian for Differential Privacy", NeurIPS 2020,
 * arXiv:2004.00010, Section 5).
 *
 * "Exact" means the probability of `true` is exactly the rational asked for: every decision is an
 * integer comparison against a uniformly random integer. No floating-point value ever enters a
 * decision, so there is no rounding for an attacker to exploit (Mironov, CCS 2012).
 *
 * Each function has a `number` version for the hot path, valid whenever every integer involved is
 * below 2^53 (so IEEE-754 arithmetic on them is exact), and a `bigint` version for everything else.
 * `sampleBernoulli` and `sampleBernoulliExp` pick between them; pass them a `RandomBitStream` when
 * drawing many trials (a bare `RandomSource` gets a fresh 4 KiB stream per call).
 */
import { toRandomBitStream, type RandomBitStream } from './random-bit-stream';
import type { RandomSource } from './random-source';
import type { Rational } from './rational';

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

/** Bernoulli(p) for a rational p in [0, 1]. */
export function sampleBernoulli(p: Rational, random: RandomSource | RandomBitStream): boolean {
  if (p.numerator < 0n || p.numerator > p.denominator) throw new RangeError('sampleBernoulli: p must be in [0, 1]');
  const bits = toRandomBitStream(random);
  if (p.denominator <= MAX_SAFE_BIGINT) {
    return bernoulliRatio(bits, Number(p.numerator), Number(p.denominator));
  }
  return bits.uniformBelowBigInt(p.denominator) < p.numerator;
}

/** Bernoulli(exp(-gamma)) for a rational gamma >= 0 (CKS20 Algorithm 1 with the floor(gamma) split). */
export function sampleBernoulliExp(gamma: Rational, random: RandomSource | RandomBitStream): boolean {
  if (gamma.numerator < 0n) throw new RangeError('sampleBernoulliExp: gamma must be >= 0');
  const bits = toRandomBitStream(random);
  if (gamma.numerator <= MAX_SAFE_BIGINT && gamma.denominator <= MAX_SAFE_BIGINT) {
    return bernoulliExpNegative(bits, Number(gamma.numerator), Number(gamma.denominator));
  }
  return bernoulliExpNegativeBig(bits, gamma.numerator, gamma.denominator);
}

/** Bernoulli(numerator / denominator); safe integers with 0 <= numerator <= denominator <= 2^53. */
export function bernoulliRatio(bits: RandomBitStream, numerator: number, denominator: number): boolean {
  // U uniform on {0, ..., d-1}: P(U < n) = n / d exactly.
  return bits.uniformBelow(denominator) < numerator;
}

/**
 * Bernoulli(exp(-numerator / denominator)) for safe integers, numerator >= 0, denominator >= 1.
 *
 * exp(-gamma) = exp(-1)^floor(gamma) * exp(-(gamma - floor(gamma))): run floor(gamma) independent
 * Bernoulli(exp(-1)) trials (stopping at the first failure) and one trial for the fractional part,
 * so Algorithm 1's loop only ever sees an argument in [0, 1), where it needs at most e trials on
 * average (CKS20, Algorithm 1 and the remark after it).
 */
export function bernoulliExpNegative(bits: RandomBitStream, numerator: number, denominator: number): boolean {
  // `%` on doubles is exact (the IEEE remainder of two representable values is representable), and
  // numerator - remainder is an exact multiple of the denominator, so the quotient is exact too.
  const remainder = numerator % denominator;
  for (let whole = (numerator - remainder) / denominator; whole > 0; whole--) {
    if (!bernoulliExpMinusOne(bits)) return false;
  }
  return bernoulliExpNegativeFraction(bits, remainder, denominator);
}

/**
 * Bernoulli(exp(-numerator / denominator)) for 0 <= numerator < denominator (safe integers): CKS20
 * Algorithm 1. With A_k ~ Bernoulli(gamma / k), K is the first k with A_k = 0, and
 * P(K odd) = sum_{j even} (gamma^j / j! - gamma^(j+1) / (j+1)!) = exp(-gamma).
 */
export function bernoulliExpNegativeFraction(bits: RandomBitStream, numerator: number, denominator: number): boolean {
  if (numerator === 0) return true;
  let k = 1;
  for (;;) {
    const scaledDenominator = denominator * k; // exact while it stays <= 2^53 - 1
    const success =
      scaledDenominator <= Number.MAX_SAFE_INTEGER
        ? bits.uniformBelow(scaledDenominator) < numerator
        : // Bernoulli(gamma / k) as Bernoulli(gamma) AND Bernoulli(1 / k), two independent exact trials.
          bits.uniformBelow(denominator) < numerator && bits.uniformBelow(k) === 0;
    if (!success) return (k & 1) === 1;
    k++;
  }
}

/** Bernoulli(exp(-1)): CKS20 Algorithm 1 with gamma = 1 (A_1 = Bernoulli(1) always succeeds). */
export function bernoulliExpMinusOne(bits: RandomBitStream): boolean {
  let k = 2;
  while (bits.uniformBelow(k) === 0) k++;
  return (k & 1) === 1;
}

/** The bigint twin of `bernoulliExpNegative`, for arguments beyond 2^53. */
export function bernoulliExpNegativeBig(bits: RandomBitStream, numerator: bigint, denominator: bigint): boolean {
  const remainder = numerator % denominator;
  for (let whole = numerator / denominator; whole > 0n; whole--) {
    if (!bernoulliExpMinusOne(bits)) return false;
  }
  if (remainder === 0n) return true;
  let k = 1n;
  while (bits.uniformBelowBigInt(denominator * k) < remainder) k++;
  return (k & 1n) === 1n;
}

