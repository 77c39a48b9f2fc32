/** Reading a release's data.csv in tests, and checking noisy published values against the truth. */
import { expect } from 'vitest';

export type CsvRow = Record<string, string>;

export function parseCsv(text: string): CsvRow[] {
  const [header, ...lines] = text.trim().split('\n');
  const columns = (header ?? '').split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, index) => [columns[index], value])));
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
