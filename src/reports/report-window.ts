/**
 * The time window a report covers, and which release periods fall in it. Period ids are parsed in
 * every granularity, so a report still places periods recorded before the operator changed PERIOD.
 */
import { type Period, parseAnyPeriodId } from '../periods/period';

export interface ReportWindow {
  /** Inclusive, ISO-8601 UTC; null = from the beginning. */
  from: string | null;
  /** Exclusive, ISO-8601 UTC; null = up to now, inclusive (so what just happened is in the report). */
  to: string | null;
}

export function periodOf(id: string): Period | undefined {
  return parseAnyPeriodId(id);
}

/** True when the period overlaps the window. Unparseable ids are kept: a report should not hide data. */
export function periodOverlaps(id: string, window: ReportWindow): boolean {
  const period = periodOf(id);
  if (!period) return true;
  return (window.to === null || period.start.toISOString() < window.to) && (window.from === null || period.end.toISOString() > window.from);
}

export function reportWindow(input: { from?: string | undefined; to?: string | undefined }): ReportWindow {
  return {
    from: input.from ? new Date(input.from).toISOString() : null,
    to: input.to ? new Date(input.to).toISOString() : null,
  };
}
