/**
 * One storage suite over every dialect: SQLite always; PostgreSQL when TEST_POSTGRES_URL is set
 * (each database gets its own schema, dropped afterwards, so files can run in parallel).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Database, DialectName } from '../../src/db/database';
import { createPostgresDatabase } from '../../src/db/dialects/postgres';
import { createSqliteDatabase } from '../../src/db/dialects/sqlite';
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrateToLatest, migrations } from '../../src/db/migrations';

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL;

export const TEST_DIALECTS: readonly Exclude<DialectName, 'd1'>[] = POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];

if (!POSTGRES_URL) {
  console.warn('TEST_POSTGRES_URL is not set: PostgreSQL storage suites are skipped (SQLite only).');
}

export interface TestDatabase {
  database: Database;
  /** A connection string other processes can use to reach the same database. */
  url: string;
  searchPath?: string;
  dispose(): Promise<void>;
}

let counter = 0;

/**
 * A schema name unique to this run, file process and call. Schemas are dropped when the whole run
 * ends (test/support/postgres-global-setup.ts), never by the test that made them.
 */
export function testSchemaName(label = 'db'): string {
  counter += 1;
  return `t_${process.env.TEST_RUN_ID ?? process.pid}_${process.pid}_${counter}_${label}`;
}

export async function createTestDatabase(dialect: Exclude<DialectName, 'd1'>, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (dialect === 'postgres') {
    if (!POSTGRES_URL) throw new Error('TEST_POSTGRES_URL is not set');
    const schema = testSchemaName();
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const database = createPostgresDatabase({ url: POSTGRES_URL, poolSize: options.poolSize ?? 10, searchPath: schema });
    await migrateToLatest(database.db, schema);
    return {
      database,
      url: POSTGRES_URL,
      searchPath: schema,
      dispose: () => database.close(),
    };
  }
  counter += 1;
  const folder = mkdtempSync(join(tmpdir(), 'telemetry-test-'));
  const url = `file:${join(folder, 'test.sqlite')}`;
  const database = createSqliteDatabase(url);
  await migrateToLatest(database.db);
  return {
    database,
    url,
    dispose: async () => {
      await database.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A migrator over the service's migrations, for tests that move a database to an earlier version and back. */
export function testMigrator(db: Kysely<any>, schema: string | undefined): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
}
