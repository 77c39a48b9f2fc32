/** Node-only: PostgreSQL through node-postgres, for several stateless instances sharing one database. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type Database, transactionalExecutor } from '../database';
import type { DB } from '../schema';

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /** Optional schema (used by tests to isolate suites inside one database). */
  searchPath?: string;
}

export function createPostgresDatabase(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: 5000,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    ...(options.searchPath ? { schema: options.searchPath } : {}),
    executeAtomically: transactionalExecutor(db),
    close: () => db.destroy(),
  };
}
