/**
 * The storage handle the app receives. Kysely does the querying; `executeAtomically` is the one
 * primitive for writes that must land all-or-nothing, because D1 has no interactive transactions
 * and only offers batch(). Every multi-statement write is built as compiled queries first and then
 * handed here, so the same code is atomic on SQLite, PostgreSQL and D1.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { DB } from './schema';

export type DialectName = 'sqlite' | 'postgres' | 'd1';

export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  /** PostgreSQL schema the tables live in, when not the default search path. */
  schema?: string;
  executeAtomically(queries: readonly CompiledQuery[]): Promise<QueryResult<Record<string, unknown>>[]>;
  /**
   * For dialects whose migrations are applied outside the app (D1: `wrangler d1 migrations apply`
   * records them in its own table); when absent, readiness asks Kysely's Migrator.
   */
  migrationsAreCurrent?(): Promise<boolean>;
  close(): Promise<void>;
}

/** Atomic execution through a Kysely transaction (SQLite via better-sqlite3, PostgreSQL). */
export function transactionalExecutor(db: Kysely<DB>): Database['executeAtomically'] {
  return (queries) =>
    db.transaction().execute(async (trx) => {
      const results: QueryResult<Record<string, unknown>>[] = [];
      for (const query of queries) {
        results.push(await trx.executeQuery(query as CompiledQuery<Record<string, unknown>>));
      }
      return results;
    });
}

/**
 * Errors that mean "the store is momentarily unavailable; try again": SQLite busy/locked,
 * PostgreSQL serialization failure, deadlock, lock timeout, too many connections, pool exhaustion.
 */
export function isTransientStoreError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    if (['40001', '40P01', '55P03', '57014', '53300', '57P03'].includes(code)) return true;
  }
  return /timeout exceeded when trying to connect|database is locked|D1_ERROR: .*(overloaded|busy)/i.test(error.message);
}

/** PostgreSQL returns BIGINT columns as strings; SQLite returns numbers. */
export function toCount(value: number | string | bigint | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}
