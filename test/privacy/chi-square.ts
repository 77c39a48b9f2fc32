/**
 * Chi-square goodness of fit against a reference pmf, at a false-failure rate of about 1e-6 so that a
 * correct sampler essentially never fails CI (as opendp's sampler tests do).
 */
import type { ReferencePmf } from './reference-distributions';

/** Standard normal quantile for a one-sided tail of 1e-6. */
const Z_ONE_IN_A_MILLION = 4.753424308822899;

/**
 * The chi-square critical value at p = 1e-6 by the Wilson-Hilferty approximation
 * (chi2_df / df)^(1/3) ~ N(1 - 2/(9 df), 2/(9 df)), accurate to a few percent of the tail probability
 * for df >= 3, and never far from the rule of thumb df + 6 sqrt(2 df).
 */
export function chiSquareCriticalValue(degreesOfFreedom: number, z = Z_ONE_IN_A_MILLION): number {
  const a = 2 / (9 * degreesOfFreedom);
  return degreesOfFreedom * (1 - a + z * Math.sqrt(a)) ** 3;
}

export interface ChiSquareResult {
  statistic: number;
  degreesOfFreedom: number;
  criticalValue: number;
}

/**
 * Bins the support left to right into bins of expected count >= minimumExpected (the open tails are
 * merged into the first and last bins) and returns the Pearson statistic.
 */
export function chiSquareAgainstPmf(samples: ArrayLike<number>, pmf: ReferencePmf, minimumExpected?: number): ChiSquareResult {
  const n = samples.length;
  const floor = minimumExpected ?? Math.max(25, n / 150);
  // Bin boundaries: upperEdges[b] is the largest value in bin b.
  const upperEdges: number[] = [];
  const expected: number[] = [];
  let accumulated = 0;
  for (let i = 0; i < pmf.probabilities.length; i++) {
    accumulated += pmf.probabilities[i]! * n;
    if (accumulated >= floor) {
      upperEdges.push(pmf.start + i);
      expected.push(accumulated);
      accumulated = 0;
    }
  }
  // Whatever is left joins the last bin, which also takes the open right tail.
  expected[expected.length - 1]! += accumulated;
  upperEdges[upperEdges.length - 1] = Infinity;
  const observed = new Array<number>(expected.length).fill(0);
  for (let s = 0; s < n; s++) {
    const value = samples[s]!;
    let low = 0;
    let high = upperEdges.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (value <= upperEdges[middle]!) high = middle;
      else low = middle + 1;
    }
    observed[low]!++;
  }
  let statistic = 0;
  for (let b = 0; b < expected.length; b++) statistic += (observed[b]! - expected[b]!) ** 2 / expected[b]!;
  const degreesOfFreedom = expected.length - 1;
  return { statistic, degreesOfFreedom, criticalValue: chiSquareCriticalValue(degreesOfFreedom) };
}

/** Pearson statistic for observed category counts against expected probabilities. */
export function chiSquareForCategories(observed: readonly number[], probabilities: readonly number[]): ChiSquareResult {
  const n = observed.reduce((a, b) => a + b, 0);
  let statistic = 0;
  observed.forEach((count, i) => {
    const e = n * probabilities[i]!;
    statistic += (count - e) ** 2 / e;
  });
  const degreesOfFreedom = observed.length - 1;
  return { statistic, degreesOfFreedom, criticalValue: chiSquareCriticalValue(degreesOfFreedom) };
}
