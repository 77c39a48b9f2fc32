/** Builds the Node dependencies from the environment; shared by the server, scripts and benchmarks. */
import { recordPrivacyConfiguration } from '../audit/privacy-configuration';
import { type AppConfig, appConfigFrom, type Environment } from '../config';
import type { Database } from '../db/database';
import { createPostgresDatabase } from '../db/dialects/postgres';
import { createSqliteDatabase, sqlitePathFromUrl } from '../db/dialects/sqlite';
import { migrateToLatest } from '../db/migrations';
import { type AppDeps, type Clock, type Logger, systemClock } from '../deps';
import { createJsonLogger } from '../logging/json-logger';
import { createCryptoRandomSource } from '../privacy/random-source';
import { prepareSqliteFile } from './private-files';
import { loadSecrets } from './secrets-file';
import { createNodeStaticAssets } from './static-assets';

export function openDatabase(
  env: Pick<Environment, 'DATABASE_URL' | 'DATABASE_POOL_SIZE' | 'DATABASE_SCHEMA'> & Partial<Pick<Environment, 'SQLITE_SYNCHRONOUS'>>,
  logger?: Logger,
): Database {
  const url = env.DATABASE_URL;
  if (/^postgres(ql)?:\/\//.test(url)) {
    return createPostgresDatabase({
      url,
      poolSize: env.DATABASE_POOL_SIZE,
      ...(env.DATABASE_SCHEMA ? { searchPath: env.DATABASE_SCHEMA } : {}),
      // The connection is dropped and reopened on the next query; requests in flight answer 503.
      onConnectionError: (error) =>
        logger?.warn('database connection lost', { code: (error as { code?: unknown }).code as string | undefined, reason: error.message.slice(0, 200) }),
    });
  }
  prepareSqliteFile(sqlitePathFromUrl(url));
  return createSqliteDatabase(url, { synchronous: env.SQLITE_SYNCHRONOUS ?? 'normal' });
}

export interface NodeDepsOptions {
  config?: Partial<AppConfig>;
  /** Where log lines go (default stdout); command-line scripts send them to stderr so stdout stays their output. */
  logSink?: (line: string) => void;
  /** The service's clock (default the system clock); the demo runs the service on a simulated one. */
  clock?: Clock;
}

export async function createNodeDeps(env: Environment, options: NodeDepsOptions = {}): Promise<AppDeps> {
  const clock = options.clock ?? systemClock;
  const logger = createJsonLogger({ level: env.LOG_LEVEL, clock, ...(options.logSink ? { sink: options.logSink } : {}) });
  const random = createCryptoRandomSource();
  const database = openDatabase(env, logger);
  await migrateToLatest(database.db, database.schema);
  const secrets = await loadSecrets(env, random, logger);
  const config = { ...appConfigFrom(env), ...options.config };
  await recordPrivacyConfiguration({ database, clock, config });
  return { config, database, clock, random, secrets, logger, assets: createNodeStaticAssets() };
}
