/**
 * Migration 0005 on a database that already holds counters in the wide form (cell values as text
 * plus their joined key): every row is kept exactly, values outside the vocabulary included, reads
 * back unchanged through the `counters` view, and going down restores the wide rows and their keys.
 */
import { sql } from 'kysely';
import type { Migrator } from 'kysely/migration';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrations';
import { COUNTER_CELL_COLUMNS } from '../../src/db/schema';
import { BASE_CELL, type CounterCell } from '../releases/release-fixtures';
import { createTestDatabase, type TestDatabase, TEST_DIALECTS, testMigrator } from '../support/test-database';

interface WideRow {
  period: string;
  contributor: string;
  cell: CounterCell;
  events: number;
  bytes: number;
}

const WIDE_ROWS: WideRow[] = [
  { period: '2026-W48', contributor: 'contributor-a', cell: BASE_CELL, events: 5, bytes: 100 },
  { period: '2026-W48', contributor: 'contributor-a', cell: { ...BASE_CELL, mfa: 0, sector: 'health' }, events: 1, bytes: 9_007_199_254 },
  { period: '2026-W48', contributor: 'contributor-b', cell: { ...BASE_CELL, classification: 'not_a_class', cross_org: 7 }, events: 3, bytes: 30 },
  { period: '2026-W48', contributor: 'contributor-b', cell: { ...BASE_CELL, sector: '' }, events: 2, bytes: 20 },
  { period: '2026-W49', contributor: 'contributor-c', cell: { ...BASE_CELL, artifact_class: 'unknown', integrity_evidence: 'unknown' }, events: 8, bytes: 80 },
];

const cellKey = (cell: CounterCell) => COUNTER_CELL_COLUMNS.map((column) => cell[column]).join('|');
const asStored = (row: WideRow) => ({ period: row.period, contributor: row.contributor, ...row.cell, events: row.events, bytes: row.bytes });
const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  `${a.period}|${a.contributor}|${a.cell_key ?? cellKey(a as CounterCell)}`.localeCompare(`${b.period}|${b.contributor}|${b.cell_key ?? cellKey(b as CounterCell)}`);
const normalized = (rows: Record<string, unknown>[]) =>
  rows.map((row) => ({ ...row, events: Number(row.events), bytes: Number(row.bytes) })).sort(byKey);

describe.each(TEST_DIALECTS)('migration 0005 (coded counters) on %s', (dialect) => {
  let testDatabase: TestDatabase;
  let migrator: Migrator;
  beforeEach(async () => {
    testDatabase = await createTestDatabase(dialect);
    migrator = testMigrator(testDatabase.database.db, testDatabase.searchPath);
  });
  afterEach(() => testDatabase.dispose());

  const wideRows = async () =>
    normalized((await sql<Record<string, unknown>>`select * from counters`.execute(testDatabase.database.db)).rows);

  it('keeps every counter row exactly, down and up again', async () => {
    expect((await migrator.migrateTo('0004_replay_guard_window')).error).toBeUndefined();
    const { db } = testDatabase.database;
    const columnList = sql.raw(COUNTER_CELL_COLUMNS.join(', '));
    for (const row of WIDE_ROWS) {
      const values = sql.join(COUNTER_CELL_COLUMNS.map((column) => sql.lit(row.cell[column])));
      await sql`insert into counters (period, contributor, cell_key, ${columnList}, events, bytes)
                values (${row.period}, ${row.contributor}, ${cellKey(row.cell)}, ${values}, ${row.events}, ${row.bytes})`.execute(db);
    }
    const before = await wideRows();
    expect(before).toHaveLength(WIDE_ROWS.length);

    await migrateToLatest(db, testDatabase.searchPath);
    // Read through the view: the same rows, values and measures, without the joined key.
    const decoded = normalized(await db.selectFrom('counters').selectAll().execute());
    expect(decoded).toEqual(normalized(WIDE_ROWS.map(asStored)));
    // Stored narrow: one coded row per wide row, one id per distinct (column, value).
    const coded = await db.selectFrom('coded_counters').selectAll().execute();
    expect(coded).toHaveLength(WIDE_ROWS.length);
    expect(coded.every((row) => typeof row.sector_id === 'number' && typeof row.mfa === 'number')).toBe(true);
    const values = await db.selectFrom('counter_values').select(['column_name', 'value']).execute();
    expect(values.filter((value) => value.column_name === 'sector').map((value) => value.value).sort()).toEqual(['', 'finance', 'health']);
    expect(values.filter((value) => value.column_name === 'classification').map((value) => value.value).sort()).toEqual(['not_a_class', 'training_dataset']);

    expect((await migrator.migrateTo('0004_replay_guard_window')).error).toBeUndefined();
    expect(await wideRows()).toEqual(before);
    await migrateToLatest(db, testDatabase.searchPath);
    expect(normalized(await db.selectFrom('counters').selectAll().execute())).toEqual(decoded);
  });
});
