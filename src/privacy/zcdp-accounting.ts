/**
 * Privacy accounting in zero-concentrated DP (zCDP, Bun & Steinke TCC 2016 = BS16).
 *
 * Every mechanism's cost is a rho; costs of independent mechanisms add up; a total rho is reported
 * to people as (epsilon, delta). Exact rationals are used wherever the cost is a closed form of the
 * noise parameter, so "cost <= budget" is decided exactly; conversions that need logarithms are
 * evaluated in double precision and then rounded UP by a margin that dominates their rounding error.
 *
 * Formulas:
 * - Discrete Gaussian, L2 sensitivity D, parameter sigma: rho = D^2 / (2 sigma^2) (CKS20 Theorem 4).
 * - Discrete Laplace, L1 sensitivity D, scale t: epsilon = D / t pure DP (CKS20 / Ghosh et al. 2009),
 *   hence rho = epsilon^2 / 2 (BS16 Proposition 1.4).
 * - Composition: rho_total = sum rho_i (BS16 Lemma 1.7).
 * - rho-zCDP => (epsilon, delta)-DP with epsilon = rho + 2 sqrt(rho ln(1/delta)) (BS16 Proposition 1.3),
 *   or tighter (CKS20 Corollary 13) for every alpha > 1:
 *   delta = exp((alpha - 1)(alpha rho - epsilon)) / alpha * (1 - 1/alpha)^(alpha - 1).
 */
import { nextDoubleDown, nextDoubleUp } from './next-double';
import {
  addRationals,
  compareRationals,
  divideRationals,
  multiplyRationals,
  rational,
  rationalFromNumber,
  rationalToNumberUp,
  type Rational,
} from './rational';

/** rho of the discrete Gaussian mechanism, D^2 / (2 sigma^2), exactly then rounded up. */
export function gaussianMechanismRho(l2SensitivitySquared: number | bigint, sigmaSquared: Rational): number {
  return rationalToNumberUp(gaussianMechanismRhoExact(l2SensitivitySquared, sigmaSquared));
}

export function gaussianMechanismRhoExact(l2SensitivitySquared: number | bigint, sigmaSquared: Rational): Rational {
  return divideRationals(sensitivitySquared(l2SensitivitySquared), multiplyRationals(rational(2), sigmaSquared));
}

/** Pure-DP epsilon of the discrete Laplace mechanism, D / t, exactly then rounded up. */
export function laplaceMechanismEpsilon(l1Sensitivity: number, scale: Rational): number {
  return rationalToNumberUp(laplaceMechanismEpsilonExact(l1Sensitivity, scale));
}

export function laplaceMechanismEpsilonExact(l1Sensitivity: number, scale: Rational): Rational {
  assertNonNegativeInteger(l1Sensitivity, 'l1Sensitivity');
  return divideRationals(rational(l1Sensitivity), scale);
}

/** zCDP cost of the discrete Laplace mechanism: (D / t)^2 / 2, exactly then rounded up (BS16 Prop 1.4). */
export function laplaceMechanismRho(l1Sensitivity: number, scale: Rational): number {
  const epsilon = laplaceMechanismEpsilonExact(l1Sensitivity, scale);
  return rationalToNumberUp(multiplyRationals(multiplyRationals(epsilon, epsilon), rational(1, 2)));
}

/** epsilon-DP implies (epsilon^2 / 2)-zCDP (BS16 Proposition 1.4); rounded up. */
export function pureDpToZcdp(epsilon: number): number {
  assertNonNegativeFinite(epsilon, 'epsilon');
  const exact = rationalFromNumber(epsilon);
  return rationalToNumberUp(multiplyRationals(multiplyRationals(exact, exact), rational(1, 2)));
}

/** The largest double epsilon with epsilon^2 / 2 <= rho: the pure-DP epsilon a rho budget allows. */
export function pureDpEpsilonForRho(rho: number): number {
  assertNonNegativeFinite(rho, 'rho');
  const twiceRho = multiplyRationals(rational(2), rationalFromNumber(rho));
  let epsilon = Math.sqrt(2 * rho);
  while (epsilon > 0 && compareRationals(multiplyRationals(rationalFromNumber(epsilon), rationalFromNumber(epsilon)), twiceRho) > 0) {
    epsilon = nextDoubleDown(epsilon);
  }
  return epsilon;
}

/** The exact sum of the costs, rounded up: what a ledger must record for running all of them. */
export function composeZcdp(rhos: readonly number[]): number {
  let total = rational(0);
  for (const rho of rhos) {
    assertNonNegativeFinite(rho, 'rho');
    total = addRationals(total, rationalFromNumber(rho));
  }
  return rationalToNumberUp(total);
}

/**
 * The smallest sigma^2 giving a discrete Gaussian mechanism of cost <= rho: D^2 / (2 rho), exact.
 * Pass it to `discreteGaussianForMinimumVariance`, which rounds it up onto the sampler's grid.
 */
export function minimumGaussianSigmaSquared(l2SensitivitySquared: number | bigint, rho: number): Rational {
  if (!(rho > 0) || !Number.isFinite(rho)) throw new RangeError('rho must be a positive finite number');
  return divideRationals(sensitivitySquared(l2SensitivitySquared), multiplyRationals(rational(2), rationalFromNumber(rho)));
}

/** The smallest Laplace scale giving a mechanism of pure-DP cost <= epsilon: D / epsilon, exact. */
export function minimumLaplaceScale(l1Sensitivity: number, epsilon: number): Rational {
  assertNonNegativeInteger(l1Sensitivity, 'l1Sensitivity');
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError('epsilon must be a positive finite number');
  return divideRationals(rational(l1Sensitivity), rationalFromNumber(epsilon));
}

/** BS16 Proposition 1.3: epsilon = rho + 2 sqrt(rho ln(1/delta)), rounded up. */
export function approxDpEpsilonSimple(rho: number, delta: number): number {
  assertZcdpConversionArguments(rho, delta);
  if (rho === 0) return 0;
  const value = rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
  return nextDoubleUp(value * (1 + FLOAT_EVALUATION_MARGIN));
}

/**
 * The epsilon such that rho-zCDP implies (epsilon, delta)-DP, from CKS20 Corollary 13, rounded up.
 *
 * Solving the corollary for epsilon at a fixed alpha = 1 + s (s > 0):
 *   epsilon(s) = (1 + s) rho + ln s - ln(1 + s) + (ln(1/delta) - ln(1 + s)) / s.
 * Every s yields a valid guarantee, so the minimisation only has to be good, not exact: a log-spaced
 * scan of s over [e^-40, e^40] brackets the minimum and golden-section search refines it. The value at
 * the chosen s is then inflated by a margin covering its floating-point evaluation error. The result
 * never exceeds the BS16 bound (which the corollary implies) and is exactly 0 for rho = 0.
 */
export function approxDpEpsilon(rho: number, delta: number): number {
  assertZcdpConversionArguments(rho, delta);
  if (rho === 0) return 0;
  const logInverseDelta = -Math.log(delta);
  const evaluate = (logS: number): number => cks20Epsilon(rho, logInverseDelta, Math.exp(logS)).value;
  const bestLogS = minimiseOverLogScale(evaluate);
  const { value, magnitude } = cks20Epsilon(rho, logInverseDelta, Math.exp(bestLogS));
  const tight = nextDoubleUp(value + magnitude * FLOAT_EVALUATION_MARGIN);
  return Math.max(0, Math.min(tight, approxDpEpsilonSimple(rho, delta)));
}

/**
 * The delta such that rho-zCDP implies (epsilon, delta)-DP (CKS20 Corollary 13), rounded up:
 *   ln delta(s) = s ((1 + s) rho - epsilon) + s (ln s - ln(1 + s)) - ln(1 + s),  minimised over s > 0.
 */
export function approxDpDelta(rho: number, epsilon: number): number {
  assertNonNegativeFinite(rho, 'rho');
  assertNonNegativeFinite(epsilon, 'epsilon');
  if (rho === 0) return 0;
  const evaluate = (logS: number): number => cks20LogDelta(rho, epsilon, Math.exp(logS)).value;
  const bestLogS = minimiseOverLogScale(evaluate);
  const { value, magnitude } = cks20LogDelta(rho, epsilon, Math.exp(bestLogS));
  return Math.min(1, nextDoubleUp(Math.exp(value + magnitude * FLOAT_EVALUATION_MARGIN) * (1 + FLOAT_EVALUATION_MARGIN)));
}

/**
 * Relative error allowance for a handful of float operations. Math.log/exp/log1p are accurate to about
 * one ulp (2.2e-16) in V8 and every other engine we target; 1e-12 leaves four orders of magnitude.
 */
const FLOAT_EVALUATION_MARGIN = 1e-12;

interface Evaluation {
  value: number;
  /** Sum of the magnitudes of the terms: the scale the absolute rounding error is relative to. */
  magnitude: number;
}

function cks20Epsilon(rho: number, logInverseDelta: number, s: number): Evaluation {
  const logOnePlusS = Math.log1p(s);
  const linear = (1 + s) * rho;
  const logRatio = Math.log(s) - logOnePlusS; // ln(1 - 1/alpha)
  const quotient = (logInverseDelta - logOnePlusS) / s;
  return {
    value: linear + logRatio + quotient,
    magnitude: Math.abs(linear) + Math.abs(Math.log(s)) + logOnePlusS + Math.abs(quotient) + logInverseDelta / s,
  };
}

function cks20LogDelta(rho: number, epsilon: number, s: number): Evaluation {
  const logOnePlusS = Math.log1p(s);
  const privacyTerm = s * ((1 + s) * rho - epsilon);
  const ratioTerm = s * (Math.log(s) - logOnePlusS);
  return {
    value: privacyTerm + ratioTerm - logOnePlusS,
    magnitude: s * ((1 + s) * rho + epsilon) + s * (Math.abs(Math.log(s)) + logOnePlusS) + logOnePlusS,
  };
}

const LOG_S_MIN = -40;
const LOG_S_MAX = 40;
const SCAN_POINTS = 801;
const GOLDEN_RATIO_CONJUGATE = (Math.sqrt(5) - 1) / 2;

/** argmin over ln s in [LOG_S_MIN, LOG_S_MAX]: grid scan, then golden section around the best point. */
function minimiseOverLogScale(evaluate: (logS: number) => number): number {
  const step = (LOG_S_MAX - LOG_S_MIN) / (SCAN_POINTS - 1);
  let bestIndex = 0;
  let bestValue = Infinity;
  for (let index = 0; index < SCAN_POINTS; index++) {
    const value = evaluate(LOG_S_MIN + index * step);
    if (value < bestValue) {
      bestValue = value;
      bestIndex = index;
    }
  }
  let low = LOG_S_MIN + Math.max(0, bestIndex - 1) * step;
  let high = LOG_S_MIN + Math.min(SCAN_POINTS - 1, bestIndex + 1) * step;
  let best = LOG_S_MIN + bestIndex * step;
  for (let iteration = 0; iteration < 80 && high - low > 1e-12; iteration++) {
    const left = high - GOLDEN_RATIO_CONJUGATE * (high - low);
    const right = low + GOLDEN_RATIO_CONJUGATE * (high - low);
    const leftValue = evaluate(left);
    const rightValue = evaluate(right);
    if (leftValue < rightValue) high = right;
    else low = left;
    const candidate = leftValue < rightValue ? left : right;
    const candidateValue = Math.min(leftValue, rightValue);
    if (candidateValue < bestValue) {
      bestValue = candidateValue;
      best = candidate;
    }
  }
  return best;
}

function assertZcdpConversionArguments(rho: number, delta: number): void {
  assertNonNegativeFinite(rho, 'rho');
  if (!(delta > 0 && delta < 1)) throw new RangeError('delta must be in (0, 1)');
}

function assertNonNegativeFinite(value: number, name: string): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a non-negative finite number`);
}

/** Squared L2 sensitivities (L0 * bound^2) can pass 2^53 for byte sums, hence bigint. */
function sensitivitySquared(value: number | bigint): Rational {
  if (typeof value === 'number') assertNonNegativeInteger(value, 'l2SensitivitySquared');
  else if (value < 0n) throw new RangeError('l2SensitivitySquared must be non-negative');
  return rational(value);
}

function assertNonNegativeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative safe integer`);
}
