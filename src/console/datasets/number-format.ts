/**
 * Numbers as researchers read them: thousands separators, no exponents (never `2.582e+4`). Values
 * are shown as released; only their presentation changes. To be replaced by the consoles' shared
 * format module.
 */
const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fractionFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const shareFormat = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export function formatValue(value: number): string {
  return Number.isInteger(value) ? integerFormat.format(value) : fractionFormat.format(value);
}

/** Shares (values in [0, 1]) as percentages. */
export function formatShare(value: number): string {
  return shareFormat.format(value);
}

export function formatInterval(low: number, high: number, format: (value: number) => string = formatValue): string {
  return `${format(low)} to ${format(high)}`;
}
