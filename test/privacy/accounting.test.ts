/**
 * zCDP accounting checked against independent evaluations written here: the CKS20 Corollary 13
 * conversion by brute force over a fine alpha grid (from the delta form in DP-REFERENCE), the BS16
 * bound, the mechanism costs, inverses, composition, budget splitting and the per-cell selection delta.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approxDpDelta,
  approxDpEpsilon,
  approxDpEpsilonSimple,
  composeZcdp,
  discreteGaussianForMinimumVariance,
  discreteGaussianForSigma,
  discreteLaplaceForMinimumScale,
  gaussianMechanismRho,
  laplaceMechanismEpsilon,
  laplaceMechanismRho,
  minimumGaussianSigmaSquared,
  minimumLaplaceScale,
  perCellSelectionDelta,
  pureDpEpsilonForRho,
  pureDpToZcdp,
  rational,
  rationalFromNumber,
  rationalToNumberUp,
  splitBudget,
  type Rational,
} from '../../src/privacy';

/** ln delta at a given alpha for a given epsilon, exactly as DP-REFERENCE writes CKS20 Cor 13. */
function logDeltaAt(alpha: number, rho: number, epsilon: number): number {
  return (alpha - 1) * (alpha * rho - epsilon) + alpha * Math.log(1 - 1 / alpha) - Math.log(alpha - 1);
}

/** epsilon at a given alpha: logDeltaAt is linear in epsilon with slope -(alpha - 1). */
function epsilonAt(alpha: number, rho: number, delta: number): number {
  return (logDeltaAt(alpha, rho, 0) - Math.log(delta)) / (alpha - 1);
}

/**
 * The smallest epsilon over alpha: a brute-force log grid of alpha - 1 from 1e-6 to 1e6 (400,000
 * points), then bisection on the grid minimum's neighbourhood by ternary search.
 */
function bruteForceEpsilon(rho: number, delta: number): { epsilon: number; alpha: number } {
  const points = 400_000;
  const alphaAt = (i: number): number => 1 + 10 ** (-6 + (i / points) * 12);
  let bestIndex = 1;
  for (let i = 1; i <= points; i++) {
    if (epsilonAt(alphaAt(i), rho, delta) < epsilonAt(alphaAt(bestIndex), rho, delta)) bestIndex = i;
  }
  let low = alphaAt(bestIndex - 1);
  let high = alphaAt(Math.min(points, bestIndex + 1));
  for (let iteration = 0; iteration < 200; iteration++) {
    const a = low + (high - low) / 3;
    const b = high - (high - low) / 3;
    if (epsilonAt(a, rho, delta) < epsilonAt(b, rho, delta)) high = b;
    else low = a;
  }
  const alpha = (low + high) / 2;
  return { epsilon: epsilonAt(alpha, rho, delta), alpha };
}

describe('rho -> (epsilon, delta)', () => {
  it.each([0.0001, 0.001, 0.01, 0.1, 0.5, 1, 5, 50])('CKS20 Cor 13 at rho = %d, delta = 1e-6 matches a brute-force alpha grid', (rho) => {
    const delta = 1e-6;
    const engine = approxDpEpsilon(rho, delta);
    const reference = bruteForceEpsilon(rho, delta);
    // Never below what the corollary can give (beyond the float noise of evaluating it here) ...
    expect(engine).toBeGreaterThanOrEqual(reference.epsilon * (1 - 1e-13));
    // ... and as good as the brute force (the engine's optimiser is not lazy).
    expect(engine).toBeLessThanOrEqual(reference.epsilon * (1 + 1e-9));
  });

  it.each([0.001, 0.1, 1])('the simple BS16 bound at rho = %d is rho + 2 sqrt(rho ln(1/delta)), rounded up', (rho) => {
    for (const delta of [1e-3, 1e-6, 1e-10]) {
      const formula = rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
      const simple = approxDpEpsilonSimple(rho, delta);
      expect(simple).toBeGreaterThanOrEqual(formula);
      expect(simple).toBeLessThanOrEqual(formula * (1 + 1e-10));
      expect(approxDpEpsilon(rho, delta)).toBeLessThan(simple);
    }
  });

  it('DP-REFERENCE default: rho = 0.1 at delta = 1e-6 is epsilon ~2.14 (2.45 by the simple bound)', () => {
    expect(approxDpEpsilon(0.1, 1e-6)).toBeCloseTo(2.1419, 3);
    expect(approxDpEpsilonSimple(0.1, 1e-6)).toBeCloseTo(2.4508, 3);
  });

  it('delta(epsilon) inverts epsilon(delta) and is rounded up', () => {
    for (const rho of [0.01, 0.1, 1]) {
      for (const delta of [1e-4, 1e-6, 1e-9]) {
        const epsilon = approxDpEpsilon(rho, delta);
        const back = approxDpDelta(rho, epsilon);
        expect(back).toBeLessThanOrEqual(delta * (1 + 1e-6));
        expect(back).toBeGreaterThanOrEqual(delta * (1 - 1e-3));
      }
    }
  });

  it('is monotone and zero at rho = 0', () => {
    expect(approxDpEpsilon(0, 1e-6)).toBe(0);
    let previous = 0;
    for (let rho = 0.001; rho < 10; rho *= 1.5) {
      const epsilon = approxDpEpsilon(rho, 1e-6);
      expect(epsilon).toBeGreaterThan(previous);
      previous = epsilon;
    }
  });
});

/**
 * noise-distribution.ts puts sigma^2 on a grid of step t / 2^k with 2^k > 9.49e7 / (16 (sigma + 1))
 * (capped at 2^30), plus at most one extra step when rounding crosses t^2: an increase of at most
 * 3.4e-7 (sigma + 1)(sigma + 2), i.e. ~3.4e-7 relative for sigma >= 100.
 */
function maxRelativeIncrease(sigma: number): number {
  return (3.4e-7 * (sigma + 1) * (sigma + 2)) / (sigma * sigma) + 2 ** -29 / (sigma * sigma);
}

describe('mechanism costs and their inverses', () => {
  const exactRhoOfGaussian = (l2Squared: number, sigmaSquared: Rational): Rational =>
    rational(BigInt(l2Squared) * sigmaSquared.denominator, 2n * sigmaSquared.numerator);

  it('Gaussian: rho = D^2 / (2 sigma^2) with D^2 = L0 * Linf^2, rounded up by at most one ulp', () => {
    for (const [l0, linf] of [[1, 1], [10, 1], [10, 100], [7, 3]] as const) {
      const noise = discreteGaussianForSigma(12.3);
      if (noise.kind !== 'discrete_gaussian') throw new Error('unexpected');
      const rho = gaussianMechanismRho(l0 * linf * linf, noise.sigmaSquared);
      expect(rho).toBe(rationalToNumberUp(exactRhoOfGaussian(l0 * linf * linf, noise.sigmaSquared)));
      const nominal = (l0 * linf * linf) / (2 * 12.3 * 12.3);
      expect(rho).toBeLessThanOrEqual(nominal); // sigma^2 was rounded up, so the cost is (slightly) lower
      expect(rho).toBeGreaterThanOrEqual(nominal * (1 - 1e-6));
    }
  });

  it('Gaussian inverse: the smallest safe sigma for a target rho never costs more, and barely less', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 100, noNaN: true }), fc.integer({ min: 1, max: 10_000 }), (rho, l2Squared) => {
        const noise = discreteGaussianForMinimumVariance(minimumGaussianSigmaSquared(l2Squared, rho));
        if (noise.kind !== 'discrete_gaussian') return false;
        const charged = gaussianMechanismRho(l2Squared, noise.sigmaSquared);
        const sigma = Math.sqrt(l2Squared / (2 * rho));
        return charged <= rho && charged >= rho * (1 - maxRelativeIncrease(sigma));
      }),
    );
  });

  it('sigma as a float becomes sigma^2 rounded up (never down), by a negligible step', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1e9, noNaN: true }), (sigma) => {
        const noise = discreteGaussianForSigma(sigma);
        if (noise.kind !== 'discrete_gaussian') return false;
        const exactSquare = rationalFromNumber(sigma);
        const squared = rational(exactSquare.numerator ** 2n, exactSquare.denominator ** 2n);
        const s2 = noise.sigmaSquared;
        const atLeast = s2.numerator * squared.denominator >= squared.numerator * s2.denominator;
        return atLeast && rationalToNumberUp(s2) <= sigma * sigma * (1 + maxRelativeIncrease(sigma));
      }),
    );
  });

  it('Laplace: epsilon = D / t with D = L0 * Linf, its zCDP cost is epsilon^2 / 2, the inverse rounds t up', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 20, noNaN: true }), fc.integer({ min: 1, max: 1_000_000 }), (epsilon, l1) => {
        const noise = discreteLaplaceForMinimumScale(minimumLaplaceScale(l1, epsilon));
        if (noise.kind !== 'discrete_laplace') return false;
        const charged = laplaceMechanismEpsilon(l1, noise.scale);
        const rho = laplaceMechanismRho(l1, noise.scale);
        return charged <= epsilon && charged >= epsilon * (1 - 1e-6) && rho <= pureDpToZcdp(epsilon) && Math.abs(rho - (charged * charged) / 2) <= 1e-12 * rho;
      }),
    );
  });

  it('pure-DP epsilon for a rho budget is the largest with epsilon^2 / 2 <= rho', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 100, noNaN: true }), (rho) => {
        const epsilon = pureDpEpsilonForRho(rho);
        return pureDpToZcdp(epsilon) <= rho && epsilon >= Math.sqrt(2 * rho) * (1 - 1e-15);
      }),
    );
  });

  it('composition is the exact sum rounded up', () => {
    expect(composeZcdp([0.1, 0.2])).toBeGreaterThanOrEqual(0.1 + 0.2 - 1e-17);
    expect(composeZcdp([0.1, 0.2])).toBe(0.30000000000000004); // 0.1 + 0.2 exceeds the double 0.3: round up
    expect(composeZcdp([])).toBe(0);
  });
});

describe('budget splitting', () => {
  it('never grants more than the cap, whether summed exactly or in floating point', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 10, noNaN: true }),
        fc.array(fc.double({ min: 0.001, max: 1000, noNaN: true }), { minLength: 1, maxLength: 12 }),
        (cap, weights) => {
          const shares = splitBudget(cap, weights);
          let floatSum = 0;
          let exactSum = rational(0);
          for (const share of shares) {
            floatSum += share;
            const exact = rationalFromNumber(share);
            exactSum = rational(exactSum.numerator * exact.denominator + exact.numerator * exactSum.denominator, exactSum.denominator * exact.denominator);
          }
          const capExact = rationalFromNumber(cap);
          const totalWeight = weights.reduce((a, b) => a + b, 0);
          return (
            floatSum <= cap &&
            exactSum.numerator * capExact.denominator <= capExact.numerator * exactSum.denominator &&
            composeZcdp(shares) <= cap &&
            shares.every((share, i) => share >= ((cap * weights[i]!) / totalWeight) * (1 - 1e-12) - 1e-300)
          );
        },
      ),
    );
  });

  it('splits 0.1 three ways into equal shares that sum to at most 0.1', () => {
    const shares = splitBudget(0.1, [1, 1, 1]);
    expect(shares[0]).toBe(shares[1]);
    expect(shares[0]! + shares[1]! + shares[2]!).toBeLessThanOrEqual(0.1);
  });
});

describe('per-cell selection delta', () => {
  it('satisfies 1 - (1 - delta\')^L0 <= delta exactly, and is close to the equality', () => {
    for (const delta of [1e-3, 1e-6, 1e-9]) {
      for (const l0 of [1, 2, 5, 10, 40]) {
        const perCell = perCellSelectionDelta(delta, l0);
        // Exact rational evaluation of (1 - delta')^L0 against 1 - delta.
        const p = rationalFromNumber(perCell);
        const complement = rational(p.denominator - p.numerator, p.denominator);
        const power = rational(complement.numerator ** BigInt(l0), complement.denominator ** BigInt(l0));
        const target = rationalFromNumber(delta);
        // (1 - delta')^L0 >= 1 - delta  <=>  power >= (den - num) / den
        expect(power.numerator * target.denominator >= (target.denominator - target.numerator) * power.denominator).toBe(true);
        expect(perCell).toBeGreaterThanOrEqual((delta / l0) * (1 - 1e-11));
      }
    }
  });
});
