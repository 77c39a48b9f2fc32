/**
 * Counter rows written straight into storage, as ingest would have left them: each text cell value
 * gets its id in `counter_values` (the one already there, or a new one), and the row goes into
 * `coded_counters` with the ids. Tests read them back as values through the `counters` view.
 */
import { type Database, toCount } from '../../src/db/database';
import { CODED_COUNTER_COLUMNS, COUNTER_CELL_COLUMNS, COUNTER_FLAG_COLUMNS, type CounterCellColumn } from '../../src/db/schema';

export interface CounterRowValues {
  period: string;
  contributor: string;
  cell: Record<CounterCellColumn, string | number>;
  events: number;
  bytes: number;
}

/** Inserts the rows in chunks that fit every dialect's parameter limit. */
export async function insertCounterRows(database: Database, rows: readonly CounterRowValues[]): Promise<void> {
  const { db } = database;
  const wanted = new Map<string, { column_name: string; value: string }>();
  for (const row of rows) {
    for (const column of COUNTER_CELL_COLUMNS) {
      if (COUNTER_FLAG_COLUMNS.has(column)) continue;
      const value = String(row.cell[column]);
      wanted.set(`${column}\u0000${value}`, { column_name: column, value });
    }
  }
  const values = [...wanted.values()];
  for (let start = 0; start < values.length; start += 400) {
    await db
      .insertInto('counter_values')
      .values(values.slice(start, start + 400))
      .onConflict((conflict) => conflict.columns(['column_name', 'value']).doNothing())
      .execute();
  }
  const ids = new Map<string, number>();
  for (const row of await db.selectFrom('counter_values').select(['id', 'column_name', 'value']).execute()) {
    ids.set(`${row.column_name}\u0000${row.value}`, Number(row.id));
  }
  const coded = rows.map((row) => {
    const cells = Object.fromEntries(
      COUNTER_CELL_COLUMNS.map((column, index) => [
        CODED_COUNTER_COLUMNS[index]!,
        COUNTER_FLAG_COLUMNS.has(column) ? Number(row.cell[column]) : ids.get(`${column}\u0000${String(row.cell[column])}`)!,
      ]),
    );
    return { ...cells, period: row.period, contributor: row.contributor, events: row.events, bytes: row.bytes };
  });
  for (let start = 0; start < coded.length; start += 400) {
    await db.insertInto('coded_counters').values(coded.slice(start, start + 400) as never).execute();
  }
}

/** Every event the counters hold, over all periods and cells (read through the `counters` view). */
export async function countedEvents(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('counters')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('events'), eb.lit(0)).as('events'))
    .executeTakeFirstOrThrow();
  return toCount(row.events);
}
