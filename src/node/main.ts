/** Node entry point: parse configuration, build dependencies, serve. Nothing else lives here. */
import { serve } from '@hono/node-server';
import { createApp } from '../app';
import { ConfigError, parseEnvironment } from '../config';
import { classifyStoreFault, STORE_FAULT_ADVICE } from '../db/store-faults';
import { ensureBootstrapAdmin } from '../registry/registry-service';
import { createShutdown, installShutdownSignals } from './graceful-shutdown';
import { createNodeDeps } from './node-deps';
import { startReleaseScheduler } from './release-scheduler';

async function main() {
  const env = parseEnvironment(process.env);
  const deps = await createNodeDeps(env);
  if (await ensureBootstrapAdmin(deps, env.BOOTSTRAP_ADMIN_TOKEN)) {
    deps.logger.info('bootstrap admin key created from BOOTSTRAP_ADMIN_TOKEN');
  }
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    deps.logger.info('listening', { host: env.HOST, port: info.port, database: deps.database.dialect });
  });
  const scheduler = env.RELEASE_SCHEDULER ? startReleaseScheduler(deps) : undefined;
  installShutdownSignals(
    createShutdown({
      server,
      release: async () => {
        await scheduler?.stop();
        await deps.database.close();
      },
      timeoutMs: env.SHUTDOWN_TIMEOUT_SECONDS * 1000,
      logger: deps.logger,
      exit: (code) => process.exit(code),
    }),
  );
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  // Start-up writes (migrations, the privacy-configuration record), so a database that cannot be
  // reached or written stops it here; say which, and that starting again once it is fixed is enough.
  const fault = classifyStoreFault(error);
  const advice = fault && fault !== 'busy' ? { fault, advice: `${STORE_FAULT_ADVICE[fault]} Start the service again once it is fixed.` } : {};
  console.error(JSON.stringify({ level: 'error', message: 'start-up failed', reason: message, ...advice }));
  process.exit(1);
});
