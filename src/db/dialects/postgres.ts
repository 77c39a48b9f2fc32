/** Node-only: PostgreSQL through node-postgres, for several stateless instances sharing one database. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type Database, transactionalExecutor } from '../database';
import type { DB } from '../schema';
import { createStoreHealth } from '../store-faults';

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /** Optional schema (used by tests to isolate suites inside one database). */
  searchPath?: string;
  /** Told about connections that broke (reset, server restart, terminated backend); default: ignored. */
  onConnectionError?: (error: Error) => void;
}

export function createPostgresDatabase(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: 5000,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
  });
  // A socket that breaks emits 'error' on its client, and an 'error' event without a listener ends
  // the process. The pool forwards errors of idle clients to itself; a client checked out for a
  // query has only its own emitter, so every client gets a listener when it connects. The query in
  // flight fails with the same error (mapped to 503 upstream) and the pool discards the client, so
  // the next query opens a fresh connection: recovery needs no restart.
  const reportConnectionError = (error: Error) => options.onConnectionError?.(error);
  pool.on('error', reportConnectionError);
  pool.on('connect', (client) => {
    client.on('error', reportConnectionError);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const health = createStoreHealth();
  return {
    db,
    dialect: 'postgres',
    ...(options.searchPath ? { schema: options.searchPath } : {}),
    executeAtomically: transactionalExecutor(db, health),
    health,
    close: () => db.destroy(),
  };
}
