/** Reading CSV in tests (release files and report exports), and checking noisy published values against the truth. */
import { expect } from 'vitest';

export type CsvRow = Record<string, string>;

/** RFC 4180 records (quoted fields, doubled quotes, LF or CRLF line ends), header included. */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || (char === '\r' && text[index + 1] === '\n')) {
      if (char === '\r') index += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || record.length) records.push([...record, field]);
  return records;
}

/** Data rows as objects keyed by the header's column names. */
export function parseCsv(text: string): CsvRow[] {
  const [header = [], ...rows] = parseCsvRecords(text);
  return rows.map((row) => Object.fromEntries(row.map((value, index) => [header[index], value])));
}

/**
 * The published value of one cell and measure, checked against the truth within 5 of its published
 * noise sd; `detectable` is the smallest error the check must catch, so the noise must be below a fifth of it.
 */
export function expectNear(rows: CsvRow[], detectable: number, where: CsvRow, measure: string, truth: number) {
  const matching = rows.filter((row) => row.measure === measure && Object.entries(where).every(([column, value]) => row[column] === value));
  expect(matching, `${JSON.stringify(where)} ${measure} is published`).toHaveLength(1);
  const [row] = matching as [CsvRow];
  const sd = Number(row.noise_sd);
  // The check must be able to fail: an error of `detectable` would lie beyond 5 sd.
  expect(sd).toBeLessThan(detectable / 5);
  expect(Math.abs(Number(row.value) - truth), `${JSON.stringify(where)} ${measure}: ${row.value} vs ${truth} (sd ${sd})`).toBeLessThanOrEqual(5 * sd);
}
