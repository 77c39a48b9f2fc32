/**
 * Post-processing of a public-keys release into values a researcher can use directly. It reads only
 * the noisy output of `releaseCells` (never the data), so by the post-processing property of
 * differential privacy it costs no privacy and adds no delta.
 *
 * Per key:
 * - suppressed keys get no values at all (their noisy measurements stay in the noisy-measurements file);
 * - distinct organizations and byte sums are raised to >= 0;
 * - transfers are raised to >= the processed organization count (every organization counted in a key
 *   has at least one transfer there, after capping too, since the cap is >= 1) and so to >= 0.
 * Every value is already an integer (exact integer noise on integer totals).
 *
 * Intervals: the raw interval [v - h, v + h] covers the bounded true value t with probability >= 95%.
 * The true value satisfies the same constraints (t >= 0), so [max(v - h, 0), max(v + h, v')] still
 * contains t whenever the raw interval did, where v' is the processed value: the processed interval
 * covers the bounded value at least as often (>= 95%) and always contains the processed value. It is
 * one-sided-wider where a value was raised, never narrower. The processed values themselves are biased
 * upward near zero; the unprocessed noisy measurements are unbiased.
 */
import { apportionShares } from './organization-shares';
import type { ReleasedCell } from './release-cells';
import type { MeasureKind } from './release-plan';

export interface ProcessedValue {
  readonly value: number;
  readonly ci95Low: number;
  readonly ci95High: number;
}

export interface MeasureIdentity {
  readonly name: string;
  readonly kind: MeasureKind;
}

/** The processed values of one key, by measure name, or null when the key is suppressed. */
export function postProcessCell(cell: ReleasedCell, measures: readonly MeasureIdentity[]): Record<string, ProcessedValue> | null {
  if (cell.status === 'suppressed') return null;
  const raiseTo = (name: string, floor: number): ProcessedValue => {
    const noisy = cell.values[name]!;
    const value = Math.max(noisy.value, floor);
    return { value, ci95Low: Math.max(noisy.ci95Low, 0), ci95High: Math.max(noisy.ci95High, value) };
  };
  const processed: Record<string, ProcessedValue> = {};
  const organizations = measures.find((measure) => measure.kind === 'distinct_organizations');
  const organizationFloor = organizations ? raiseTo(organizations.name, 0).value : 0;
  for (const measure of measures) {
    switch (measure.kind) {
      case 'distinct_organizations':
      case 'clamped_byte_sum':
        processed[measure.name] = raiseTo(measure.name, 0);
        break;
      case 'transfer_count':
        processed[measure.name] = raiseTo(measure.name, organizationFloor);
        break;
      case 'organization_share':
        break; // decided per group, from all of the group's keys: postProcessShares
    }
  }
  return processed;
}

/**
 * Share values are published with 4 decimals: the grid of published shares (1 / 10,000). Each
 * group's published shares are apportioned on it by largest remainders, so they add up to exactly 1.
 */
export const SHARE_DECIMALS = 4;
const SHARE_STEPS = 10 ** SHARE_DECIMALS;

/** What the share post-processing needs of the plan's organization_share measure. */
export interface ShareMeasureIdentity {
  readonly name: string;
  /** G: grid units per organization and group. */
  readonly gridUnits: number;
  /** sd of the noise on each share-sum, in grid units. */
  readonly noiseStandardDeviation: number;
  readonly mechanism: 'gaussian' | 'laplace';
}

export interface ProcessedShare extends ProcessedValue {
  /** Approximate sd of the published share (delta method at the published value), as a proportion. */
  readonly noiseStandardDeviation: number;
}

/**
 * The multiplier of the ratio interval. Gaussian noise: the pivot below is (to the precision of a
 * discrete Gaussian with an sd of thousands of grid units) normal, so the 97.5% normal quantile.
 * Laplace noise: the pivot is a sum of Laplace draws whose tails are not normal; Chebyshev's
 * inequality, P(|Y| >= m sd) <= 1 / m^2, holds for any distribution, so m = sqrt(20) for 95%.
 */
export function shareIntervalMultiplier(mechanism: 'gaussian' | 'laplace'): number {
  return mechanism === 'gaussian' ? 1.96 : Math.sqrt(20);
}

/**
 * Published shares of every key whose group is published (its noisy organization count reaches k):
 * for key c of a group with noisy share-sums X_1 .. X_C (grid units),
 *
 * - value: max(X_c, 0) / sum_j max(X_j, 0), the average organization's share with negative noisy
 *   sums clamped to 0, rounded to 4 decimals so that the group's shares add up to exactly 1;
 * - interval: the Fieller confidence set for the ratio p = T_c / N (T_c the true share-sum, N the
 *   group's kept organizations, both in grid units). With S = sum_j X_j and independent noise of sd
 *   s on each X_j, the pivot X_c - p S = e_c - p sum_j e_j has mean 0 and variance
 *   s^2 ((1 - p)^2 + (C - 1) p^2) at the true p, whatever N is. The set of p in [0, 1] with
 *   (X_c - p S)^2 <= z^2 s^2 (1 - 2p + C p^2) (a quadratic inequality) therefore contains the true
 *   share with probability >= 95%; its hull is published, rounded outward to 4 decimals and widened
 *   to contain the published value. Unlike the delta method it stays honest in small groups, where
 *   the noisy denominator is uncertain (it then widens, up to [0, 1]).
 * - noise sd: s sqrt(1 - 2p + C p^2) / S at the published p (the delta method), for display.
 *
 * Reads only noisy values and public parameters: post-processing, no privacy cost. Keys of
 * suppressed groups map to null.
 */
export function postProcessShares(
  cells: readonly ReleasedCell[],
  share: ShareMeasureIdentity,
  groupOf: ReadonlyMap<string, string>,
): Map<string, ProcessedShare | null> {
  const groups = new Map<string, ReleasedCell[]>();
  for (const cell of cells) {
    const group = groupOf.get(cell.cell);
    if (group === undefined) throw new RangeError(`postProcessShares: key ${JSON.stringify(cell.cell)} has no group`);
    const members = groups.get(group) ?? [];
    members.push(cell);
    groups.set(group, members);
  }
  const z = shareIntervalMultiplier(share.mechanism);
  const sd = share.noiseStandardDeviation;
  const processed = new Map<string, ProcessedShare | null>();
  for (const members of groups.values()) {
    if (members[0]!.shareStatus !== 'published') {
      for (const cell of members) processed.set(cell.cell, null);
      continue;
    }
    const noisy = members.map((cell) => cell.values[share.name]!.value);
    const clamped = noisy.map((value) => Math.max(value, 0));
    const steps = clamped.some((value) => value > 0) ? apportionShares(clamped, SHARE_STEPS) : clamped.map(() => SHARE_STEPS / clamped.length);
    const total = noisy.reduce((sum, value) => sum + value, 0);
    const categories = members.length;
    members.forEach((cell, index) => {
      const value = steps[index]! / SHARE_STEPS;
      const hull = fiellerHull(noisy[index]!, total, sd, categories, z);
      const low = Math.min(value, hull ? Math.floor(hull[0] * SHARE_STEPS + 1e-9) / SHARE_STEPS : value);
      const high = Math.max(value, hull ? Math.ceil(hull[1] * SHARE_STEPS - 1e-9) / SHARE_STEPS : value);
      const spread = Math.max(0, 1 - 2 * value + categories * value * value);
      processed.set(cell.cell, {
        value,
        ci95Low: Math.max(0, roundShare(low)),
        ci95High: Math.min(1, roundShare(high)),
        noiseStandardDeviation: total > 0 ? roundShare((sd * Math.sqrt(spread)) / total) : 1,
      });
    });
  }
  return processed;
}

function roundShare(value: number): number {
  return Math.round(value * SHARE_STEPS) / SHARE_STEPS;
}

/**
 * The hull of {p in [0, 1] : (x - p s)^2 <= z^2 sd^2 (1 - 2p + c p^2)}, or null when it is empty.
 * f(p) = a p^2 + b p + k with a = s^2 - z^2 sd^2 c, b = 2 (z^2 sd^2 - x s), k = x^2 - z^2 sd^2.
 */
export function fiellerHull(x: number, s: number, sd: number, c: number, z: number): [number, number] | null {
  const w = z * z * sd * sd;
  const a = s * s - w * c;
  const b = 2 * (w - x * s);
  const k = x * x - w;
  const f = (p: number) => (a * p + b) * p + k;
  const roots: number[] = [];
  if (a === 0) {
    if (b !== 0) roots.push(-k / b);
  } else {
    const discriminant = b * b - 4 * a * k;
    if (discriminant >= 0) {
      const root = Math.sqrt(discriminant);
      // Numerically stable pair of roots.
      const q = -0.5 * (b + (b >= 0 ? root : -root));
      if (q !== 0) roots.push(q / a, k / q);
      else roots.push(0);
    }
  }
  const points = [0, ...roots.filter((root) => root > 0 && root < 1), 1].sort((p, q) => p - q);
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  const include = (p: number) => {
    low = Math.min(low, p);
    high = Math.max(high, p);
  };
  for (const root of roots) if (root >= 0 && root <= 1) include(root);
  for (let index = 0; index < points.length; index += 1) {
    const point = points[index]!;
    if (f(point) <= 0) include(point);
    const next = points[index + 1];
    if (next !== undefined && f((point + next) / 2) <= 0) {
      include(point);
      include(next);
    }
  }
  return low <= high ? [low, high] : null;
}
