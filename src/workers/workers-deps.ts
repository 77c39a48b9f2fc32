/**
 * Builds the app's dependencies from Workers bindings: D1, Web Crypto randomness, the given clock,
 * secrets from `wrangler secret`, and the console's browser files bundled as text.
 */
import { appConfigFrom, type Environment } from '../config';
import { createD1Database } from '../db/dialects/d1';
import type { AppDeps, Clock } from '../deps';
import { createJsonLogger } from '../logging/json-logger';
import { createCryptoRandomSource } from '../privacy/random-source';
import type { WorkersEnv } from './workers-env';
import { secretsFromEnvironment } from './workers-secrets';
import { createWorkersStaticAssets } from './workers-static-assets';

export function createWorkersDeps(env: WorkersEnv, parsed: Environment, clock: Clock): AppDeps {
  return {
    config: appConfigFrom(parsed),
    database: createD1Database(env.DB),
    clock,
    random: createCryptoRandomSource(),
    secrets: secretsFromEnvironment(parsed),
    logger: createJsonLogger({ level: parsed.LOG_LEVEL, clock }),
    assets: createWorkersStaticAssets(),
  };
}
