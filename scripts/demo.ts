/**
 * The product in one command: a fresh service with a simulated research coalition behind it.
 *
 *   npm run demo                                   300 organizations, 5 periods of the configured kind
 *   npm run demo -- --orgs 100 --periods 4 --seed 7 --port 8788
 *   npm run demo -- --exit                         stop once everything is published (tests, CI)
 *
 * The service is built in this process on a fresh SQLite file (./data/demo by default) with the
 * configured privacy settings (PERIOD, budget, k: the defaults unless set in the environment) and a
 * simulated clock, and served on a real port. The coalition runs in a worker thread
 * (demo-coalition-worker.ts), so that it and the service each get a core; it moves the service's
 * clock through shared memory. Everything else happens over HTTP, as it would in
 * production: organizations and instances are registered, consents granted over time (a few revoked,
 * one erasure), traffic sent through the product SDK with identifier fields included, and each period
 * released once its grace window has passed on the simulated clock. Then the clock follows real time,
 * the URLs of the consoles and the API reference are printed, and the service runs until Ctrl-C.
 *
 * Only the API rate limit is raised (an admin registers hundreds of organizations within one
 * simulated minute); it is not a privacy setting.
 */
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import cliProgress from 'cli-progress';
import { createApp } from '../src/app';
import { parseEnvironment } from '../src/config';
import { systemClock } from '../src/deps';
import { createShutdown, installShutdownSignals } from '../src/node/graceful-shutdown';
import { createNodeDeps } from '../src/node/node-deps';
import type { CoalitionProgress, CoalitionRunSummary } from '../src/coalition-driver/coalition-runner';
import { createAdminClient } from '../src/coalition-driver/service-admin-client';
import { createCryptoRandomSource } from '../src/privacy/random-source';
import { ensureBootstrapAdmin } from '../src/registry/registry-service';
import { createSimulatedClock, createSimulatedClockBuffer } from '../src/simulation/simulated-clock';
import { recentClosedPeriods } from '../src/simulation/simulation-schedule';
import type { DemoCoalitionJob, DemoCoalitionMessage } from './demo-coalition-worker';

const usage =
  'usage: npm run demo -- [--orgs 300] [--periods 5] [--events-per-org 100] [--ticks-per-period 2] [--seed 1] [--port 8787] [--host 127.0.0.1] [--dir ./data/demo] [--exit] [--json]';

function parse() {
  try {
    return parseArgs({
      options: {
        orgs: { type: 'string', default: '300' },
        periods: { type: 'string', default: '5' },
        'events-per-org': { type: 'string', default: '100' },
        'ticks-per-period': { type: 'string', default: '2' },
        seed: { type: 'string', default: '1' },
        port: { type: 'string' },
        host: { type: 'string' },
        dir: { type: 'string', default: './data/demo' },
        exit: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

function positiveInteger(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`--${name} must be a whole number from 1 to ${max}\n${usage}`);
    process.exit(2);
  }
  return value;
}

function randomToken(prefix: string): string {
  const bytes = new Uint8Array(32);
  createCryptoRandomSource().fillRandomBytes(bytes);
  return `${prefix}${Buffer.from(bytes).toString('base64url')}`;
}

interface DatasetRows {
  datasetId: string;
  releases: number;
  published: number;
  suppressed: number;
}

/** Rows of every release, by status. Releases without a status column hold published cells only. */
async function datasetRows(baseUrl: string, releases: { id: string; datasetId: string }[]): Promise<DatasetRows[]> {
  const byDataset = new Map<string, DatasetRows>();
  for (const release of releases) {
    const body = (await (await fetch(`${baseUrl}/v1/releases/${release.id}/data.json`)).json()) as unknown;
    const rows = (Array.isArray(body) ? body : ((body as { rows?: unknown[] }).rows ?? [])) as { status?: string }[];
    const entry = byDataset.get(release.datasetId) ?? { datasetId: release.datasetId, releases: 0, published: 0, suppressed: 0 };
    entry.releases += 1;
    for (const row of rows) {
      if (row.status === undefined || row.status === 'published') entry.published += 1;
      else entry.suppressed += 1;
    }
    byDataset.set(release.datasetId, entry);
  }
  return [...byDataset.values()];
}

async function main(): Promise<void> {
  const values = parse();
  if (values.help) {
    console.log(usage);
    return;
  }
  const organizations = positiveInteger('orgs', values.orgs, 5000);
  const periodCount = positiveInteger('periods', values.periods, 24);
  const eventsPerOrg = positiveInteger('events-per-org', values['events-per-org'], 100_000);
  const ticksPerPeriod = positiveInteger('ticks-per-period', values['ticks-per-period'], 100);
  const seed = positiveInteger('seed', values.seed, 2 ** 31);

  const dir = resolve(values.dir);
  mkdirSync(dir, { recursive: true });
  const databaseFile = join(dir, 'demo.sqlite');
  // A fresh database each run; the folder's development secrets are kept.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${databaseFile}${suffix}`, { force: true });

  const env = parseEnvironment({
    LOG_LEVEL: 'error',
    ...process.env,
    DATABASE_URL: `file:${databaseFile}`,
    DATA_DIR: dir,
    ...(values.port !== undefined ? { PORT: values.port } : {}),
    ...(values.host !== undefined ? { HOST: values.host } : {}),
  });
  const interactive = process.stdout.isTTY === true && !values.json;
  const periodKind = env.PERIOD;
  const graceMs = env.GRACE_HOURS * 3_600_000;
  const periods = recentClosedPeriods(systemClock.now(), periodKind, periodCount, graceMs);
  const clockBuffer = createSimulatedClockBuffer(periods[0]!.start);
  const clock = createSimulatedClock(clockBuffer, systemClock);

  // The simulated instances send a tick's events when the tick ends, dated across the tick: the dedup
  // window must reach back over a whole tick, or its early events would be refused as too old.
  const longestTickMs = Math.max(...periods.map((period) => (period.end.getTime() - period.start.getTime()) / ticksPerPeriod));
  const dedupWindowMs = Math.max(env.DEDUP_WINDOW_HOURS * 3_600_000, Math.ceil(longestTickMs / 3_600_000 + 1) * 3_600_000);
  const deps = await createNodeDeps(env, {
    clock,
    logSink: (line) => console.error(line),
    config: { apiRatePerMinute: 1_000_000, dedupWindowMs },
  });
  const adminToken = randomToken('tagg_adm_demo_');
  await ensureBootstrapAdmin(deps, adminToken);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('listening', () => resolvePromise());
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${env.PORT} is in use: stop what runs there, or pass --port <another>`) : error),
    );
  });
  const shutdown = createShutdown({
    server,
    release: () => deps.database.close(),
    timeoutMs: env.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    logger: deps.logger,
    exit: (code) => process.exit(code),
  });
  installShutdownSignals(shutdown);
  const address = server.address() as AddressInfo;
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  const baseUrl = `http://${host}:${address.port}`;

  const admin = createAdminClient({ baseUrl, token: adminToken });

  console.log(
    `Simulating ${organizations} organizations over ${periodCount} ${periodKind} periods (${periods[0]!.id} to ${periods.at(-1)!.id}) ` +
      `on ${baseUrl}, database ${databaseFile}`,
  );
  const bar = interactive
    ? new cliProgress.SingleBar(
        { format: '{phase} {period} [{bar}] {percentage}% | {value}/{total} events | {released} periods released', hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let lastPhase = '';
  const onProgress = (progress: CoalitionProgress) => {
    const payload = { phase: progress.phase.padEnd(11), period: progress.period, released: progress.periodsReleased };
    if (bar) {
      if (lastPhase === '') bar.start(Math.max(1, progress.eventsPlanned), 0, payload);
      bar.setTotal(Math.max(1, progress.eventsPlanned));
      bar.update(progress.eventsSent, payload);
      if (progress.phase === 'done') bar.stop();
    } else if (progress.phase !== lastPhase && progress.phase !== 'sending') {
      console.log(`  ${progress.phase} ${progress.period} (${progress.eventsSent}/${progress.eventsPlanned} events sent)`);
    }
    lastPhase = progress.phase;
  };

  const job: DemoCoalitionJob = {
    baseUrl,
    adminToken,
    clockBuffer,
    periods,
    ticksPerPeriod,
    graceMs,
    organizations,
    eventsPerOrganizationPerPeriod: eventsPerOrg,
    seed,
  };
  const summary = await new Promise<CoalitionRunSummary>((resolvePromise, reject) => {
    const worker = new Worker(new URL('./demo-coalition-worker.ts', import.meta.url), { workerData: job });
    worker.on('message', (message: DemoCoalitionMessage) => {
      if (message.type === 'progress') onProgress(message.progress);
      else resolvePromise(message.summary);
    });
    worker.once('error', (error) => {
      bar?.stop();
      reject(error);
    });
    worker.once('exit', (code) => reject(new Error(`the coalition stopped (worker exit ${code})`)));
  });
  clock.followRealTime();
  const signInKey = await admin.createApiKey('privacy_officer', 'demo privacy officer');
  const rows = await datasetRows(
    baseUrl,
    summary.releases.flatMap((result) => result.releases),
  );
  const readyInSeconds = performance.now() / 1000;

  if (values.json) {
    console.log(JSON.stringify({ baseUrl, adminToken, signInKey, readyInSeconds, summary, datasets: rows }, null, 2));
  } else {
    const { events } = summary;
    const rejected = Object.entries(events.rejected).map(([reason, count]) => `${reason} ${count}`).join(', ') || 'none';
    const dropped = Object.values(summary.droppedFields).reduce((sum, count) => sum + count, 0);
    console.log('');
    console.log(`Coalition: ${summary.organizations} organizations, ${summary.consenting} consented over time, ${summary.revoked} revoked, ${summary.erasures} erasure`);
    console.log(`Telemetry: ${events.sent} events sent through the SDK, ${events.accepted} accepted, rejected: ${rejected}; ${dropped} identifier fields dropped on receipt`);
    console.log(`Released:  ${summary.releases.map((result) => result.period).join(', ')}`);
    for (const dataset of rows) {
      console.log(`  ${dataset.datasetId.padEnd(34)} ${dataset.releases} releases, ${dataset.published} rows published, ${dataset.suppressed} suppressed`);
    }
    console.log('');
    console.log(`Ready in ${readyInSeconds.toFixed(1)} s. Open:`);
    console.log(`  Datasets console  ${baseUrl}/console/datasets`);
    console.log(`  Privacy console   ${baseUrl}/console/sign-in?next=/console/privacy   sign in with ${signInKey}`);
    console.log(`  API reference     ${baseUrl}/docs`);
    console.log(`  Admin API key     ${adminToken}`);
  }
  if (values.exit) {
    shutdown('--exit');
    return;
  }
  (values.json ? console.error : console.log)('Serving until Ctrl-C (the clock now follows real time).');
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
