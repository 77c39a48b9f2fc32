/**
 * Private key selection with a k-anonymity floor: which cells are published at all.
 *
 * Publishing a cell reveals that someone contributed to it, so the set of cells must itself be private.
 * A cell is released iff
 *   (1) it has at least k distinct contributors (the k-anonymity floor / pre-threshold), and
 *   (2) c + Z >= 1 + m, where c = contributors - (k - 1) >= 1 and Z is fresh noise.
 * m is the smallest integer with P(Z >= m) <= delta', so a cell that exists only because of one
 * contributor (c = 1 in the dataset with them, below the floor without them) is released with
 * probability <= delta'. A contributor touches at most L0 cells (contribution bounding) with independent
 * noise, so the probability that any of their "fresh" cells appears is 1 - (1 - delta')^L0 <= delta.
 * This is google/differential-privacy's partition selection (partition-selection.h: adjusted delta,
 * Laplace threshold 1 - (L0/epsilon) ln(2 delta') on c) combined with its pre-thresholding
 * (common_docs/pre_thresholding.md: the floor equals selection on max(0, n - (k - 1))), with the exact
 * tails of the discrete noise in place of the continuous Laplace tail.
 *
 * Privacy cost: the vector of c over cells has L1 sensitivity L0 and L2 sensitivity sqrt(L0) (one
 * contributor changes at most L0 cells by 1), so Laplace noise of scale t costs epsilon = L0 / t and the
 * discrete Gaussian costs rho = L0 / (2 sigma^2); cells that exist in both neighbours are covered by that
 * cost, fresh cells by delta (basic composition: (epsilon, delta_conversion) + (0, delta)).
 */
import type { NoiseDistribution } from './noise-distribution';
import { smallestTailIndexWithin } from './noise-statistics';

/** Relative margin covering the float evaluation of expm1/log1p below. */
const PER_CELL_DELTA_MARGIN = 1e-12;

/**
 * The per-cell delta' with 1 - (1 - delta')^L0 <= delta: delta' = 1 - (1 - delta)^(1/L0), evaluated as
 * -expm1(log1p(-delta) / L0) (accurate for tiny delta) and then shrunk by a relative 1e-12 so float
 * error cannot push it over. It is never below delta / L0 by more than that margin.
 */
export function perCellSelectionDelta(delta: number, maxCellsPerContributor: number): number {
  if (!(delta > 0 && delta < 1)) throw new RangeError('delta must be in (0, 1)');
  if (!Number.isSafeInteger(maxCellsPerContributor) || maxCellsPerContributor < 1) {
    throw new RangeError('maxCellsPerContributor must be a positive integer');
  }
  return -Math.expm1(Math.log1p(-delta) / maxCellsPerContributor) * (1 - PER_CELL_DELTA_MARGIN);
}

/**
 * The selection threshold on the distinct-contributor scale: a cell with n >= k contributors is
 * released iff n + Z >= threshold. Equivalent to c + Z >= 1 + m with c = n - (k - 1), i.e.
 * threshold = m + k where P(Z >= m) <= perCellDelta.
 */
export function selectionThreshold(noise: NoiseDistribution, perCellDelta: number, minContributorsPerCell: number): number {
  if (!Number.isSafeInteger(minContributorsPerCell) || minContributorsPerCell < 1) {
    throw new RangeError('minContributorsPerCell must be a positive integer');
  }
  return smallestTailIndexWithin(noise, perCellDelta) + minContributorsPerCell;
}

/** The release decision for one cell, given its distinct-contributor count and a fresh noise sample. */
export function isCellSelected(
  distinctContributors: number,
  noiseSample: number,
  threshold: number,
  minContributorsPerCell: number,
): boolean {
  return distinctContributors >= minContributorsPerCell && distinctContributors + noiseSample >= threshold;
}
