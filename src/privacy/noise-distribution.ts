/**
 * Which integer noise a mechanism adds, with its parameter as an exact rational, and how a parameter
 * computed in floating point (a target sigma, or Delta / epsilon) becomes that rational.
 *
 * The rule is "round the noise UP": the rational returned is always >= the exact value asked for, so
 * the privacy loss computed from it is never larger than the one that was budgeted. Within that rule
 * we choose rationals that keep the samplers on their fast exact-double path (see discrete-gaussian.ts):
 * the relative increase of sigma^2 is below 4e-7 for sigma >= 10 (2e-6 at sigma = 1), and that of a
 * Laplace scale below 2^-31; both far under any budget granularity.
 */
import { discreteGaussianProposalScale, discreteGaussianSamplerFactory } from './discrete-gaussian';
import { discreteLaplaceSamplerFactory, type IntegerSampler } from './discrete-laplace';
import type { RandomBitStream } from './random-bit-stream';
import type { RandomSource } from './random-source';
import {
  ceilRational,
  compareRationals,
  floorRational,
  integerSquareRoot,
  multiplyRationals,
  rational,
  rationalFromNumber,
  rationalToNumberUp,
  type Rational,
} from './rational';

export type NoiseDistribution =
  /** Discrete Gaussian N_Z(0, sigma^2) (CKS20). */
  | { readonly kind: 'discrete_gaussian'; readonly sigmaSquared: Rational }
  /** Discrete Laplace, P(z) proportional to exp(-|z| / scale). */
  | { readonly kind: 'discrete_laplace'; readonly scale: Rational };

export function createNoiseSampler(noise: NoiseDistribution, random: RandomSource | RandomBitStream): IntegerSampler {
  return noiseSamplerFactory(noise)(random);
}

/** Precomputes a sampler's constants once; call the result to bind it to a random stream. */
export function noiseSamplerFactory(noise: NoiseDistribution): (random: RandomSource | RandomBitStream) => IntegerSampler {
  return noise.kind === 'discrete_gaussian'
    ? discreteGaussianSamplerFactory(noise.sigmaSquared)
    : discreteLaplaceSamplerFactory(noise.scale);
}

/** A discrete Gaussian whose sigma is at least `sigma` (a positive finite double, taken exactly). */
export function discreteGaussianForSigma(sigma: number): NoiseDistribution {
  assertPositiveFinite(sigma, 'sigma');
  const exactSigma = rationalFromNumber(sigma);
  return discreteGaussianForMinimumVariance(multiplyRationals(exactSigma, exactSigma));
}

/**
 * The discrete Gaussian with the sampler-friendly sigma^2 closest above `minimumSigmaSquared`.
 *
 * Shape: sigma^2 = t v / 2^k with t = floor(sigma) + 1 the sampler's proposal scale, so the centre
 * sigma^2 / t = v / 2^k has a power-of-two denominator. k is the largest (capped at 30) for which
 * |x - centre| <= 8 (sigma + 1) keeps (x 2^k - v)^2 below 2^53; a float estimate of sigma only
 * chooses k, and any k gives a correct, conservative result. The increase over the minimum is at most
 * two grid steps, 2 (t + 1) / 2^k <= 3.4e-7 (sigma + 1)(sigma + 2): ~3.4e-7 relative for large sigma.
 */
export function discreteGaussianForMinimumVariance(minimumSigmaSquared: Rational): NoiseDistribution {
  if (minimumSigmaSquared.numerator <= 0n) throw new RangeError('sigma^2 must be > 0');
  const approximateSigma = Math.sqrt(rationalToNumberUp(minimumSigmaSquared));
  const gridExponent = largestExponentWithin(FAST_PATH_MAX_DIFFERENCE / (8 * (approximateSigma + 1)), 30);
  const grid = 1n << BigInt(gridExponent);
  const t = integerSquareRoot(floorRational(minimumSigmaSquared)) + 1n;
  // First choice: the smallest multiple of t / 2^k that is >= the minimum.
  let sigmaSquared = onGrid(minimumSigmaSquared, t, grid);
  if (compareRationals(sigmaSquared, rational(t * t)) >= 0) {
    // Rounding up crossed t^2, so floor(sigma) became t and the sampler would propose with t + 1.
    // Re-grid on t + 1 from t^2 (> the minimum): the result lies in [t^2, t^2 + (t+1)/2^k], so
    // floor(sigma) = t and the sampler's t + 1 matches the grid.
    sigmaSquared = onGrid(rational(t * t), t + 1n, grid);
  }
  const noise: NoiseDistribution = { kind: 'discrete_gaussian', sigmaSquared };
  // Internal consistency: never below the minimum, and the grid matches the sampler's proposal scale.
  if (compareRationals(sigmaSquared, minimumSigmaSquared) < 0) throw new Error('discrete Gaussian rounding went down');
  const proposal = discreteGaussianProposalScale(sigmaSquared);
  if ((sigmaSquared.numerator * grid) % (proposal * sigmaSquared.denominator) !== 0n) {
    throw new Error('discrete Gaussian rounding left the sampler grid');
  }
  return noise;
}

/** A discrete Laplace whose scale is at least `scale` (a positive finite double, taken exactly). */
export function discreteLaplaceForScale(scale: number): NoiseDistribution {
  assertPositiveFinite(scale, 'scale');
  return discreteLaplaceForMinimumScale(rationalFromNumber(scale));
}

/**
 * The discrete Laplace with scale ceil(minimum * 2^k) / 2^k, k the largest (capped at 32) keeping the
 * numerator below 2^32 (so each uniform draw in the sampler costs at most one 32-bit word). The increase
 * is at most 2^-k, i.e. below 2^-31 relative (or < 1 absolute once the scale exceeds 2^32).
 */
export function discreteLaplaceForMinimumScale(minimumScale: Rational): NoiseDistribution {
  if (minimumScale.numerator <= 0n) throw new RangeError('Laplace scale must be > 0');
  const approximateScale = rationalToNumberUp(minimumScale);
  const gridExponent = largestExponentWithin(2 ** 32 / (approximateScale + 1), 32);
  const grid = 1n << BigInt(gridExponent);
  const scale = rational(ceilRational(multiplyRationals(minimumScale, rational(grid))), grid);
  return { kind: 'discrete_laplace', scale };
}

/** floor(sqrt(2^53)): a difference up to this squares to an exact double. */
const FAST_PATH_MAX_DIFFERENCE = 94_906_265;

/** The largest k in [0, cap] with 2^k <= limit (0 when limit < 2). */
function largestExponentWithin(limit: number, cap: number): number {
  let exponent = 0;
  while (exponent < cap && 2 ** (exponent + 1) <= limit) exponent++;
  return exponent;
}

/** The smallest value of the form t * v / grid (integer v) that is >= minimum. */
function onGrid(minimum: Rational, t: bigint, grid: bigint): Rational {
  const v = ceilRational(multiplyRationals(minimum, rational(grid, t)));
  return rational(t * v, grid);
}

function assertPositiveFinite(value: number, name: string): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive finite number`);
}
