/**
 * Child process that runs what `wrangler dev --local --test-scheduled` runs (wrangler's bundler,
 * workerd, local D1), through wrangler's `unstable_startWorker` API so that file watching can be
 * turned off: the suite must test the code as it was when it started, not reload the Worker (and
 * lose its state) when a file changes mid-run. Prints `READY <url>` once it serves.
 *
 *   node --import tsx test/workers/support/dev-server.ts '<json DevServerOptions>'
 */
import { unstable_startWorker } from 'wrangler';

export interface DevServerOptions {
  /** wrangler.toml path. */
  config: string;
  /** Entry module, overriding the config's `main`. */
  entrypoint?: string;
  port: number;
  persistTo: string;
  vars: Record<string, string>;
}

const options = JSON.parse(process.argv[2] ?? '{}') as DevServerOptions;

const worker = await unstable_startWorker({
  config: options.config,
  ...(options.entrypoint ? { entrypoint: options.entrypoint } : {}),
  bindings: Object.fromEntries(Object.entries(options.vars).map(([name, value]) => [name, { type: 'plain_text', value }])),
  dev: {
    remote: false,
    server: { hostname: '127.0.0.1', port: options.port },
    inspector: false,
    persist: options.persistTo,
    testScheduled: true,
    watch: false,
    logLevel: 'info',
  },
});
await worker.ready;
console.log(`READY ${(await worker.url).href}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.dispose();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
