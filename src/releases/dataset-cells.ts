/**
 * How a dataset spec turns counter rows into the dataset's cells. Filters are plain column
 * conditions; dimensions are a column (optionally relabelled), an ordered list of cases, or a set
 * of 0/1 flags of which every set one yields a cell. A row can yield several cells (one per set
 * flag), or none.
 *
 * This runs once per counter row and dataset (millions of times per release), so the spec is
 * compiled up front into plain lookups, and cells are numbered (see `createDatasetCellMapper`).
 *
 * A cell is identified by one string (its dimension values joined by a separator no value can
 * contain), which is what the privacy engine groups by; `decodeCell` splits it back.
 */
import { COUNTER_CELL_COLUMNS, type CounterCellColumn } from '../db/schema';
import { COUNTER_COLUMN_VALUES, type CellValue } from '../datasets/counter-column-vocabulary';
import type { ConditionSpec, DatasetSpec, DimensionSpec } from '../datasets/dataset-spec';

const SEPARATOR = '\u001f';

export type CounterCells = Partial<Record<CounterCellColumn, CellValue>>;

/** A row as an array of column values, in the order of a layout (e.g. a SELECT's column list). */
export type RowValues = readonly unknown[];

/** The per-row functions of a mapper, compiled for one column layout. */
export interface RowMapper {
  /** True when the row passes the filters. */
  matches(row: RowValues): boolean;
  /** Appends the row's cell numbers to `into` (none when a dimension drops the row). */
  cellIndexes(row: RowValues, into: number[]): void;
}

export interface DatasetCellMapper {
  /** Columns the dimensions read. */
  readonly dimensionColumns: readonly CounterCellColumn[];
  /** Row filters (also usable as SQL conditions). */
  readonly filters: readonly ConditionSpec[];
  /** Cells are numbered 0 .. cellCount - 1 (the product of the dimensions' domain sizes). */
  readonly cellCount: number;
  /**
   * The per-row functions for rows given as value arrays in `layout` order. Arrays rather than
   * objects because element loads by a fixed index are far cheaper than property loads by a
   * column name chosen at run time, and this runs millions of times per release.
   */
  forLayout(layout: readonly string[]): RowMapper;
  /** The key of a cell number; the same string every time, so equal cells share one string. */
  cellKey(cell: number): string;
  /** Convenience for one row given as an object: does it pass the filters? */
  matches(row: CounterCells): boolean;
  /** Convenience for one row given as an object: its cell keys. */
  cellsOf(row: CounterCells): readonly string[];
  decodeCell(cell: string): string[];
}

type ConditionTest = (row: RowValues) => boolean;
type SlotOf = (column: string) => number;

/** The values as stored, in both spellings a driver may return (0 and '0'), so tests need no conversion. */
function bothSpellings(values: readonly CellValue[]): Set<unknown> {
  const set = new Set<unknown>();
  for (const value of values) {
    set.add(value);
    set.add(String(value));
    if (typeof value === 'string' && /^-?\d+$/.test(value)) set.add(Number(value));
  }
  return set;
}

function compileCondition(condition: ConditionSpec, slotOf: SlotOf): ConditionTest {
  const slot = slotOf(condition.column);
  const listed = bothSpellings(condition.in ?? condition.notIn ?? []);
  return condition.in !== undefined ? (row) => listed.has(row[slot]) : (row) => !listed.has(row[slot]);
}

function compileAll(conditions: readonly ConditionSpec[], slotOf: SlotOf): ConditionTest {
  const tests = conditions.map((condition) => compileCondition(condition, slotOf));
  switch (tests.length) {
    case 0:
      return () => true;
    case 1:
      return tests[0]!;
    default:
      return (row) => {
        for (const test of tests) if (!test(row)) return false;
        return true;
      };
  }
}

/**
 * Dimension values are positions in the dimension's domain, and a cell is the mixed-radix number
 * of its positions, so the per-row work is a few lookups and multiplications: no strings are built
 * per row (the key of each cell number is built once, on first use).
 */
type Position = (row: RowValues) => number;

function compilePosition(spec: DatasetSpec, dimension: Exclude<DimensionSpec, { kind: 'flags' }>, slotOf: SlotOf): Position {
  const domain = dimensionDomain(spec, dimension);
  const positionOf = new Map(domain.map((value, index) => [value, index]));
  if (dimension.kind === 'column') {
    const column = dimension.column as CounterCellColumn;
    const slot = slotOf(column);
    const positions = new Map<unknown, number>();
    for (const value of COUNTER_COLUMN_VALUES[column]) {
      const position = positionOf.get(dimension.labels?.[String(value)] ?? String(value));
      if (position === undefined) continue; // excluded by a filter on the same column
      for (const spelling of bothSpellings([value])) positions.set(spelling, position);
    }
    return (row) => positions.get(row[slot]) ?? -1;
  }
  const cases = dimension.cases.map((entry) => ({ position: positionOf.get(entry.value)!, test: compileAll(entry.when, slotOf) }));
  const otherwise = dimension.otherwise === null ? -1 : positionOf.get(dimension.otherwise)!;
  return (row) => {
    for (const entry of cases) if (entry.test(row)) return entry.position;
    return otherwise;
  };
}

/** A flag set: appends the positions of the set flags (or of the "none" value) to `into`. */
function compileFlagPositions(dimension: Extract<DimensionSpec, { kind: 'flags' }>, slotOf: SlotOf): (row: RowValues, into: number[]) => void {
  const slots = dimension.flags.map((flag) => slotOf(flag.column));
  const none = dimension.none === null ? -1 : slots.length;
  return (row, into) => {
    const before = into.length;
    for (let position = 0; position < slots.length; position += 1) {
      const stored = row[slots[position]!];
      if (stored === 1 || stored === '1') into.push(position);
    }
    if (into.length === before && none >= 0) into.push(none);
  };
}

export function dimensionColumnsOf(dimension: DimensionSpec): CounterCellColumn[] {
  switch (dimension.kind) {
    case 'column':
      return [dimension.column as CounterCellColumn];
    case 'cases':
      return dimension.cases.flatMap((entry) => entry.when.map((condition) => condition.column as CounterCellColumn));
    case 'flags':
      return dimension.flags.map((flag) => flag.column as CounterCellColumn);
  }
}

function compileRowMapper(spec: DatasetSpec, strides: readonly number[], layout: readonly string[]): RowMapper {
  const slotOf: SlotOf = (column) => {
    const slot = layout.indexOf(column);
    if (slot < 0) throw new Error(`the row layout lacks column ${column}, which dataset ${spec.id} reads`);
    return slot;
  };
  const matches = compileAll(spec.filters, slotOf);
  if (spec.dimensions.every((dimension) => dimension.kind !== 'flags')) {
    // Common case: one value per dimension, so at most one cell per row.
    const positions = spec.dimensions.map((dimension) => compilePosition(spec, dimension as Exclude<DimensionSpec, { kind: 'flags' }>, slotOf));
    return {
      matches,
      cellIndexes: (row, into) => {
        let cell = 0;
        for (let index = 0; index < positions.length; index += 1) {
          const position = positions[index]!(row);
          if (position < 0) return;
          cell += position * strides[index]!;
        }
        into.push(cell);
      },
    };
  }
  const parts = spec.dimensions.map((dimension) => {
    if (dimension.kind === 'flags') return compileFlagPositions(dimension, slotOf);
    const position = compilePosition(spec, dimension, slotOf);
    return (row: RowValues, into: number[]) => {
      const found = position(row);
      if (found >= 0) into.push(found);
    };
  });
  // Reused buffers: the cross product of the dimensions' positions, built without allocating per row.
  const positions: number[] = [];
  let cells: number[] = [];
  let next: number[] = [];
  return {
    matches,
    cellIndexes: (row, into) => {
      cells.length = 0;
      cells.push(0);
      for (let index = 0; index < parts.length; index += 1) {
        positions.length = 0;
        parts[index]!(row, positions);
        if (positions.length === 0) return;
        next.length = 0;
        const stride = strides[index]!;
        for (const cell of cells) for (const position of positions) next.push(cell + position * stride);
        const filled = next;
        next = cells;
        cells = filled;
      }
      for (const cell of cells) into.push(cell);
    },
  };
}

export function createDatasetCellMapper(spec: DatasetSpec): DatasetCellMapper {
  const dimensionColumns = [...new Set(spec.dimensions.flatMap(dimensionColumnsOf))];
  const domains = spec.dimensions.map((dimension) => dimensionDomain(spec, dimension));
  const strides: number[] = [];
  let cellCount = 1;
  for (let index = domains.length - 1; index >= 0; index -= 1) {
    strides[index] = cellCount;
    cellCount *= Math.max(1, domains[index]!.length);
  }
  const keys: (string | undefined)[] = new Array(cellCount);
  const cellKey = (cell: number): string => {
    let key = keys[cell];
    if (key === undefined) {
      key = domains.map((domain, index) => domain[Math.floor(cell / strides[index]!) % domain.length]).join(SEPARATOR);
      keys[cell] = key;
    }
    return key;
  };
  const objectRows = compileRowMapper(spec, strides, COUNTER_CELL_COLUMNS);
  const valuesOf = (row: CounterCells) => COUNTER_CELL_COLUMNS.map((column) => row[column]);
  return {
    dimensionColumns,
    filters: spec.filters,
    cellCount,
    forLayout: (layout) => compileRowMapper(spec, strides, layout),
    cellKey,
    matches: (row) => objectRows.matches(valuesOf(row)),
    cellsOf: (row) => {
      const cells: number[] = [];
      objectRows.cellIndexes(valuesOf(row), cells);
      return cells.map(cellKey);
    },
    decodeCell: (cell) => cell.split(SEPARATOR),
  };
}

/**
 * Every value each dimension can take, in declaration order: the column's vocabulary narrowed by
 * filters on the same column, the case values, or the flag values. Used to draw complete tables
 * and charts and to say in the catalogue what a dataset can contain; releases still publish only
 * the cells that pass the privacy engine's selection.
 */
export function dimensionDomain(spec: DatasetSpec, dimension: DimensionSpec): string[] {
  switch (dimension.kind) {
    case 'column': {
      const column = dimension.column as CounterCellColumn;
      const keep = compileAll(
        spec.filters.filter((condition) => condition.column === column),
        () => 0,
      );
      // Several stored values may share a label (a coarser category): the domain lists it once.
      const labels = COUNTER_COLUMN_VALUES[column]
        .filter((value) => keep([value]))
        .map((value) => dimension.labels?.[String(value)] ?? String(value));
      return [...new Set(labels)];
    }
    case 'cases':
      return [...dimension.cases.map((entry) => entry.value), ...(dimension.otherwise ? [dimension.otherwise] : [])];
    case 'flags':
      return [...dimension.flags.map((flag) => flag.value), ...(dimension.none ? [dimension.none] : [])];
  }
}

/**
 * The declared key space of a public-keys spec: every combination of the dimensions' domains (the
 * cross product, in cell-number order), minus the spec's excludedKeys. It depends on the spec alone,
 * so publishing a row for each key reveals nothing. Throws RangeError for an excluded value that is
 * not in its dimension's domain (a typo would otherwise exclude nothing).
 */
export function publicKeySpace(spec: DatasetSpec): string[] {
  const mapper = createDatasetCellMapper(spec);
  const names = spec.dimensions.map((dimension) => dimension.name);
  const domains = new Map(spec.dimensions.map((dimension) => [dimension.name, new Set(dimensionDomain(spec, dimension))]));
  const patterns = spec.excludedKeys.map((pattern, index) =>
    Object.entries(pattern).map(([name, value]) => {
      if (!domains.get(name)?.has(value)) throw new RangeError(`excludedKeys[${index}]: "${value}" is not a value of dimension ${name}`);
      return { position: names.indexOf(name), value };
    }),
  );
  const keys: string[] = [];
  for (let cell = 0; cell < mapper.cellCount; cell += 1) {
    const key = mapper.cellKey(cell);
    const values = mapper.decodeCell(key);
    if (!patterns.some((pattern) => pattern.every(({ position, value }) => values[position] === value))) keys.push(key);
  }
  return keys;
}

/**
 * With the organization_share measure: each key's group, the key without the share dimension's value
 * (for a one-dimension spec, the whole table is one group). Keys of a group differ only in the share
 * dimension; each organization's distribution over them is what it contributes.
 */
export function shareGroupsOf(spec: DatasetSpec, keys: readonly string[]): Map<string, string> {
  const over = spec.dimensions.findIndex((dimension) => dimension.name === spec.shares?.over);
  if (over < 0) throw new RangeError(`dataset ${spec.id}: the share dimension is not one of its dimensions`);
  return new Map(keys.map((key) => [key, key.split(SEPARATOR).filter((_, index) => index !== over).join(SEPARATOR)]));
}
