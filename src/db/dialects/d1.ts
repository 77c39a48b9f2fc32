/**
 * Workers-only: Cloudflare D1 through kysely-d1. kysely-d1 runs each query on its own and has no
 * transactions, so the one atomic primitive here is D1's `batch()`: D1 runs the statements of a
 * batch as one SQL transaction and rolls all of them back if any fails.
 *
 * Migrations are not run from the Worker: wrangler applies the SQL files that
 * scripts/generate-d1-migrations.ts compiles from src/db/migrations.ts and records them in its own
 * `d1_migrations` table, which is therefore what readiness checks here.
 */
import type { D1Database, D1Result } from '@cloudflare/workers-types';
import { Kysely, type QueryResult } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import type { Database } from '../database';
import { migrations } from '../migrations';
import type { DB } from '../schema';
import { createStoreHealth } from '../store-faults';

/** The file wrangler applies for a Kysely migration: `migrations/<name>.sql`. */
export function d1MigrationFileName(migrationName: string): string {
  return `${migrationName}.sql`;
}

/** The table in which `wrangler d1 migrations apply` records applied files (wrangler's default name). */
export const D1_MIGRATIONS_TABLE = 'd1_migrations';

/** Maps a D1 statement result to the shape Kysely returns for an executed query. */
function toQueryResult(result: D1Result<Record<string, unknown>>): QueryResult<Record<string, unknown>> {
  const changes = result.meta?.changes ?? 0;
  const lastRowId = result.meta?.last_row_id;
  return {
    rows: result.results ?? [],
    ...(changes > 0 ? { numAffectedRows: BigInt(changes) } : {}),
    ...(lastRowId !== undefined && lastRowId !== null && changes > 0 ? { insertId: BigInt(lastRowId) } : {}),
  };
}

export function createD1Database(binding: D1Database): Database {
  const db = new Kysely<DB>({ dialect: new D1Dialect({ database: binding }) });
  const expectedMigrationFiles = Object.keys(migrations).map(d1MigrationFileName);
  const health = createStoreHealth();
  return {
    db,
    dialect: 'd1',
    async executeAtomically(queries) {
      if (queries.length === 0) return [];
      const statements = queries.map((query) => binding.prepare(query.sql).bind(...query.parameters));
      const results = await binding.batch<Record<string, unknown>>(statements);
      health.recordSuccess();
      return results.map(toQueryResult);
    },
    health,
    async migrationsAreCurrent() {
      // Throws while the table does not exist yet, which readiness reports as "not ready".
      const applied = await binding.prepare(`SELECT name FROM ${D1_MIGRATIONS_TABLE}`).all<{ name: string }>();
      const names = new Set(applied.results.map((row) => row.name));
      return expectedMigrationFiles.every((file) => names.has(file));
    },
    close: () => db.destroy(),
  };
}
