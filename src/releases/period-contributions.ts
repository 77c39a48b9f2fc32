/**
 * Reads one period's counters once and turns them into every dataset's engine input: per dataset,
 * one row per (contributor, dataset cell) with the contributor's transfers and bytes in that cell.
 *
 * Why one pass in primary-key order rather than a GROUP BY per dataset: the counters table already
 * holds one row per (contributor, full cell), and its primary key (period, contributor, cell_key)
 * hands rows over grouped by contributor with no sort. A GROUP BY per dataset makes the database
 * build a temporary B-tree per dataset, which measured slower than reading the needed columns once
 * and merging per contributor here (docs/releases.md has the figures). Only the columns the
 * datasets read are selected.
 *
 * Rows are read in keyset pages of the primary key, so no single query result is large (D1 limits
 * response sizes) and, on SQLite, other requests get the connection between pages.
 */
import { type Kysely, sql } from 'kysely';
import { toCount } from '../db/database';
import type { CounterCellColumn, DB } from '../db/schema';
import type { ContributionRow } from '../privacy';
import type { DatasetCellMapper } from './dataset-cells';

export const DEFAULT_ROWS_PER_PAGE = 50_000;

export interface DatasetReader {
  mapper: DatasetCellMapper;
  /** Each organization's bytes in a cell are rounded to this many bytes (the published unit). */
  byteUnitBytes: number;
  /** The engine input being built. */
  rows: ContributionRow[];
}

export async function countPeriodCounters(db: Kysely<DB>, period: string): Promise<number> {
  const row = await db
    .selectFrom('counters')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('period', '=', period)
    .executeTakeFirstOrThrow();
  return toCount(row.n);
}

/** Drivers return columns in SELECT order, so Object.values is the row in `layout` order; checked once per page. */
function valuesInLayoutOrder(record: object | undefined, layout: readonly string[]): boolean {
  if (!record) return true;
  const keys = Object.keys(record);
  return keys.length === layout.length && keys.every((key, index) => key === layout[index]);
}

/**
 * Reads every counter row of the period (in pages of `rowsPerPage`) and appends each dataset's
 * per-(contributor, cell) totals to its reader's rows. Calls `onPage` after each page.
 */
export async function readPeriodContributions(
  db: Kysely<DB>,
  period: string,
  readers: readonly DatasetReader[],
  options: { rowsPerPage?: number; onPage?: (rowsRead: number) => void } = {},
): Promise<number> {
  const rowsPerPage = options.rowsPerPage ?? DEFAULT_ROWS_PER_PAGE;
  const columns = [
    ...new Set(readers.flatMap((reader) => [...reader.mapper.dimensionColumns, ...reader.mapper.filters.map((filter) => filter.column as CounterCellColumn)])),
  ];
  // Per dataset, the current contributor's totals by cell number, and which cells were touched:
  // several counter rows (and several flags of one row) can land in the same dataset cell.
  const pending = readers.map((reader) => ({
    counts: new Float64Array(reader.mapper.cellCount),
    bytes: new Float64Array(reader.mapper.cellCount),
    seen: new Uint8Array(reader.mapper.cellCount),
    touched: [] as number[],
  }));
  // Every page selects the same columns, so each row is handled as its array of values in this order.
  const layout = ['contributor', 'cell_key', 'events', 'bytes', ...columns];
  const rowMappers = readers.map((reader) => reader.mapper.forLayout(layout));
  const rowCells: number[] = [];
  let contributor: string | undefined;
  const flush = () => {
    if (contributor === undefined) return;
    readers.forEach((reader, index) => {
      const { counts, bytes, seen, touched } = pending[index]!;
      for (const cell of touched) {
        reader.rows.push({ contributor: contributor!, cell: reader.mapper.cellKey(cell), count: counts[cell]!, bytes: Math.round(bytes[cell]! / reader.byteUnitBytes) });
        counts[cell] = 0;
        bytes[cell] = 0;
        seen[cell] = 0;
      }
      touched.length = 0;
    });
  };

  let after: { contributor: string; cellKey: string } | undefined;
  let rowsRead = 0;
  for (;;) {
    let query = db
      .selectFrom('counters')
      .select(['contributor', 'cell_key', 'events', 'bytes', ...columns])
      .where('period', '=', period);
    if (after) {
      const { contributor: lastContributor, cellKey } = after;
      query = query.where(sql<boolean>`(contributor, cell_key) > (${lastContributor}, ${cellKey})`);
    }
    const page = await query.orderBy('contributor').orderBy('cell_key').limit(rowsPerPage).execute();
    const ordered = valuesInLayoutOrder(page[0], layout);
    for (const record of page) {
      const row = ordered ? Object.values(record) : layout.map((column) => (record as Record<string, unknown>)[column]);
      const rowContributor = row[0] as string;
      if (rowContributor !== contributor) {
        flush();
        contributor = rowContributor;
      }
      const count = toCount(row[2] as number | string);
      const bytes = toCount(row[3] as number | string);
      for (let index = 0; index < readers.length; index += 1) {
        const mapper = rowMappers[index]!;
        if (!mapper.matches(row)) continue;
        const { counts, bytes: byteTotals, seen, touched } = pending[index]!;
        rowCells.length = 0;
        mapper.cellIndexes(row, rowCells);
        for (const cell of rowCells) {
          if (seen[cell] === 0) {
            seen[cell] = 1;
            touched.push(cell);
          }
          counts[cell]! += count;
          byteTotals[cell]! += bytes;
        }
      }
    }
    rowsRead += page.length;
    options.onPage?.(rowsRead);
    if (page.length < rowsPerPage) break;
    const last = page.at(-1)!;
    after = { contributor: last.contributor, cellKey: last.cell_key };
  }
  flush();
  return rowsRead;
}
