/**
 * What every ingest benchmark gives the real server it starts: a fresh store (a SQLite file in the
 * run's folder, or a fresh schema of the given PostgreSQL database), a known admin token, and limits
 * and background work that would otherwise disturb the measurement switched off.
 */
import pg from 'pg';

export const BENCH_ADMIN_TOKEN = `tagg_adm_bench_${'x'.repeat(40)}`;

export interface BenchStore {
  databaseUrl: string;
  /** PostgreSQL only: the schema made for this run. */
  schema?: string | undefined;
}

/** A fresh SQLite file in `folder`, or, with `postgresUrl`, a new empty schema named `schemaName`. */
export async function freshBenchStore(folder: string, postgresUrl: string | undefined, schemaName: string): Promise<BenchStore> {
  if (!postgresUrl) return { databaseUrl: `file:${folder}/telemetry.sqlite` };
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE; CREATE SCHEMA ${schemaName}`);
  await client.end();
  return { databaseUrl: postgresUrl, schema: schemaName };
}

export function benchServerEnv(store: BenchStore, folder: string): Record<string, string> {
  return {
    APP_ENV: 'test',
    DATABASE_URL: store.databaseUrl,
    ...(store.schema ? { DATABASE_SCHEMA: store.schema } : {}),
    DATA_DIR: folder,
    BOOTSTRAP_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    PSEUDONYM_KEY: 'ab'.repeat(32),
    SIGNING_KEY: '',
    INGEST_RATE_PER_MINUTE: '1000000',
    API_RATE_PER_MINUTE: '1000000',
    RELEASE_SCHEDULER: 'false',
    LOG_LEVEL: 'warn',
  };
}
