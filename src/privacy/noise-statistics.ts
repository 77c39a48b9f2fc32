/**
 * What researchers are told about the noise: its standard deviation, a 95% interval half-width, and the
 * tail bounds behind the key-selection threshold.
 *
 * Tail probabilities are computed in floating point but always as UPPER bounds (parameters rounded in
 * the direction that fattens the tail, sums inflated by a margin that dominates their rounding error),
 * so an interval never covers less than it claims and a threshold never admits more than delta.
 *
 * Discrete Laplace with scale t, q = exp(-1/t) (exact closed forms):
 *   P(Z = z) = (1 - q) / (1 + q) q^|z|,   P(Z >= m) = q^m / (1 + q) for m >= 1,
 *   Var Z = 2q / (1 - q)^2.
 * Discrete Gaussian N_Z(0, sigma^2): no closed form, so the tail is summed from the pmf,
 * f(z) = exp(-z^2 / (2 sigma^2)), P(Z >= m) = sum_{z >= m} f(z) / N, N = sum_z f(z):
 *   - terms up to 40 sigma (beyond, f < 1e-347 underflows; an integral bound covers them anyway);
 *   - for sigma < 2 10^4 every term is summed and N is the summed total: exact up to float rounding;
 *   - for larger sigma, terms are summed in blocks of L = floor(sigma / 10^4), each bounded by L times
 *     its first (largest) term, and N >= sigma sqrt(2 pi) (Poisson summation:
 *     N = sigma sqrt(2 pi) sum_k exp(-2 pi^2 sigma^2 k^2)). The overestimate is about L f(m), i.e.
 *     below 10^-4 (1 + m / sigma) relative; the cost is ~8 10^5 exponentials whatever sigma is.
 */
import type { NoiseDistribution } from './noise-distribution';
import { nextDoubleDown, nextDoubleUp } from './next-double';
import { rationalToNumberUp } from './rational';

/** Relative margin covering the rounding error of a float sum of up to ~10^6 positive terms. */
const SUMMATION_MARGIN = 1e-9;
/** Relative margin covering the rounding error of a closed form of a few elementary operations. */
const CLOSED_FORM_MARGIN = 1e-12;
/** Terms per block = floor(sigma / this), so at most ~40 * this blocks are summed. */
const GAUSSIAN_TERMS_PER_BLOCK_DIVISOR = 1e4;
/** exp(-x^2 / 2) < 1e-300 beyond x = 37.2; summing to 40 sigma leaves nothing a double can hold. */
const GAUSSIAN_SUMMATION_SIGMAS = 40;

/** The noise standard deviation (a display value: exact formula, evaluated in double precision). */
export function noiseStandardDeviation(noise: NoiseDistribution): number {
  if (noise.kind === 'discrete_laplace') {
    const t = rationalToNumberUp(noise.scale);
    const q = Math.exp(-1 / t);
    return Math.sqrt(2 * q) / -Math.expm1(-1 / t);
  }
  const sigmaSquared = rationalToNumberUp(noise.sigmaSquared);
  // Var = sigma^2 (1 - O(sigma^2 exp(-2 pi^2 sigma^2))) (CKS20 Section 2.1; Poisson summation): the
  // correction is below double precision once sigma >= 2, so only small sigmas need the pmf sum.
  if (sigmaSquared >= 400) return Math.sqrt(sigmaSquared);
  let weighted = 0;
  let total = 1; // z = 0
  const limit = Math.ceil(GAUSSIAN_SUMMATION_SIGMAS * Math.sqrt(sigmaSquared)) + 1;
  for (let z = limit; z >= 1; z--) {
    const weight = Math.exp(-(z * z) / (2 * sigmaSquared));
    weighted += 2 * z * z * weight;
    total += 2 * weight;
  }
  return Math.sqrt(weighted / total);
}

/** An upper bound on P(Z >= m), for an integer m >= 1. */
export function upperTailBound(noise: NoiseDistribution, m: number): number {
  if (!Number.isInteger(m) || m < 1) throw new RangeError('upperTailBound: m must be an integer >= 1');
  return createTailBound(noise)(m);
}

/**
 * The smallest integer m >= 1 whose tail bound is <= probability, so P(Z >= m) <= probability.
 * Used for the key-selection threshold (probability = per-cell delta) and for intervals.
 */
export function smallestTailIndexWithin(noise: NoiseDistribution, probability: number): number {
  if (!(probability > 0 && probability < 0.5)) throw new RangeError('probability must be in (0, 0.5)');
  const bound = createTailBound(noise);
  if (bound(1) <= probability) return 1;
  // Bounds are non-increasing in m. Invariant: bound(low) > probability >= bound(high).
  let low = 1;
  let high = 2;
  while (bound(high) > probability) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (bound(middle) <= probability) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * Half-width h (an integer) of the symmetric interval value +- h that contains the bounded true value
 * with probability >= level: the smallest h with P(|Z| > h) = 2 P(Z >= h + 1) <= 1 - level.
 */
export function confidenceHalfWidth(noise: NoiseDistribution, level = 0.95): number {
  if (!(level > 0 && level < 1)) throw new RangeError('level must be in (0, 1)');
  return smallestTailIndexWithin(noise, nextDoubleDown((1 - level) / 2)) - 1;
}

/** A function m -> upper bound on P(Z >= m), with any per-distribution precomputation done once. */
function createTailBound(noise: NoiseDistribution): (m: number) => number {
  if (noise.kind === 'discrete_laplace') {
    // Larger scale, fatter tail: use the scale rounded up.
    const t = rationalToNumberUp(noise.scale);
    const logOnePlusQ = Math.log1p(Math.exp(-1 / t));
    return (m) => Math.min(1, nextDoubleUp(Math.exp(-m / t - logOnePlusQ) * (1 + CLOSED_FORM_MARGIN)));
  }
  return summedGaussianTail(rationalToNumberUp(noise.sigmaSquared));
}

function summedGaussianTail(sigmaSquared: number): (m: number) => number {
  const sigma = nextDoubleUp(Math.sqrt(sigmaSquared));
  const f = (z: number): number => Math.exp(-(z * z) / (2 * sigmaSquared));
  const blockLength = Math.max(1, Math.floor(sigma / GAUSSIAN_TERMS_PER_BLOCK_DIVISOR));
  const blockCount = Math.ceil((GAUSSIAN_SUMMATION_SIGMAS * sigma) / blockLength) + 1;
  const last = blockCount * blockLength; // first integer not covered by a block
  // blockSuffix[j] >= sum_{z >= j L, z < last} f(z): block i contributes L f(i L) (f decreases on z >= 0),
  // accumulated from the smallest blocks up for accuracy. With L = 1 it is the exact suffix sum.
  const blockSuffix = new Float64Array(blockCount + 1);
  for (let block = blockCount - 1; block >= 0; block--) {
    blockSuffix[block] = blockSuffix[block + 1]! + blockLength * f(block * blockLength);
  }
  // Everything from `last` on: at most integral_{last-1}^inf f <= (sigma^2 / (last - 1)) f(last - 1) (Mills).
  const beyondLast = (sigmaSquared / (last - 1)) * f(last - 1) + Number.MIN_VALUE;
  const normaliserLowerBound =
    blockLength === 1
      ? (2 * blockSuffix[1]! + 1) * (1 - SUMMATION_MARGIN) // the truncated sum itself
      : Math.sqrt(2 * Math.PI) * sigma * (1 - CLOSED_FORM_MARGIN);
  return (m) => {
    if (m >= last) return Math.min(1, nextDoubleUp((beyondLast * (1 + SUMMATION_MARGIN)) / normaliserLowerBound));
    // Terms m .. (next block start - 1) are each <= f(m); whole blocks follow.
    const nextBlock = Math.ceil(m / blockLength);
    const tail = (nextBlock * blockLength - m) * f(m) + blockSuffix[nextBlock]! + beyondLast;
    return Math.min(1, nextDoubleUp((tail * (1 + SUMMATION_MARGIN)) / normaliserLowerBound));
  };
}

/** sigma as a display number (rounded up), for plans and catalogues. */
export function discreteGaussianSigma(noise: Extract<NoiseDistribution, { kind: 'discrete_gaussian' }>): number {
  return nextDoubleUp(Math.sqrt(rationalToNumberUp(noise.sigmaSquared)));
}

/** The Laplace scale as a display number (rounded up). */
export function discreteLaplaceScale(noise: Extract<NoiseDistribution, { kind: 'discrete_laplace' }>): number {
  return rationalToNumberUp(noise.scale);
}
