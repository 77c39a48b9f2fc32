/**
 * How the researchers' pages name and write each measure. Counts are written as numbers with their
 * 95% interval; the per-organization share (`organization_share`, a proportion in [0, 1] in the
 * release files) is written as a percentage with one decimal, "34.5 % (95 %: 28.1–40.9 %)", and
 * charted on a 0–100 axis. The release files keep the proportions unchanged; only what is shown is
 * scaled.
 *
 * Measures are looked up by name rather than through the spec's measure type, so that a release
 * listing a measure this console does not know yet is still shown (under its own name).
 */
import type { DatasetSpec } from '../../datasets/dataset-spec';
import { MEASURE_UNITS } from '../../releases/dataset-catalogue';
import { formatDecimal } from '../shared/format';

export const SHARE_MEASURE = 'organization_share';

export const MEASURE_LABELS: Readonly<Record<string, string>> = {
  transfer_count: 'Transfers',
  distinct_organizations: 'Organizations',
  clamped_byte_sum: 'Bytes (clamped)',
  [SHARE_MEASURE]: "Share of the average organization's transfers",
};

/** Names short enough for a tab on a phone. */
const SHORT_LABELS: Readonly<Record<string, string>> = {
  transfer_count: 'Transfers',
  distinct_organizations: 'Organizations',
  clamped_byte_sum: 'Bytes',
  [SHARE_MEASURE]: 'Share',
};

export const measureShortLabel = (measure: string) => SHORT_LABELS[measure] ?? measureLabel(measure);

export const isShareMeasure = (measure: string) => measure === SHARE_MEASURE;

export function measureLabel(measure: string): string {
  return MEASURE_LABELS[measure] ?? measure.replaceAll('_', ' ');
}

/** "Bytes (clamped), MB (10^6 bytes)", "Share of the average organization's transfers, %"; the unit is left out when it only repeats the label. */
export function measureTitle(measure: string, spec: DatasetSpec): string {
  const label = measureLabel(measure);
  if (isShareMeasure(measure)) return `${label}, %`;
  const unitOf = (MEASURE_UNITS as Partial<Record<string, (spec: DatasetSpec) => string>>)[measure];
  const unit = unitOf ? unitOf(spec) : '';
  return unit === '' || unit.toLowerCase() === label.toLowerCase() ? label : `${label}, ${unit}`;
}

/** A measure's name on a phone card, beside its value: the short name and the bare unit ("Bytes, MB"). */
export function measureCardLabel(measure: string, spec: DatasetSpec): string {
  const short = measureShortLabel(measure);
  if (isShareMeasure(measure)) return short;
  const unitOf = (MEASURE_UNITS as Partial<Record<string, (spec: DatasetSpec) => string>>)[measure];
  const unit = (unitOf ? unitOf(spec) : '').replace(/\s*\(.*\)$/, '');
  return unit === '' || unit.toLowerCase() === short.toLowerCase() ? short : `${short}, ${unit}`;
}

/** The dimension a spec's shares are taken over, when the spec declares one. */
export function shareDimensionOf(spec: DatasetSpec): DatasetSpec['dimensions'][number] | undefined {
  const declared = (spec as { shares?: { over?: unknown } }).shares?.over;
  return spec.dimensions.find((dimension) => dimension.name === declared);
}

/**
 * What a share is, in two sentences: the estimand weights organizations equally, so a researcher does
 * not read it as the share of all transfers.
 */
export function shareExplanation(spec: DatasetSpec): string {
  const over = shareDimensionOf(spec);
  const across = over ? `across the ${over.title.toLowerCase()} categories` : 'across the categories of one group of keys';
  return `Each organization's own transfers in a group are turned into shares ${across}, which add up to 100 % for that organization; the published value is the average of these shares over the organizations in the group. Organizations are weighted equally: a large organization counts no more than a small one, so this is not the share of all transfers.`;
}

const NBSP = '\u00a0';
/** `0.3449` → `34.5 %` (a no-break space keeps the sign with its number on a narrow screen). */
export function formatShare(proportion: number): string {
  return `${(proportion * 100).toFixed(1)}${NBSP}%`;
}

export interface ShownValue {
  value: number;
  low: number;
  high: number;
}

/** The value alone, as the tables write it. */
export function formatMeasureNumber(measure: string, value: number): string {
  return isShareMeasure(measure) ? formatShare(value) : formatDecimal(value, 4);
}

/** The 95% interval alone: `28.1–40.9 %` for a share, `1,200 to 1,450` for a count (whose ends may be negative). */
export function formatMeasureInterval(measure: string, value: ShownValue): string {
  if (isShareMeasure(measure)) return `${(value.low * 100).toFixed(1)}–${formatShare(value.high)}`;
  return `${formatDecimal(value.low, 4)} to ${formatDecimal(value.high, 4)}`;
}

/** Value and interval in one cell: `34.5 % (95 %: 28.1–40.9 %)`, `1,234 (95 %: 1,100 to 1,370)`. */
export function formatMeasureValue(measure: string, value: ShownValue): string {
  return `${formatMeasureNumber(measure, value.value)} (95${NBSP}%: ${formatMeasureInterval(measure, value)})`;
}

/** A chart axis title: a share's is shortened to fit the height of a phone's chart. */
export function axisTitle(measure: string, spec: DatasetSpec): string {
  return isShareMeasure(measure) ? "Average organization's share, %" : measureTitle(measure, spec);
}

/** Charts draw shares in percent on a fixed 0–100 axis, counts as released. */
export function chartScaleOf(measure: string): { factor: number; min?: number; max?: number } {
  return isShareMeasure(measure) ? { factor: 100, min: 0, max: 100 } : { factor: 1 };
}
