/**
 * The storage handle the app receives. Kysely does the querying; `executeAtomically` is the one
 * primitive for writes that must land all-or-nothing, because D1 has no interactive transactions
 * and only offers batch(). Every multi-statement write is built as compiled queries first and then
 * handed here, so the same code is atomic on SQLite, PostgreSQL and D1.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { DB } from './schema';
import { classifyStoreFault, type StoreHealth } from './store-faults';

export type DialectName = 'sqlite' | 'postgres' | 'd1';

export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  /** PostgreSQL schema the tables live in, when not the default search path. */
  schema?: string;
  executeAtomically(queries: readonly CompiledQuery[]): Promise<QueryResult<Record<string, unknown>>[]>;
  /**
   * Embedded SQLite only: runs `work` as one synchronous transaction (BEGIN IMMEDIATE ... COMMIT,
   * rolled back if it throws) while holding the connection, so no other query interleaves. Hot
   * writes use it to run prepared statements row by row without an await per statement; without
   * it (PostgreSQL, D1) they build a set-based plan for `executeAtomically`.
   */
  runSynchronousTransaction?<T>(work: (sqlite: SynchronousSqlite) => T): Promise<T>;
  /**
   * Embedded SQLite only: runs one read query while holding the connection and returns its rows as
   * arrays of column values in select order, without an object per row. A release reads millions of
   * counter rows; without it (PostgreSQL, D1) readers go through Kysely.
   */
  readRows?(query: CompiledQuery): Promise<unknown[][]>;
  /**
   * For dialects whose migrations are applied outside the app (D1: `wrangler d1 migrations apply`
   * records them in its own table); when absent, readiness asks Kysely's Migrator.
   */
  migrationsAreCurrent?(): Promise<boolean>;
  /** Write faults seen by this process (full disk, lost connection), for /readyz. */
  health?: StoreHealth;
  close(): Promise<void>;
}

/** The part of a synchronous SQLite connection (better-sqlite3) that hot writes use; statements are cached by text. */
export interface SynchronousSqlite {
  prepare(sql: string): SynchronousStatement;
}

export interface SynchronousStatement {
  run(...parameters: unknown[]): { changes: number };
  get(...parameters: unknown[]): unknown;
}

/** Atomic execution through a Kysely transaction (SQLite via better-sqlite3, PostgreSQL). */
export function transactionalExecutor(db: Kysely<DB>, health?: StoreHealth): Database['executeAtomically'] {
  return async (queries) => {
    const results = await db.transaction().execute(async (trx) => {
      const results: QueryResult<Record<string, unknown>>[] = [];
      for (const query of queries) {
        results.push(await trx.executeQuery(query as CompiledQuery<Record<string, unknown>>));
      }
      return results;
    });
    health?.recordSuccess();
    return results;
  };
}

/**
 * Errors that mean "the store is momentarily unavailable; try again": SQLite busy/locked,
 * PostgreSQL serialization failure, deadlock, lock timeout, too many connections, pool exhaustion,
 * and a lost or refused connection (the pool reconnects on the next query).
 */
export function isTransientStoreError(error: unknown): boolean {
  const kind = classifyStoreFault(error);
  return kind === 'busy' || kind === 'unreachable';
}

/** PostgreSQL returns BIGINT columns as strings; SQLite returns numbers. */
export function toCount(value: number | string | bigint | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}
