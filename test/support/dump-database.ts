/** Dumps every table and view of a test database as JSON text, for searching it for values that must not be there. */
import { sql } from 'kysely';
import type { Database } from '../../src/db/database';

export async function listTables(database: Database): Promise<string[]> {
  if (database.dialect === 'postgres') {
    const result = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`.execute(database.db);
    return result.rows.map((row) => row.table_name);
  }
  const result = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name`.execute(database.db);
  return result.rows.map((row) => row.name);
}

export async function dumpTables(database: Database): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of await listTables(database)) {
    const result = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(database.db);
    dump[table] = result.rows;
  }
  return dump;
}
