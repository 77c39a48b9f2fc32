/**
 * Ingest benchmark: the real server (separate process, SQLite file in WAL mode by default, or
 * PostgreSQL with --database-url) under a load generator in another process, against a bare
 * node:http + JSON.parse + better-sqlite3 baseline measured in the same run on the same data.
 * Reports medians over --runs and the ratio ours / baseline.
 *
 *   npm run bench:ingest -- [--runs 3] [--batches 200] [--batch-size 500] [--concurrency 4]
 *                           [--database-url postgres://...] [--processes 2] [--compare-synchronous]
 *                           [--fill 1000000] [--schema-version 2]
 *
 * --fill N (SQLite): each run also measures the service after N replay guards of the same period and
 * contributor were bulk-inserted (what N stored events leave behind; counters grow with variety, not
 * volume), and prints throughput at the end / at the start and bytes on disk per stored event.
 *
 * --compare-synchronous (SQLite): each run also measures the server with SQLITE_SYNCHRONOUS=full,
 * so the cost of syncing every commit is a ratio from the same run.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { createSqliteDatabase } from '../../src/db/dialects/sqlite';
import { migrateToLatest } from '../../src/db/migrations';
import { BENCH_ADMIN_TOKEN, benchServerEnv, freshBenchStore } from '../support/bench-server';
import { collectOutput, freePort, peakRssMiB, spawnTypeScript, stop, waitForHttp, waitForLine } from '../support/spawned-process';
import { seededUniform } from '../support/seeded-random';
import { median } from '../support/statistics';
import { syntheticEvent } from '../support/synthetic-telemetry';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    batches: { type: 'string', default: '200' },
    'batch-size': { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '4' },
    fill: { type: 'string', default: '0' },
    'database-url': { type: 'string' },
    processes: { type: 'string', default: '1' },
    'compare-synchronous': { type: 'boolean', default: false },
    'schema-version': { type: 'string', default: '2' },
  },
});

const root = join(import.meta.dirname, '..', '..');
const loadArgs = (targets: string[], token: string, seed: number) => [
  '--targets',
  targets.join(','),
  '--token',
  token,
  '--batches',
  values.batches,
  '--batch-size',
  values['batch-size'],
  '--concurrency',
  values.concurrency,
  '--seed',
  String(seed),
  '--schema-version',
  values['schema-version'],
];

interface RunResult {
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMiB: number;
  failures: number;
  accepted: number;
  storedEvents?: number;
  bytesOnDisk?: number;
}

const fileBytes = (file: string) => (existsSync(file) ? statSync(file).size : 0);

/**
 * Bulk-inserts `count` replay guards shaped like the one a real warm-up event left (same period and
 * contributor, random hashes of the same length, a batch id per 500), spread evenly over the FILL_DAYS days before the
 * warm-up event's: what `count` events received over the last three days leave behind, all still
 * inside the default dedup window (72 h), so none would have been purged.
 */
const FILL_DAYS = 3;

function fillPeriod(file: string, count: number) {
  const db = new SqliteDatabase(file);
  try {
    db.pragma('cache_size = -65536');
    const sample = db.prepare('SELECT event_hash, period, contributor, event_day FROM replay_guards LIMIT 1').get() as
      | { event_hash: Buffer; period: string; contributor: string; event_day: number }
      | undefined;
    if (!sample) throw new Error('the warm-up event left no replay guard');
    const insert = db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO replay_guards (event_hash, period, contributor, batch_id, event_day)
       SELECT randomblob(?), ?, ?, 1 + i / 500, ? - 1 - (i % ${FILL_DAYS}) FROM n`,
    );
    const chunk = 500_000;
    for (let done = 0; done < count; done += chunk) {
      db.transaction(() =>
        insert.run(Math.min(chunk, count - done), sample.event_hash.length, sample.period, sample.contributor, sample.event_day),
      )();
    }
    // The server's background checkpointer may hold the checkpoint lock at this moment: retry until the
    // whole WAL is copied back and truncated, so every filled run starts from the same state.
    for (let attempt = 0; ; attempt += 1) {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
      if (result && result.busy === 0 && result.log === 0) break;
      if (attempt === 50) throw new Error(`the WAL could not be truncated after the fill: ${JSON.stringify(result)}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
    console.error(`after the fill: WAL ${fileBytes(`${file}-wal`)} bytes, database ${fileBytes(file)} bytes`);
  } finally {
    db.close();
  }
}

async function adminCall(base: string, path: string, method: string, body: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, any>>;
}

async function runOurs(run: number, extraEnv: Record<string, string> = {}, fill = 0): Promise<RunResult> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const processCount = Number(values.processes);
  const sqliteFile = join(folder, 'telemetry.sqlite');
  const store = await freshBenchStore(folder, values['database-url'], `bench_${process.pid}_${run}`);
  const schema = store.schema;
  const env = { ...benchServerEnv(store, folder), ...extraEnv };
  const servers: ChildProcess[] = [];
  const targets: string[] = [];
  let serverLog = '';
  for (let index = 0; index < processCount; index += 1) {
    const port = await freePort();
    const server = spawnTypeScript(join(root, 'src/node/main.ts'), [], { ...env, PORT: String(port) });
    server.stdout?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
    servers.push(server);
    targets.push(`http://127.0.0.1:${port}`);
    // Start-up under tsx can take half a minute on a loaded machine.
    await waitForHttp(`${targets[index]}/readyz`, 120_000);
  }
  try {
    const base = targets[0] as string;
    const org = await adminCall(base, '/v1/admin/orgs', 'POST', { name: 'Bench Org', sector: 'technology', sizeBand: '1000-4999', country: 'DE' });
    const instance = await adminCall(base, `/v1/admin/orgs/${org.id}/instances`, 'POST', { label: 'bench' });
    await adminCall(base, `/v1/orgs/${org.id}/consent`, 'PUT', { scope: 'research-telemetry', policyVersion: '1', grantedBy: 'bench' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (fill > 0) {
      const warmUp = { schemaVersion: 1, events: [syntheticEvent(seededUniform(run), new Date().toISOString())] };
      const response = await fetch(`${base}/v1/telemetry/batches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${instance.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(warmUp),
      });
      if (!response.ok) throw new Error(`warm-up batch: ${response.status} ${await response.text()}`);
      const filling = performance.now();
      fillPeriod(sqliteFile, fill);
      console.error(`filled ${fill} replay guards in ${((performance.now() - filling) / 1000).toFixed(1)} s`);
    }
    const output = await collectOutput(spawnTypeScript(join(import.meta.dirname, 'load-generator.ts'), loadArgs(targets, instance.token, run))).catch(
      (error: unknown) => {
        // Say whether a server died under the load, and what it logged.
        throw new Error(`${(error as Error).message}\nservers: ${servers.map((server) => `exit ${server.exitCode}`).join(', ')}\n${serverLog.slice(-3000)}`);
      },
    );
    const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
    const peak = Math.max(...servers.map((server) => peakRssMiB(server.pid)));
    await Promise.all(servers.map(stop));
    let stored: Pick<RunResult, 'storedEvents' | 'bytesOnDisk'> = {};
    if (!schema) {
      // Measured after a checkpoint: the WAL is a reused buffer of up to 10,000 pages, not stored data.
      const db = new SqliteDatabase(sqliteFile);
      db.pragma('wal_checkpoint(TRUNCATE)');
      const { n } = db.prepare('SELECT count(*) AS n FROM replay_guards').get() as { n: number };
      db.close();
      stored = { storedEvents: n, bytesOnDisk: fileBytes(sqliteFile) + fileBytes(`${sqliteFile}-wal`) };
    }
    return { ...result, ...stored, peakRssMiB: peak };
  } finally {
    await Promise.all(servers.map(stop));
    rmSync(folder, { recursive: true, force: true });
  }
}

async function runBaseline(run: number): Promise<RunResult> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
  const file = join(folder, 'baseline.sqlite');
  const database = createSqliteDatabase(file);
  await migrateToLatest(database.db);
  await database.close();
  const port = await freePort();
  const server = spawnTypeScript(join(import.meta.dirname, 'baseline-server.ts'), ['--port', String(port), '--database', file]);
  try {
    await waitForLine(server, /ready/);
    const target = `http://127.0.0.1:${port}`;
    const output = await collectOutput(spawnTypeScript(join(import.meta.dirname, 'load-generator.ts'), loadArgs([target], 'none', run)));
    const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
    return { ...result, peakRssMiB: peakRssMiB(server.pid) };
  } finally {
    await stop(server);
    rmSync(folder, { recursive: true, force: true });
  }
}

const runs = Number(values.runs);
const loadAverage = () => loadavg().map((value) => value.toFixed(1)).join(' ');
console.error(`load average at the start (1, 5, 15 min): ${loadAverage()}`);
const ours: RunResult[] = [];
const baseline: RunResult[] = [];
const compareSynchronous = values['compare-synchronous'] && !values['database-url'];
const oursFull: RunResult[] = [];
const fill = values['database-url'] ? 0 : Number(values.fill);
const oursFilled: RunResult[] = [];
for (let run = 1; run <= runs; run += 1) {
  // Alternate the order so drift on a shared machine does not favour one side.
  if (run % 2) {
    ours.push(await runOurs(run));
    baseline.push(await runBaseline(run));
  } else {
    baseline.push(await runBaseline(run));
    ours.push(await runOurs(run));
  }
  if (compareSynchronous) oursFull.push(await runOurs(run, { SQLITE_SYNCHRONOUS: 'full' }));
  if (fill > 0) oursFilled.push(await runOurs(run, {}, fill));
  console.error(
    `run ${run}/${runs}: ours ${ours.at(-1)?.eventsPerSecond.toFixed(0)} ev/s, baseline ${baseline.at(-1)?.eventsPerSecond.toFixed(0)} ev/s` +
      (compareSynchronous ? `, ours synchronous=full ${oursFull.at(-1)?.eventsPerSecond.toFixed(0)} ev/s` : '') +
      (fill > 0 ? `, ours after ${fill} stored ${oursFilled.at(-1)?.eventsPerSecond.toFixed(0)} ev/s` : ''),
  );
}

const summarize = (results: RunResult[]) => ({
  eventsPerSecond: median(results.map((r) => r.eventsPerSecond)),
  p50Ms: median(results.map((r) => r.p50Ms)),
  p99Ms: median(results.map((r) => r.p99Ms)),
  peakRssMiB: median(results.map((r) => r.peakRssMiB)),
  failures: results.reduce((sum, r) => sum + r.failures, 0),
  accepted: median(results.map((r) => r.accepted)),
});
console.log(`load average at the end (1, 5, 15 min): ${loadAverage()}`);
const oursSummary = summarize(ours);
const baselineSummary = summarize(baseline);
const store = values['database-url'] ? `PostgreSQL, ${values.processes} process(es)` : 'SQLite (WAL), 1 process';
console.log(`\nIngest benchmark: ${runs} runs x ${values.batches} batches x ${values['batch-size']} events, concurrency ${values.concurrency}; medians`);
console.log('| server | store | events/s | p50 ms | p99 ms | peak RSS MiB | failed requests | accepted events |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
const row = (name: string, storeName: string, s: ReturnType<typeof summarize>) =>
  console.log(`| ${name} | ${storeName} | ${s.eventsPerSecond.toFixed(0)} | ${s.p50Ms.toFixed(1)} | ${s.p99Ms.toFixed(1)} | ${s.peakRssMiB.toFixed(0)} | ${s.failures} | ${s.accepted} |`);
row('this service', store, oursSummary);
if (compareSynchronous) row('this service', 'SQLite (WAL), synchronous=full', summarize(oursFull));
if (fill > 0) row('this service', `SQLite (WAL), period pre-filled with ${fill} events`, summarize(oursFilled));
row('bare baseline', 'SQLite (WAL), 1 process', baselineSummary);
console.log(`\nratio ours / baseline (events/s, median): ${(oursSummary.eventsPerSecond / baselineSummary.eventsPerSecond).toFixed(2)}`);
if (compareSynchronous) {
  console.log(`ratio synchronous=full / normal (events/s, median): ${(summarize(oursFull).eventsPerSecond / oursSummary.eventsPerSecond).toFixed(2)}`);
}
if (fill > 0) {
  const bytesPerEvent = (results: RunResult[]) => median(results.map((r) => (r.bytesOnDisk ?? 0) / Math.max(1, r.storedEvents ?? 0)));
  console.log(`ratio end / start of the period (events/s, median): ${(summarize(oursFilled).eventsPerSecond / oursSummary.eventsPerSecond).toFixed(2)} (goal >= 0.8)`);
  console.log(
    `bytes on disk per stored event (database + WAL / replay guards, median): start ${bytesPerEvent(ours).toFixed(0)}, ` +
      `after the fill ${bytesPerEvent(oursFilled).toFixed(0)}`,
  );
}
