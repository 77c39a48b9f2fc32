/**
 * A report is one table: named columns and flat rows. The JSON and CSV forms carry the same
 * columns in the same order, so a spreadsheet and a script read the same thing. CSV is written by
 * csv-stringify's browser build (no Node stream or Buffer), which runs unchanged on Workers.
 */
import { stringify } from 'csv-stringify/browser/esm/sync';

export type ReportCell = string | number | boolean | null;

export interface ReportTable<Row extends Record<string, ReportCell>> {
  columns: readonly (keyof Row & string)[];
  rows: Row[];
}

/**
 * RFC 4180 CSV with a header row. Cells that a spreadsheet would run as a formula (`=`, `+`, `@`,
 * or `-` before text) are prefixed with `'` (OWASP CSV injection); numbers are left alone.
 */
export function reportTableCsv<Row extends Record<string, ReportCell>>(table: ReportTable<Row>): string {
  return stringify(
    table.rows.map((row) => table.columns.map((column) => row[column] ?? '')),
    { header: true, columns: [...table.columns], escape_formulas: true, record_delimiter: '\r\n', cast: { boolean: (value) => String(value) } },
  );
}

/** Organizations by name (then id), so every report and console list reads like a register. */
export function byName(a: { name: string; id: string }, b: { name: string; id: string }): number {
  return a.name.localeCompare(b.name, 'en') || a.id.localeCompare(b.id);
}
