/** Node-only: SQLite through better-sqlite3, in WAL mode, for the embedded single-machine deployment. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { type Database, type SynchronousSqlite, transactionalExecutor } from '../database';
import type { DB } from '../schema';
import { createStoreHealth } from '../store-faults';
import { startBackgroundCheckpointer } from './sqlite-checkpointer';

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
function withStatementCache(sqlite: SqliteDatabase.Database): { close(): void; prepare(text: string): SqliteDatabase.Statement } {
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
  /** Checkpoint the WAL from a worker thread (default for files; see sqlite-checkpointer.ts). */
  backgroundCheckpoint?: boolean;
}

/** How often the background checkpointer copies committed pages back: a few ingest batches' worth (measured better than 20 ms, which synced the file 50 times a second). */
const BACKGROUND_CHECKPOINT_INTERVAL_MS = 100;

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
  // Each ingest batch dirties a page of the replay guards' key index per event (random keys). With
  // the default auto-checkpoint (1,000 pages) nearly every commit also copied the WAL back into the
  // database; at 10,000 pages (about 40 MiB of WAL) a page rewritten by several batches is copied
  // once. Measured: 1.3-3.5x more guard inserts per second (docs/benchmarks.md). With the background
  // checkpointer this is only the backstop: the worker thread keeps the WAL far below it.
  sqlite.pragma('wal_autocheckpoint = 10000');
  const checkpointer = path !== ':memory:' && options.backgroundCheckpoint !== false ? startBackgroundCheckpointer(path, BACKGROUND_CHECKPOINT_INTERVAL_MS) : undefined;
  const cached = withStatementCache(sqlite);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cached }) });
  const health = createStoreHealth();
  const synchronous: SynchronousSqlite = { prepare: (text) => cached.prepare(text) };
  return {
    db,
    dialect: 'sqlite',
    executeAtomically: transactionalExecutor(db, health),
    // Kysely's SQLite driver hands its one connection to one caller at a time; holding it keeps
    // every other query (and Kysely's own transactions, which await between statements) out of
    // this transaction. IMMEDIATE takes the write lock up front, so a second process makes this
    // one wait (busy_timeout) instead of failing when it upgrades from reading to writing.
    runSynchronousTransaction: (work) =>
      db.connection().execute(async () => {
        const result = sqlite.transaction(() => work(synchronous)).immediate();
        health.recordSuccess();
        return result;
      }),
    readRows: (query) =>
      db.connection().execute(async () => {
        // Statements are shared by text (withStatementCache): put this one back in object mode after.
        const statement = cached.prepare(query.sql).raw(true);
        try {
          return statement.all(...query.parameters) as unknown[][];
        } finally {
          statement.raw(false);
        }
      }),
    health,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
