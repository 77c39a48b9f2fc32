/** Node-only: SQLite through better-sqlite3, in WAL mode, for the embedded single-machine deployment. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDialectConfig } from 'kysely';
import { type Database, transactionalExecutor } from '../database';
import type { DB } from '../schema';
import { createStoreHealth } from '../store-faults';

/** Accepts a plain path, `file:path`, or `:memory:`. */
export function sqlitePathFromUrl(url: string): string {
  return url.startsWith('file:') ? url.slice('file:'.length) : url;
}

const STATEMENT_CACHE_SIZE = 256;
const ROLLBACK = /^\s*rollback\s*;?\s*$/i;
/** What Kysely's SQLite driver calls on a statement that returns no rows. */
const NO_OP_STATEMENT = {
  reader: false,
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  all: () => [],
  iterate: () => [][Symbol.iterator](),
} as unknown as SqliteDatabase.Statement;

/**
 * Kysely prepares every query anew; the ingest statements are a few kilobytes of SQL whose text is
 * the same for every batch, so compiled statements are kept by their text (least recently used out).
 * Sharing a statement is safe because Kysely runs one query at a time on this connection, streams
 * included.
 *
 * SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR); Kysely's
 * ROLLBACK then fails with "cannot rollback - no transaction is active", and that error replaces
 * the real cause. A ROLLBACK outside a transaction is therefore a no-op here.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      if (!sqlite.inTransaction && ROLLBACK.test(text)) return NO_OP_STATEMENT;
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text);
      } else {
        statement = sqlite.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

export interface SqliteOptions {
  /** `normal` (default) or `full`: what a power failure may lose; see SQLITE_SYNCHRONOUS in src/config.ts. */
  synchronous?: 'normal' | 'full';
}

export function createSqliteDatabase(url: string, options: SqliteOptions = {}): Database {
  const path = sqlitePathFromUrl(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // The default page cache (2 MiB) is far smaller than the replay-guard and counter indexes of a
  // busy period; random-key inserts then go to the OS for most pages. Sorting for GROUP BY and
  // ORDER BY happens in memory rather than in temporary files.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const health = createStoreHealth();
  return {
    db,
    dialect: 'sqlite',
    executeAtomically: transactionalExecutor(db, health),
    health,
    close: () => db.destroy(),
  };
}
