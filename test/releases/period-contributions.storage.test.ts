import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COUNTER_COLUMN_VALUES } from '../../src/datasets/counter-column-vocabulary';
import { bundledDatasetSpecs } from '../../src/datasets/dataset-registry';
import { BYTE_UNITS } from '../../src/datasets/dataset-spec';
import { COUNTER_CELL_COLUMNS } from '../../src/db/schema';
import type { ContributionRow } from '../../src/privacy';
import { createDatasetCellMapper } from '../../src/releases/dataset-cells';
import { countPeriodCounters, type DatasetReader, readPeriodContributions } from '../../src/releases/period-contributions';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../support/test-database';
import { type CounterCell, type CounterInput, contributorName, insertCounters, NEXT_PERIOD, PERIOD } from './release-fixtures';

/** A small deterministic generator (xorshift), so a failure names the same rows every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** Values no vocabulary lists: storage written by another version, or by hand, may hold them. */
const UNLISTED: Partial<CounterCell>[] = [{ classification: 'not_a_class' }, { ai_platform: 'not_a_platform' }, { mfa: 2, cross_org: 7 }, { sector: '' }];

/** Contributors with random cells from the whole vocabulary, some holding unlisted values. */
function randomCounters(contributors: number, cellsEach: number, seed: number): CounterInput[] {
  const next = seeded(seed);
  const inputs: CounterInput[] = [];
  for (let index = 0; index < contributors; index += 1) {
    const seen = new Set<string>();
    for (let row = 0; row < cellsEach; row += 1) {
      const cell = Object.fromEntries(
        COUNTER_CELL_COLUMNS.map((column) => {
          const values = COUNTER_COLUMN_VALUES[column];
          return [column, values[Math.floor(next() * values.length)]!];
        }),
      ) as CounterCell;
      if (next() < 0.1) Object.assign(cell, UNLISTED[Math.floor(next() * UNLISTED.length)]);
      const key = COUNTER_CELL_COLUMNS.map((column) => cell[column]).join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      inputs.push({ contributor: contributorName(index), cell, events: 1 + Math.floor(next() * 50), bytes: Math.floor(next() * 3e9) });
    }
  }
  return inputs;
}

/** What each dataset's engine input must be, worked out row by row from the cell columns by the dataset's mapper. */
function expectedRows(inputs: readonly CounterInput[], readers: readonly DatasetReader[]): ContributionRow[][] {
  return readers.map((reader) => {
    const totals = new Map<string, { contributor: string; cell: string; count: number; bytes: number }>();
    for (const input of inputs) {
      const row = input.cell as CounterCell;
      if (!reader.mapper.matches(row)) continue;
      for (const cell of reader.mapper.cellsOf(row)) {
        const key = `${input.contributor}\u0000${cell}`;
        const total = totals.get(key) ?? { contributor: input.contributor, cell, count: 0, bytes: 0 };
        total.count += input.events!;
        total.bytes += input.bytes!;
        totals.set(key, total);
      }
    }
    return [...totals.values()].map((total) => ({ ...total, bytes: Math.round(total.bytes / reader.byteUnitBytes) }));
  });
}

const sorted = (rows: readonly ContributionRow[]) => [...rows].sort((a, b) => a.contributor.localeCompare(b.contributor) || a.cell.localeCompare(b.cell));

const newReaders = (): DatasetReader[] =>
  bundledDatasetSpecs().map((spec) => ({ mapper: createDatasetCellMapper(spec), byteUnitBytes: BYTE_UNITS[spec.byteUnit], rows: [] }));

describe.each(TEST_DIALECTS)('reading a period for release on %s', (dialect) => {
  let testDatabase: TestDatabase;
  beforeEach(async () => {
    testDatabase = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await testDatabase.dispose();
  });

  it('gives every dataset the per-(contributor, cell) totals its mapper gives the rows, unlisted values included, whatever the page size', async () => {
    const inputs = randomCounters(40, 12, 20261129);
    await insertCounters(testDatabase.database, inputs);
    // Another period's rows are never read.
    await insertCounters(testDatabase.database, randomCounters(5, 4, 7).map((input) => ({ ...input, period: NEXT_PERIOD })));
    expect(await countPeriodCounters(testDatabase.database.db, PERIOD)).toBe(inputs.length);

    for (const rowsPerPage of [1, 7, 50_000]) {
      const readers = newReaders();
      const pages: number[] = [];
      const read = await readPeriodContributions(testDatabase.database, PERIOD, readers, { rowsPerPage, onPage: (rows) => pages.push(rows) });
      expect(read).toBe(inputs.length);
      expect(pages.at(-1)).toBe(inputs.length);
      const expected = expectedRows(inputs, readers);
      readers.forEach((reader, index) => expect(sorted(reader.rows), `dataset ${index}, ${rowsPerPage} rows a page`).toEqual(sorted(expected[index]!)));
      expect(readers.some((reader) => reader.rows.length > 0)).toBe(true);
    }
  });

  it('reads an empty period as no rows', async () => {
    const readers = newReaders();
    expect(await readPeriodContributions(testDatabase.database, PERIOD, readers)).toBe(0);
    expect(readers.every((reader) => reader.rows.length === 0)).toBe(true);
  });
});
