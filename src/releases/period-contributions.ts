/**
 * Reads one period's counters once and turns them into every dataset's engine input: per dataset,
 * one row per (contributor, dataset cell) with the contributor's transfers and bytes in that cell.
 *
 * Why one pass in primary-key order rather than a GROUP BY per dataset: the counters table already
 * holds one row per (contributor, full cell), and its primary key (period, contributor, cell columns)
 * hands rows over grouped by contributor with no sort. A GROUP BY per dataset makes the database
 * build a temporary B-tree per dataset, which measured slower than reading the rows once and merging
 * per contributor here (docs/releases.md has the figures).
 *
 * Why no string reaches JavaScript but the contributor: counters are stored coded (migration 0005),
 * every cell column an integer (a flag, or the id of a text value in `counter_values`). The small
 * table of value ids is read first; each dataset then codes a row as the mixed-radix number of the
 * vocabulary positions of the few columns it reads, with array lookups on those integers. The cells
 * of a code are worked out once, by the dataset's own mapper on the decoded values, and remembered.
 * A stored value outside the vocabulary gets its own position, decoded to a value no spec names, so
 * the mapper treats it as it would the stored value: no dimension maps it and no `in` filter lists it.
 *
 * Rows are read in pages of whole contributors (at most `rowsPerPage` rows, less the rows of the
 * contributor the limit cut, which the next page starts with; a contributor with more rows than a
 * page is read whole on its own), so no single query result is large (D1 limits response sizes)
 * and, on SQLite, other requests get the connection between pages.
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { type Database, toCount } from '../db/database';
import { type CodedCounterColumn, type CounterCellColumn, codedCounterColumn, COUNTER_FLAG_COLUMNS, type DB } from '../db/schema';
import { COUNTER_COLUMN_VALUES, type CellValue } from '../datasets/counter-column-vocabulary';
import type { ContributionRow } from '../privacy';
import type { DatasetCellMapper, RowMapper } from './dataset-cells';

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
    .selectFrom('coded_counters')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('period', '=', period)
    .executeTakeFirstOrThrow();
  return toCount(row.n);
}

/** What a stored value outside a column's vocabulary decodes to: no dataset spec can name it. */
const UNLISTED_VALUE = '\u0000unlisted';

/** How one dataset's rows are coded: the columns it reads, each with its vocabulary, as a mixed-radix number. */
export interface RowProjection {
  readonly columns: readonly CounterCellColumn[];
  /** Per column, its vocabulary followed by the unlisted value (the radix is this length). */
  readonly values: readonly (readonly CellValue[])[];
  readonly strides: readonly number[];
}

export function rowProjectionOf(mapper: DatasetCellMapper): RowProjection {
  const columns = [...new Set([...mapper.dimensionColumns, ...mapper.filters.map((filter) => filter.column as CounterCellColumn)])];
  const values = columns.map((column) => [...COUNTER_COLUMN_VALUES[column], UNLISTED_VALUE]);
  const strides: number[] = [];
  let stride = 1;
  for (const columnValues of values) {
    strides.push(stride);
    stride *= columnValues.length;
  }
  return { columns, values, strides };
}

/**
 * Per column of the projection, what each stored integer adds to the row's code (its position in
 * the column's value list times the column's stride), indexed by the stored integer: text columns
 * by value id (from the value table read for this release), flags by the flag. Integers the table
 * does not cover add `unlisted[slot]`.
 */
interface CodeTables {
  readonly byStored: readonly Int32Array[];
  readonly unlisted: readonly number[];
}

function codeTablesOf(projection: RowProjection, valueIds: ReadonlyMap<string, ReadonlyMap<number, string>>): CodeTables {
  const byStored: Int32Array[] = [];
  const unlisted: number[] = [];
  projection.columns.forEach((column, index) => {
    const values = projection.values[index]!;
    const stride = projection.strides[index]!;
    const unlistedTerm = (values.length - 1) * stride;
    const terms = new Map<number, number>();
    if (COUNTER_FLAG_COLUMNS.has(column)) {
      values.slice(0, -1).forEach((value, position) => terms.set(Number(value), position * stride));
    } else {
      for (const [id, value] of valueIds.get(column) ?? []) {
        const position = values.indexOf(value);
        terms.set(id, position < 0 ? unlistedTerm : position * stride);
      }
    }
    const table = new Int32Array(Math.max(0, ...terms.keys()) + 1).fill(unlistedTerm);
    for (const [stored, term] of terms) if (stored >= 0) table[stored] = term;
    byStored.push(table);
    unlisted.push(unlistedTerm);
  });
  return { byStored, unlisted };
}

/**
 * A code's dataset cells, worked out by the mapper on the decoded values and remembered in `known`
 * (indexed by code: the codes of a projection are 0 .. the product of its radices, a few tens of
 * thousands, and an array index is cheaper than a hash lookup millions of times over).
 */
interface CodeCells {
  readonly known: (readonly number[] | undefined)[];
  resolve(code: number): readonly number[];
}

function cellsOfCode(projection: RowProjection, mapper: DatasetCellMapper): CodeCells {
  const rowMapper: RowMapper = mapper.forLayout(projection.columns);
  const known: (readonly number[] | undefined)[] = [];
  const row: CellValue[] = new Array(projection.columns.length);
  return {
    known,
    resolve: (code) => {
      projection.columns.forEach((_, index) => {
        const columnValues = projection.values[index]!;
        row[index] = columnValues[Math.floor(code / projection.strides[index]!) % columnValues.length]!;
      });
      const cells: number[] = [];
      if (rowMapper.matches(row)) rowMapper.cellIndexes(row, cells);
      known[code] = cells;
      return cells;
    },
  };
}

/** The value table, by column then id: small (the vocabulary words stored so far). */
async function readValueIds(db: Kysely<DB>): Promise<Map<string, Map<number, string>>> {
  const byColumn = new Map<string, Map<number, string>>();
  for (const row of await db.selectFrom('counter_values').select(['id', 'column_name', 'value']).execute()) {
    let ids = byColumn.get(row.column_name);
    if (ids === undefined) byColumn.set(row.column_name, (ids = new Map()));
    ids.set(Number(row.id), row.value);
  }
  return byColumn;
}

type PageQuery = SelectQueryBuilder<DB, 'coded_counters', Record<string, unknown>>;

/**
 * Reads every counter row of the period (in pages of about `rowsPerPage` rows) and appends each
 * dataset's per-(contributor, cell) totals to its reader's rows. Calls `onPage` after each page.
 */
export async function readPeriodContributions(
  database: Pick<Database, 'db' | 'readRows'>,
  period: string,
  readers: readonly DatasetReader[],
  options: { rowsPerPage?: number; onPage?: (rowsRead: number) => void } = {},
): Promise<number> {
  const { db } = database;
  const rowsPerPage = options.rowsPerPage ?? DEFAULT_ROWS_PER_PAGE;
  const valueIds = await readValueIds(db);
  const projections = readers.map((reader) => rowProjectionOf(reader.mapper));
  const cellsOf = readers.map((reader, index) => cellsOfCode(projections[index]!, reader.mapper));
  const codeTables = projections.map((projection) => codeTablesOf(projection, valueIds));
  // Only the columns some dataset reads leave the database, as arrays: [contributor, events, bytes, ...selected].
  const selected: CodedCounterColumn[] = [...new Set(projections.flatMap((projection) => projection.columns.map(codedCounterColumn)))];
  const layout = ['contributor', 'events', 'bytes', ...selected] as const;
  const slotsOf = projections.map((projection) => projection.columns.map((column) => layout.indexOf(codedCounterColumn(column))));
  // Per dataset, the current contributor's totals by cell number, and which cells were touched:
  // several counter rows (and several flags of one row) can land in the same dataset cell.
  const pending = readers.map((reader) => ({
    counts: new Float64Array(reader.mapper.cellCount),
    bytes: new Float64Array(reader.mapper.cellCount),
    seen: new Uint8Array(reader.mapper.cellCount),
    touched: [] as number[],
  }));
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

  const readPage = async (where: (query: PageQuery) => PageQuery, limit?: number): Promise<unknown[][]> => {
    let query = where(db.selectFrom('coded_counters').select([...layout]).where('period', '=', period)).orderBy('contributor');
    if (limit !== undefined) query = query.limit(limit);
    const compiled = query.compile();
    return database.readRows
      ? database.readRows(compiled)
      : (await db.executeQuery(compiled)).rows.map((record) => layout.map((column) => (record as Record<string, unknown>)[column]));
  };

  let after: string | undefined;
  let rowsRead = 0;
  for (;;) {
    let page = await readPage((query) => (after === undefined ? query : query.where('contributor', '>', after)), rowsPerPage);
    const lastPage = page.length < rowsPerPage;
    let rows = page.length;
    if (!lastPage) {
      // The page may end inside its last contributor: leave that contributor to the next page,
      // unless it is the only one, in which case its rows are read whole.
      const last = page[rows - 1]![0];
      while (rows > 0 && page[rows - 1]![0] === last) rows -= 1;
      if (rows === 0) {
        page = await readPage((query) => query.where('contributor', '=', last as string));
        rows = page.length;
      }
    }
    for (let row = 0; row < rows; row += 1) {
      const record = page[row]!;
      const rowContributor = record[0] as string;
      if (rowContributor !== contributor) {
        flush();
        contributor = rowContributor;
      }
      const count = toCount(record[1] as number | string);
      const bytes = toCount(record[2] as number | string);
      for (let index = 0; index < readers.length; index += 1) {
        const slots = slotsOf[index]!;
        const { byStored, unlisted } = codeTables[index]!;
        let code = 0;
        for (let slot = 0; slot < slots.length; slot += 1) {
          const stored = record[slots[slot]!] as number;
          const table = byStored[slot]!;
          code += stored >= 0 && stored < table.length ? table[stored]! : unlisted[slot]!;
        }
        const codeCells = cellsOf[index]!;
        const cells = codeCells.known[code] ?? codeCells.resolve(code);
        if (cells.length === 0) continue;
        const { counts, bytes: byteTotals, seen, touched } = pending[index]!;
        for (const cell of cells) {
          if (seen[cell] === 0) {
            seen[cell] = 1;
            touched.push(cell);
          }
          counts[cell]! += count;
          byteTotals[cell]! += bytes;
        }
      }
    }
    rowsRead += rows;
    options.onPage?.(rowsRead);
    if (lastPage) break;
    after = page[rows - 1]![0] as string;
  }
  flush();
  return rowsRead;
}
