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
import type { CounterCellColumn } from '../db/schema';
import { COUNTER_COLUMN_VALUES, type CellValue } from './counter-column-vocabulary';
import type { ConditionSpec, DatasetSpec, DimensionSpec } from './dataset-spec';

const SEPARATOR = '\u001f';

export type CounterCells = Partial<Record<CounterCellColumn, CellValue>>;

export interface DatasetCellMapper {
  /** Columns the dimensions read. */
  readonly dimensionColumns: readonly CounterCellColumn[];
  /** Row filters (also usable as SQL conditions). */
  readonly filters: readonly ConditionSpec[];
  /** Cells are numbered 0 .. cellCount - 1 (the product of the dimensions' domain sizes). */
  readonly cellCount: number;
  /** True when the row passes the filters. */
  matches(row: CounterCells): boolean;
  /** Appends the row's cell numbers to `into` (none when a dimension drops the row). */
  cellIndexes(row: CounterCells, into: number[]): void;
  /** The key of a cell number; the same string every time, so equal cells share one string. */
  cellKey(cell: number): string;
  /** The row's cell keys (convenience over cellIndexes + cellKey). */
  cellsOf(row: CounterCells): readonly string[];
  decodeCell(cell: string): string[];
}

type ConditionTest = (row: CounterCells) => boolean;

/** The values as stored, in both spellings a driver may return (0 and '0'), so tests need no conversion. */
function bothSpellings(values: readonly CellValue[]): Set<CellValue> {
  const set = new Set<CellValue>();
  for (const value of values) {
    set.add(value);
    set.add(String(value));
    if (typeof value === 'string' && /^-?\d+$/.test(value)) set.add(Number(value));
  }
  return set;
}

function compileCondition(condition: ConditionSpec): ConditionTest {
  const column = condition.column as CounterCellColumn;
  const listed = bothSpellings(condition.in ?? condition.notIn ?? []);
  return condition.in !== undefined ? (row) => listed.has(row[column]!) : (row) => !listed.has(row[column]!);
}

function compileAll(conditions: readonly ConditionSpec[]): ConditionTest {
  const tests = conditions.map(compileCondition);
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
 * of its positions, so the per-row work is a few map lookups and multiplications: no strings are
 * built per row (the key of each cell index is built once, on first use).
 */
type Position = (row: CounterCells) => number;

function compilePosition(spec: DatasetSpec, dimension: Exclude<DimensionSpec, { kind: 'flags' }>): Position {
  const domain = dimensionDomain(spec, dimension);
  const positionOf = new Map(domain.map((value, index) => [value, index]));
  if (dimension.kind === 'column') {
    const column = dimension.column as CounterCellColumn;
    const positions = new Map<CellValue, number>();
    for (const value of COUNTER_COLUMN_VALUES[column]) {
      const position = positionOf.get(dimension.labels?.[String(value)] ?? String(value));
      if (position === undefined) continue; // excluded by a filter on the same column
      for (const spelling of bothSpellings([value])) positions.set(spelling, position);
    }
    return (row) => positions.get(row[column]!) ?? -1;
  }
  const cases = dimension.cases.map((entry) => ({ position: positionOf.get(entry.value)!, test: compileAll(entry.when) }));
  const otherwise = dimension.otherwise === null ? -1 : positionOf.get(dimension.otherwise)!;
  return (row) => {
    for (const entry of cases) if (entry.test(row)) return entry.position;
    return otherwise;
  };
}

/** A flag set: appends the positions of the set flags (or of the "none" value) to `into`. */
function compileFlagPositions(dimension: Extract<DimensionSpec, { kind: 'flags' }>): (row: CounterCells, into: number[]) => void {
  const flags = dimension.flags.map((flag, position) => ({ position, column: flag.column as CounterCellColumn }));
  const none = dimension.none === null ? -1 : flags.length;
  return (row, into) => {
    const before = into.length;
    for (const flag of flags) {
      const stored = row[flag.column];
      if (stored === 1 || stored === '1') into.push(flag.position);
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

export function createDatasetCellMapper(spec: DatasetSpec): DatasetCellMapper {
  const dimensionColumns = [...new Set(spec.dimensions.flatMap(dimensionColumnsOf))];
  const matches = compileAll(spec.filters);
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

  let cellIndexes: (row: CounterCells, into: number[]) => void;
  if (spec.dimensions.every((dimension) => dimension.kind !== 'flags')) {
    // Common case: one value per dimension, so at most one cell per row.
    const positions = spec.dimensions.map((dimension) => compilePosition(spec, dimension as Exclude<DimensionSpec, { kind: 'flags' }>));
    cellIndexes = (row, into) => {
      let cell = 0;
      for (let index = 0; index < positions.length; index += 1) {
        const position = positions[index]!(row);
        if (position < 0) return;
        cell += position * strides[index]!;
      }
      into.push(cell);
    };
  } else {
    const parts = spec.dimensions.map((dimension) => {
      if (dimension.kind === 'flags') return compileFlagPositions(dimension);
      const position = compilePosition(spec, dimension);
      return (row: CounterCells, into: number[]) => {
        const found = position(row);
        if (found >= 0) into.push(found);
      };
    });
    // Reused buffers: the cross product of the dimensions' positions, built without allocating per row.
    const positions: number[] = [];
    let cells: number[] = [];
    let next: number[] = [];
    cellIndexes = (row, into) => {
      cells.length = 0;
      cells.push(0);
      for (let index = 0; index < parts.length; index += 1) {
        positions.length = 0;
        parts[index]!(row, positions);
        if (positions.length === 0) return;
        next.length = 0;
        const stride = strides[index]!;
        for (const cell of cells) for (const position of positions) next.push(cell + position * stride);
        [cells, next] = [next, cells];
      }
      for (const cell of cells) into.push(cell);
    };
  }
  return {
    dimensionColumns,
    filters: spec.filters,
    cellCount,
    matches,
    cellIndexes,
    cellKey,
    cellsOf: (row) => {
      const cells: number[] = [];
      cellIndexes(row, cells);
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
      const keep = compileAll(spec.filters.filter((condition) => condition.column === column));
      // Several stored values may share a label (a coarser category): the domain lists it once.
      const labels = COUNTER_COLUMN_VALUES[column]
        .filter((value) => keep({ [column]: value }))
        .map((value) => dimension.labels?.[String(value)] ?? String(value));
      return [...new Set(labels)];
    }
    case 'cases':
      return [...dimension.cases.map((entry) => entry.value), ...(dimension.otherwise ? [dimension.otherwise] : [])];
    case 'flags':
      return [...dimension.flags.map((flag) => flag.value), ...(dimension.none ? [dimension.none] : [])];
  }
}
