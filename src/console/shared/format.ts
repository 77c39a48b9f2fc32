/**
 * How the consoles write numbers, dates and periods, so that every page and chart reads the same:
 * thousands separators, plain decimals (never `8.85e-9`), dates as dates with the exact ISO
 * instant kept for a tooltip, and periods with the dates they cover.
 */
import { parseAnyPeriodId } from '../../periods/period';

const INTEGER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const DAY_MS = 86_400_000;

/** `25820` → `25,820`. */
export function formatCount(value: number): string {
  return INTEGER.format(value);
}

/**
 * A decimal with `significant` significant digits, written out in full: `8.85e-9` → `0.00000000885`,
 * `25820.4` → `25,820`. Numbers of 1 and above keep at least their integer digits.
 */
export function formatDecimal(value: number, significant = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  if (Math.abs(value) >= 10 ** significant) return formatCount(value);
  return new Intl.NumberFormat('en-GB', { maximumSignificantDigits: significant, maximumFractionDigits: 100 }).format(value);
}

/** A share between 0 and 1 as a percentage: `0.4567` → `45.7%`. */
export function formatPercent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

function utcDate(instant: Date): string {
  return `${instant.getUTCDate()} ${MONTHS[instant.getUTCMonth()]} ${instant.getUTCFullYear()}`;
}

/** `2026-11-24T10:00:00.000Z` → `24 Nov 2026` (UTC). Unparseable text is returned as it is. */
export function formatDate(iso: string): string {
  const instant = new Date(iso);
  return Number.isNaN(instant.getTime()) ? iso : utcDate(instant);
}

/** `2026-11-24T10:05:00.000Z` → `24 Nov 2026, 10:05 UTC`. */
export function formatDateTime(iso: string): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  return `${utcDate(instant)}, ${iso.slice(11, 16)} UTC`;
}

/** The days a period covers, as words: `2026-W48` → `23–29 Nov 2026`; ids that are not periods give ''. */
export function periodDateRange(id: string): string {
  const period = parseAnyPeriodId(id);
  if (!period) return '';
  const last = new Date(period.end.getTime() - DAY_MS);
  if (last.getTime() === period.start.getTime()) return utcDate(last);
  const sameYear = last.getUTCFullYear() === period.start.getUTCFullYear();
  const sameMonth = sameYear && last.getUTCMonth() === period.start.getUTCMonth();
  const start = sameMonth
    ? String(period.start.getUTCDate())
    : sameYear
      ? `${period.start.getUTCDate()} ${MONTHS[period.start.getUTCMonth()]}`
      : utcDate(period.start);
  return `${start}–${utcDate(last)}`;
}
