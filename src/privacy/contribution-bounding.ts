/**
 * Contribution bounding: limiting how much any one contributor (the privacy unit, a pseudonymous
 * organization) can move the released numbers, which is what makes the noise scale sufficient.
 *
 * Per contributor: keep at most L0 cells, chosen uniformly at random among that contributor's cells
 * (a partial Fisher-Yates shuffle driven by the injected random source; keeping the first L0 in storage
 * order would let row order, i.e. data, decide what is dropped). Per kept cell: cap the event count at
 * Linf and clamp the byte total to [0, C]. The result has, for every measure, L1 sensitivity
 * L0 * bound and L2 sensitivity sqrt(L0) * bound, and distinct-contributor counts change by at most 1
 * in at most L0 cells.
 *
 * Storage holds one row per (contributor, cell); if a caller passes duplicates they are merged (summed)
 * first, so the bounds still apply per cell. Built for about a million rows: strings are interned once,
 * rows are grouped by contributor with a counting sort, and per-cell work uses typed arrays.
 */
import { RandomBitStream, toRandomBitStream } from './random-bit-stream';
import type { RandomSource } from './random-source';

/** One storage row: a contributor's counters for one cell in one period. */
export interface ContributionRow {
  /** Pseudonymous contributor id (the privacy unit). */
  readonly contributor: string;
  /** The cell key (the generalized dimension values, already encoded as one string). */
  readonly cell: string;
  /** Number of events this contributor had in this cell; a non-negative safe integer. */
  readonly count: number;
  /** Sum of event sizes in bytes for this contributor in this cell; a non-negative safe integer. */
  readonly bytes: number;
}

export interface ContributionBounds {
  /** L0: the most cells one contributor may influence. */
  readonly maxCellsPerContributor: number;
  /** Linf for event counts: each contributor's count in a cell is capped at this. */
  readonly maxCountPerCell: number;
  /** C: each contributor's byte total in a cell is clamped to [0, C]. */
  readonly maxBytesPerCell: number;
}

/** The kept (contributor, cell) pairs with their bounded values, in parallel typed arrays. */
export interface BoundedContributions {
  /** Cell keys by cell index (every cell seen in the input, kept or not). */
  readonly cellKeys: readonly string[];
  readonly contributorCount: number;
  /** Number of kept pairs; the arrays below may be longer. */
  readonly keptLength: number;
  readonly keptContributor: Int32Array;
  readonly keptCell: Int32Array;
  /** min(count, Linf). */
  readonly keptCount: Float64Array;
  /** min(max(bytes, 0), C). */
  readonly keptBytes: Float64Array;
}

/** Per-cell totals of the bounded values, indexed by cell index. */
export interface CellTotals {
  readonly cellKeys: readonly string[];
  readonly distinctContributors: Float64Array;
  readonly boundedCount: Float64Array;
  readonly boundedBytes: Float64Array;
}

export function boundContributions(
  rows: readonly ContributionRow[],
  bounds: ContributionBounds,
  random: RandomSource | RandomBitStream,
): BoundedContributions {
  const { maxCellsPerContributor, maxCountPerCell, maxBytesPerCell } = bounds;
  assertNonNegativeInteger(maxCellsPerContributor, 'maxCellsPerContributor');
  assertNonNegativeInteger(maxCountPerCell, 'maxCountPerCell');
  assertNonNegativeInteger(maxBytesPerCell, 'maxBytesPerCell');
  const bits = toRandomBitStream(random);
  const rowCount = rows.length;

  // Intern contributors and cells to dense indices.
  const contributorIndex = new Map<string, number>();
  const cellIndex = new Map<string, number>();
  const cellKeys: string[] = [];
  const rowContributor = new Int32Array(rowCount);
  const rowCell = new Int32Array(rowCount);
  for (let row = 0; row < rowCount; row++) {
    const { contributor, cell, count, bytes } = rows[row]!;
    if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(bytes) || bytes < 0) {
      throw new TypeError(`contribution row ${row}: count and bytes must be non-negative safe integers`);
    }
    let contributorId = contributorIndex.get(contributor);
    if (contributorId === undefined) {
      contributorId = contributorIndex.size;
      contributorIndex.set(contributor, contributorId);
    }
    let cellId = cellIndex.get(cell);
    if (cellId === undefined) {
      cellId = cellKeys.length;
      cellIndex.set(cell, cellId);
      cellKeys.push(cell);
    }
    rowContributor[row] = contributorId;
    rowCell[row] = cellId;
  }
  const contributorCount = contributorIndex.size;

  // Group rows by contributor (counting sort): rows of contributor c are order[groupStart[c] .. groupStart[c+1]).
  const groupStart = new Int32Array(contributorCount + 1);
  for (let row = 0; row < rowCount; row++) groupStart[rowContributor[row]! + 1]!++;
  for (let c = 0; c < contributorCount; c++) groupStart[c + 1]! += groupStart[c]!;
  const cursor = groupStart.slice(0, contributorCount);
  const order = new Int32Array(rowCount);
  for (let row = 0; row < rowCount; row++) order[cursor[rowContributor[row]!]!++] = row;

  const keptContributor = new Int32Array(rowCount);
  const keptCell = new Int32Array(rowCount);
  const keptCount = new Float64Array(rowCount);
  const keptBytes = new Float64Array(rowCount);
  let keptLength = 0;

  // Scratch space for one contributor's distinct cells; `slotOfCell[cell]` is valid while
  // `ownerOfCell[cell]` equals the current contributor, so nothing needs clearing between contributors.
  const ownerOfCell = new Int32Array(cellKeys.length).fill(-1);
  const slotOfCell = new Int32Array(cellKeys.length);
  let largestGroup = 0;
  for (let c = 0; c < contributorCount; c++) largestGroup = Math.max(largestGroup, groupStart[c + 1]! - groupStart[c]!);
  const groupCells = new Int32Array(largestGroup);
  const groupCounts = new Float64Array(largestGroup);
  const groupBytes = new Float64Array(largestGroup);

  for (let c = 0; c < contributorCount; c++) {
    let distinctCells = 0;
    for (let position = groupStart[c]!; position < groupStart[c + 1]!; position++) {
      const row = order[position]!;
      const cell = rowCell[row]!;
      const { count, bytes } = rows[row]!;
      if (ownerOfCell[cell] !== c) {
        ownerOfCell[cell] = c;
        slotOfCell[cell] = distinctCells;
        groupCells[distinctCells] = cell;
        groupCounts[distinctCells] = count;
        groupBytes[distinctCells] = bytes;
        distinctCells++;
      } else {
        const slot = slotOfCell[cell]!;
        groupCounts[slot] = groupCounts[slot]! + count;
        groupBytes[slot] = groupBytes[slot]! + bytes;
      }
    }
    // Partial Fisher-Yates: after step i, positions [0, i] hold a uniformly random ordered sample, so
    // the first L0 positions are a uniformly random L0-subset of the contributor's cells.
    const keep = Math.min(distinctCells, maxCellsPerContributor);
    if (distinctCells > maxCellsPerContributor) {
      for (let i = 0; i < keep; i++) {
        const j = i + bits.uniformBelow(distinctCells - i);
        swap(groupCells, i, j);
        swap(groupCounts, i, j);
        swap(groupBytes, i, j);
      }
    }
    for (let i = 0; i < keep; i++) {
      keptContributor[keptLength] = c;
      keptCell[keptLength] = groupCells[i]!;
      keptCount[keptLength] = Math.min(groupCounts[i]!, maxCountPerCell);
      keptBytes[keptLength] = Math.min(groupBytes[i]!, maxBytesPerCell);
      keptLength++;
    }
  }

  return { cellKeys, contributorCount, keptLength, keptContributor, keptCell, keptCount, keptBytes };
}

/** Sums the bounded contributions per cell. Sums stay exact: they are checked to stay below 2^53. */
export function totalBoundedContributionsByCell(bounded: BoundedContributions): CellTotals {
  const cellCount = bounded.cellKeys.length;
  const distinctContributors = new Float64Array(cellCount);
  const boundedCount = new Float64Array(cellCount);
  const boundedBytes = new Float64Array(cellCount);
  for (let i = 0; i < bounded.keptLength; i++) {
    const cell = bounded.keptCell[i]!;
    distinctContributors[cell]! += 1;
    boundedCount[cell]! += bounded.keptCount[i]!;
    boundedBytes[cell]! += bounded.keptBytes[i]!;
  }
  for (let cell = 0; cell < cellCount; cell++) {
    if (boundedCount[cell]! > Number.MAX_SAFE_INTEGER || boundedBytes[cell]! > Number.MAX_SAFE_INTEGER) {
      throw new RangeError('a cell total exceeds 2^53 - 1; lower the per-cell bounds');
    }
  }
  return { cellKeys: bounded.cellKeys, distinctContributors, boundedCount, boundedBytes };
}

function swap(array: Int32Array | Float64Array, i: number, j: number): void {
  const held = array[i]!;
  array[i] = array[j]!;
  array[j] = held;
}

function assertNonNegativeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative safe integer`);
}
