/** Node-only: SQLite through better-sqlite3, in WAL mode, for the embedded single-machine deployment. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { type Database, transactionalExecutor } from '../database';
import type { DB } from '../schema';

/** Accepts a plain path, `file:path`, or `:memory:`. */
export function sqlitePathFromUrl(url: string): string {
  return url.startsWith('file:') ? url.slice('file:'.length) : url;
}

export function createSqliteDatabase(url: string): Database {
  const path = sqlitePathFromUrl(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // The default page cache (2 MiB) is far smaller than the replay-guard and counter indexes of a
  // busy period; random-key inserts then go to the OS for most pages. Sorting for GROUP BY and
  // ORDER BY happens in memory rather than in temporary files.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    dialect: 'sqlite',
    executeAtomically: transactionalExecutor(db),
    close: () => db.destroy(),
  };
}
