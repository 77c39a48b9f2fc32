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
    }
  }
  return processed;
}
