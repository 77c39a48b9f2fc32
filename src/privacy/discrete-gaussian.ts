/**
 * Exact sampler for the discrete Gaussian N_Z(0, sigma^2): P(Z = z) proportional to
 * exp(-z^2 / (2 sigma^2)) on the integers, with sigma^2 a positive rational.
 *
 * CKS20 Algorithm 3 (Canonne, Kamath, Steinke 2020, arXiv:2004.00010): propose Y from the discrete
 * Laplace with integer scale t = floor(sigma) + 1 and accept with probability
 * exp(-(|Y| - sigma^2/t)^2 / (2 sigma^2)). Multiplying the proposal weight exp(-|y|/t) by the
 * acceptance probability gives exp(-y^2 / (2 sigma^2)) times a constant, so accepted values are exactly
 * discrete-Gaussian (any t > 0 would be correct; this t keeps the acceptance rate high).
 *
 * Speed comes from keeping the acceptance exponent in exact double arithmetic. Write the centre
 * sigma^2 / t = cN / cD and sigma^2 = a / b (both reduced). Then
 *   gamma(x) = (x - cN/cD)^2 / (2 sigma^2) = (x cD - cN)^2 * [b / (2 a cD^2)] = (x cD - cN)^2 * fN / fD,
 * with the bracket reduced once to fN / fD. When every factor is below 2^53 the trial runs on doubles;
 * otherwise (rare large |x|, or a sigma^2 whose centre has a large denominator) it runs on bigints.
 * `discreteGaussianForSigma` in noise-distribution.ts picks sigma^2 so that cD is a small power of two
 * and the double path covers all but ~1e-4 of proposals.
 */
import { bernoulliExpNegative, bernoulliExpNegativeBig } from './bernoulli';
import { discreteLaplaceSamplerFactory, type IntegerSampler } from './discrete-laplace';
import { toRandomBitStream, type RandomBitStream } from './random-bit-stream';
import type { RandomSource } from './random-source';
import { floorRational, integerSquareRoot, rational, type Rational } from './rational';

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

/** The proposal scale of CKS20 Algorithm 3: t = floor(sigma) + 1 = floor(sqrt(floor(sigma^2))) + 1. */
export function discreteGaussianProposalScale(sigmaSquared: Rational): bigint {
  return integerSquareRoot(floorRational(sigmaSquared)) + 1n;
}

export function createDiscreteGaussianSampler(
  sigmaSquared: Rational,
  random: RandomSource | RandomBitStream,
): IntegerSampler {
  return discreteGaussianSamplerFactory(sigmaSquared)(random);
}

/**
 * Does the bigint set-up (proposal scale, reduced centre and exponent factor) once, so that binding a
 * sampler to a random stream afterwards costs a few field copies.
 */
export function discreteGaussianSamplerFactory(
  sigmaSquared: Rational,
): (random: RandomSource | RandomBitStream) => IntegerSampler {
  if (sigmaSquared.numerator <= 0n) throw new RangeError('discrete Gaussian: sigma^2 must be > 0');
  const constants = acceptanceConstants(sigmaSquared);
  const proposalFactory = discreteLaplaceSamplerFactory(rational(constants.proposalScale));
  return (random) => {
    const bits = toRandomBitStream(random);
    return new DiscreteGaussianSampler(constants, proposalFactory(bits), bits);
  };
}

/** gamma(x) = (x * centreDenominator - centreNumerator)^2 * factorNumerator / factorDenominator. */
interface AcceptanceConstants {
  readonly proposalScale: bigint;
  readonly centreNumerator: bigint;
  readonly centreDenominator: bigint;
  readonly factorNumerator: bigint;
  readonly factorDenominator: bigint;
  /** The double path applies iff all four are safe integers. */
  readonly fastPath: boolean;
  readonly centreNumeratorNumber: number;
  readonly centreDenominatorNumber: number;
  readonly factorNumeratorNumber: number;
  readonly factorDenominatorNumber: number;
  /** Largest square s with s * factorNumerator <= 2^53 - 1. */
  readonly maxFastSquare: number;
}

function acceptanceConstants(sigmaSquared: Rational): AcceptanceConstants {
  const t = discreteGaussianProposalScale(sigmaSquared);
  const centre = rational(sigmaSquared.numerator, sigmaSquared.denominator * t);
  const factor = rational(sigmaSquared.denominator, 2n * sigmaSquared.numerator * centre.denominator * centre.denominator);
  const fastPath =
    centre.numerator <= MAX_SAFE_BIGINT &&
    centre.denominator <= MAX_SAFE_BIGINT &&
    factor.numerator <= MAX_SAFE_BIGINT &&
    factor.denominator <= MAX_SAFE_BIGINT;
  return {
    proposalScale: t,
    centreNumerator: centre.numerator,
    centreDenominator: centre.denominator,
    factorNumerator: factor.numerator,
    factorDenominator: factor.denominator,
    fastPath,
    centreNumeratorNumber: Number(centre.numerator),
    centreDenominatorNumber: Number(centre.denominator),
    factorNumeratorNumber: Number(factor.numerator),
    factorDenominatorNumber: Number(factor.denominator),
    maxFastSquare: fastPath ? Math.floor(Number.MAX_SAFE_INTEGER / Number(factor.numerator)) : 0,
  };
}

class DiscreteGaussianSampler implements IntegerSampler {
  readonly #constants: AcceptanceConstants;
  readonly #proposal: IntegerSampler;
  readonly #bits: RandomBitStream;

  constructor(constants: AcceptanceConstants, proposal: IntegerSampler, bits: RandomBitStream) {
    this.#constants = constants;
    this.#proposal = proposal;
    this.#bits = bits;
  }

  sample(): number {
    for (;;) {
      const candidate = this.#proposal.sample();
      if (this.#accept(Math.abs(candidate))) return candidate;
    }
  }

  /** Bernoulli(exp(-gamma(x))), exactly. */
  #accept(x: number): boolean {
    const c = this.#constants;
    if (c.fastPath) {
      // Each comparison below is against a safe bound: if the exact value exceeded it, the rounded
      // value would too, so passing both guarantees every product here was computed exactly.
      const scaled = x * c.centreDenominatorNumber;
      if (scaled <= Number.MAX_SAFE_INTEGER) {
        const difference = scaled - c.centreNumeratorNumber;
        const square = difference * difference;
        if (square <= c.maxFastSquare) {
          return bernoulliExpNegative(this.#bits, square * c.factorNumeratorNumber, c.factorDenominatorNumber);
        }
      }
    }
    const difference = BigInt(x) * c.centreDenominator - c.centreNumerator;
    return bernoulliExpNegativeBig(this.#bits, difference * difference * c.factorNumerator, c.factorDenominator);
  }
}
