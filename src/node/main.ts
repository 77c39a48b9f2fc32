/** Node entry point: parse configuration, build dependencies, serve. Nothing else lives here. */
import { serve } from '@hono/node-server';
import { createApp } from '../app';
import { ConfigError, parseEnvironment } from '../config';
import { ensureBootstrapAdmin } from '../registry/registry-service';
import { createNodeDeps } from './node-deps';
import { startReleaseScheduler } from './release-scheduler';

async function main() {
  const env = parseEnvironment(process.env);
  const deps = await createNodeDeps(env);
  if (await ensureBootstrapAdmin(deps, env.BOOTSTRAP_ADMIN_TOKEN)) {
    deps.logger.info('bootstrap admin key created from BOOTSTRAP_ADMIN_TOKEN');
  }
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: env.PORT }, (info) => {
    deps.logger.info('listening', { port: info.port, database: deps.database.dialect });
  });
  const scheduler = env.RELEASE_SCHEDULER ? startReleaseScheduler(deps) : undefined;
  const shutdown = () => {
    server.close(() => {
      void Promise.resolve(scheduler?.stop())
        .then(() => deps.database.close())
        .finally(() => process.exit(0));
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  console.error(JSON.stringify({ level: 'error', message: 'start-up failed', reason: message }));
  process.exit(1);
});
