/**
 * Serial-fraction benchmark for the scale-out model (issue 13, goal 4): one real server process
 * (bench/ingest-serial/timed-server.ts: the app with its ingest write timed) under the ingest
 * benchmark's load generator, on SQLite (default) or PostgreSQL (--database-url).
 *
 * What it measures, after the set-up requests, over the load:
 * - X1: batches per second one process serves;
 * - the write's hold time per batch: from inside its transaction to its commit;
 * - sigma = write hold time / wall time: the share of the time the write holds the database. On
 *   SQLite that resource is the single writer, shared by every process on the machine, so sigma is
 *   the serial fraction of Amdahl's law. Prediction with N processes, each with a core of its own:
 *   X(N) = N X1 / (1 + sigma (N - 1)), never above 1 / (hold time) batches per second.
 * - On PostgreSQL writes overlap, so that ratio is the writes in flight on average; the model there is
 *   capacity per core from the CPU per batch of the server and of PostgreSQL (read from /proc).
 *
 *   npm run bench:ingest-serial -- [--runs 3] [--batches 200] [--batch-size 500] [--concurrency 4]
 *                                  [--database-url postgres://...]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_ADMIN_TOKEN, benchServerEnv, freshBenchStore } from '../support/bench-server';
import { collectOutput, freePort, spawnTypeScript, stop, waitForHttp } from '../support/spawned-process';
import { median } from '../support/statistics';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    batches: { type: 'string', default: '200' },
    'batch-size': { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '4' },
    'database-url': { type: 'string' },
  },
});

const loadGenerator = join(import.meta.dirname, '..', 'ingest', 'load-generator.ts');

/** CPU milliseconds used so far by every PostgreSQL process on this machine (the server is local here). */
function postgresCpuMs(): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  return (ticks / ticksPerSecond) * 1000;
}

interface RunResult {
  batchesPerSecond: number;
  eventsPerSecond: number;
  holdMs: number;
  cpuMsPerBatch: number;
  sigma: number;
  /** PostgreSQL only: CPU of the database server per batch. */
  databaseCpuMsPerBatch: number;
  p50Ms: number;
  p99Ms: number;
}

async function call(base: string, path: string, method: string, body?: unknown): Promise<Record<string, any>> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, any>>;
}

async function run(index: number): Promise<RunResult> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-serial-'));
  const store = await freshBenchStore(folder, values['database-url'], `bench_serial_${process.pid}_${index}`);
  const schema = store.schema;
  const port = await freePort();
  const server = spawnTypeScript(join(import.meta.dirname, 'timed-server.ts'), [], { ...benchServerEnv(store, folder), PORT: String(port) });
  let serverLog = '';
  server.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/readyz`, 120_000);
    const org = await call(base, '/v1/admin/orgs', 'POST', { name: 'Bench Org', sector: 'technology', sizeBand: '1000-4999', country: 'DE' });
    const instance = await call(base, `/v1/admin/orgs/${org.id}/instances`, 'POST', { label: 'bench' });
    await call(base, `/v1/orgs/${org.id}/consent`, 'PUT', { scope: 'research-telemetry', policyVersion: '1', grantedBy: 'bench' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await call(base, '/__bench/reset', 'POST');
    const databaseCpuBefore = schema ? postgresCpuMs() : 0;
    const output = await collectOutput(
      spawnTypeScript(loadGenerator, [
        '--targets', base, '--token', instance.token, '--batches', values.batches, '--batch-size', values['batch-size'],
        '--concurrency', values.concurrency, '--seed', String(index),
      ]),
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\nserver: ${serverLog.slice(-2000)}`);
    });
    const load = JSON.parse(output.trim().split('\n').at(-1)!) as { eventsPerSecond: number; elapsedSeconds: number; p50Ms: number; p99Ms: number; failures: number };
    // Over the load alone (the generator builds its batches before it starts the clock).
    const loadMs = load.elapsedSeconds * 1000;
    const stats = await call(base, '/__bench/stats', 'GET');
    const databaseCpuMs = schema ? postgresCpuMs() - databaseCpuBefore : 0;
    if (load.failures > 0 || stats.writes === 0) throw new Error(`run ${index}: ${load.failures} failed requests, ${stats.writes} writes\n${serverLog.slice(-2000)}`);
    return {
      batchesPerSecond: (stats.requests / loadMs) * 1000,
      eventsPerSecond: load.eventsPerSecond,
      holdMs: stats.writeMs / stats.writes,
      cpuMsPerBatch: stats.cpuMs / stats.requests,
      sigma: stats.writeMs / loadMs,
      databaseCpuMsPerBatch: databaseCpuMs / stats.requests,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
    };
  } finally {
    await stop(server);
    rmSync(folder, { recursive: true, force: true });
  }
}

const results: RunResult[] = [];
for (let index = 1; index <= Number(values.runs); index += 1) {
  const result = await run(index);
  results.push(result);
  console.error(
    `run ${index}: ${result.batchesPerSecond.toFixed(1)} batches/s (${result.eventsPerSecond.toFixed(0)} events/s), write holds the database ` +
      `${result.holdMs.toFixed(1)} ms per batch, server CPU ${result.cpuMsPerBatch.toFixed(1)} ms per batch, ` +
      (values['database-url'] ? `PostgreSQL CPU ${result.databaseCpuMsPerBatch.toFixed(1)} ms per batch, writes in flight ${result.sigma.toFixed(2)}` : `sigma ${result.sigma.toFixed(3)}`),
  );
}
const medianOf = (field: keyof RunResult) => median(results.map((result) => result[field]));
const x1 = medianOf('batchesPerSecond');
const sigma = medianOf('sigma');
const holdMs = medianOf('holdMs');
const batchSize = Number(values['batch-size']);
const store = values['database-url'] ? 'PostgreSQL' : 'SQLite (WAL)';
console.log(
  JSON.stringify({
    store,
    runs: results.length,
    loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
    batchesPerSecond: Number(x1.toFixed(1)),
    eventsPerSecond: Math.round(medianOf('eventsPerSecond')),
    writeHoldMsPerBatch: Number(holdMs.toFixed(2)),
    serverCpuMsPerBatch: Number(medianOf('cpuMsPerBatch').toFixed(2)),
    ...(values['database-url'] ? { databaseCpuMsPerBatch: Number(medianOf('databaseCpuMsPerBatch').toFixed(2)), writesInFlight: Number(sigma.toFixed(2)) } : {}),
    sigma: Number(sigma.toFixed(3)),
    p50Ms: Math.round(medianOf('p50Ms')),
    p99Ms: Math.round(medianOf('p99Ms')),
  }),
);
const postgres = Boolean(values['database-url']);
const serverCpuMs = medianOf('cpuMsPerBatch');
const databaseCpuMs = medianOf('databaseCpuMsPerBatch');
if (postgres) {
  // Writes overlap on PostgreSQL, so their hold time is not a serial fraction: sum of holds / wall is
  // how many writes are in flight on average. The model is capacity per core instead.
  console.log(
    `\n${store}, ${results.length} runs, medians: X1 = ${x1.toFixed(1)} batches/s of ${batchSize} events; writes in flight on average ${sigma.toFixed(2)} ` +
      `(write ${holdMs.toFixed(1)} ms per batch, lock waits included); CPU per batch: server ${serverCpuMs.toFixed(1)} ms, PostgreSQL ${databaseCpuMs.toFixed(1)} ms`,
  );
  console.log('| server processes (a core each) | servers can take (batches/s) | PostgreSQL with as many cores (batches/s) |');
  console.log('|---:|---:|---:|');
  for (const processes of [1, 2, 4, 8, 16]) {
    console.log(`| ${processes} | ${((processes * 1000) / serverCpuMs).toFixed(1)} | ${((processes * 1000) / databaseCpuMs).toFixed(1)} |`);
  }
  console.log('Throughput is the smaller of the two columns for the cores each side has; one organization\'s batches also queue on its own tally and counter rows.');
} else {
  const ceiling = 1000 / holdMs;
  console.log(`\n${store}, ${results.length} runs, medians: X1 = ${x1.toFixed(1)} batches/s of ${batchSize} events, sigma = ${sigma.toFixed(3)}, write hold ${holdMs.toFixed(1)} ms/batch, server CPU ${serverCpuMs.toFixed(1)} ms/batch`);
  console.log('| processes | predicted batches/s | predicted events/s | speed-up |');
  console.log('|---:|---:|---:|---:|');
  for (const processes of [1, 2, 4, 8, 16]) {
    const predicted = Math.min(ceiling, (processes * x1) / (1 + sigma * (processes - 1)));
    console.log(`| ${processes} | ${predicted.toFixed(1)} | ${Math.round(predicted * batchSize)} | ${(predicted / x1).toFixed(2)} |`);
  }
  console.log(`ceiling: 1 / write hold = ${ceiling.toFixed(1)} batches/s (${Math.round(ceiling * batchSize)} events/s); Amdahl's limit 1 / sigma = ${(1 / sigma).toFixed(1)} x`);
}
