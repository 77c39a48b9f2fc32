/**
 * One HTTP contract, several targets. A contract suite is written once against `HttpTarget` and runs
 * over every target in HTTP_TARGETS, the way the storage suites loop over TEST_DIALECTS:
 *   - `sqlite` / `postgres`: the app in-process (createTestApp) over that database;
 *   - `workers`: the Worker bundled by wrangler, run by workerd over a local D1, spoken to over loopback.
 * Starting wrangler is the slow part, so the run shares one Worker (workers-global-setup.ts) that
 * suites hold one describe block at a time. Contract tests therefore register their own
 * organizations and measure storage as differences (`storageSnapshot`), never as absolute totals.
 * Set TEST_HTTP_TARGETS (comma-separated) to run a subset.
 */
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, inject } from 'vitest';
import { generateTestSecrets, startWorkersServer, type WorkersServer } from '../workers/support/wrangler';
import { remoteApp, workerProbe } from '../workers/support/workers-client';
import { ADMIN_TOKEN, createTestApp, TEST_START, type TestApp } from './test-app';
import { CONTRACT_ENVIRONMENT, type HttpTargetName } from './http-target-config';

export { CONTRACT_ENVIRONMENT, HTTP_TARGETS, type HttpTargetName } from './http-target-config';

export interface StorageSnapshot {
  counters: { events: number; bytes: number; rows: number };
  guards: number;
}

export interface HttpTarget {
  readonly name: HttpTargetName;
  /** What the shared fixtures (test/support/fixtures.ts) and requestJson accept. */
  readonly client: Pick<TestApp, 'app'>;
  /** The Origin a browser on this target sends (console forms check it). */
  readonly origin: string;
  setClock(at: Date): Promise<void>;
  /** One SQL statement with `?` placeholders, for what the API deliberately does not show. */
  sql<Row = Record<string, unknown>>(statement: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Storage totals; compare two snapshots, since other tests in the suite write too. */
  storageSnapshot(): Promise<StorageSnapshot>;
  dispose(): Promise<void>;
}

/** `?` placeholders in the dialect's spelling. */
function placeholders(statement: string, dialect: 'sqlite' | 'postgres'): string {
  if (dialect === 'sqlite') return statement;
  let index = 0;
  return statement.replace(/\?/g, () => `$${(index += 1)}`);
}

async function startInProcessTarget(dialect: 'sqlite' | 'postgres'): Promise<HttpTarget> {
  const testApp = await createTestApp({ dialect, environment: { ...CONTRACT_ENVIRONMENT } });
  const sql = async <Row>(statement: string, params: readonly unknown[] = []) =>
    (await testApp.deps.database.db.executeQuery<Row>(CompiledQuery.raw(placeholders(statement, dialect), [...params]))).rows;
  return {
    name: dialect,
    client: testApp,
    origin: 'http://localhost',
    async setClock(at) {
      testApp.clock.set(at);
    },
    sql,
    storageSnapshot: () => snapshotWith(sql),
    dispose: () => testApp.dispose(),
  };
}

/** A target over a Worker that is already running at `url`; `stop` ends what this target owns. */
async function workersTargetAt(url: string, stop: () => Promise<void>): Promise<HttpTarget> {
  const probe = workerProbe(url);
  await probe.setClock(TEST_START);
  return {
    name: 'workers',
    client: remoteApp(url),
    origin: url,
    setClock: (at) => probe.setClock(at),
    sql: (statement, params = []) => probe.sql(statement, [...params]),
    storageSnapshot: () => snapshotWith((statement) => probe.sql(statement)),
    dispose: stop,
  };
}

/** A Worker of its own, for suites that change what others rely on (the clock, released periods, migrations). */
async function startOwnWorkersTarget(): Promise<HttpTarget> {
  const server: WorkersServer = await startWorkersServer({
    entry: 'test/workers/fixtures/test-worker.ts',
    vars: { ...(await generateTestSecrets()), BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN, ...CONTRACT_ENVIRONMENT },
  });
  return workersTargetAt(server.url, () => server.stop());
}

/**
 * The run's shared contract Worker (test/support/workers-global-setup.ts), held for one describe
 * block at a time through a lock directory: mkdir is atomic across processes. A lock older than the
 * longest block is taken to be left by a crashed file and broken.
 */
async function borrowSharedWorkersTarget(url: string): Promise<HttpTarget> {
  const lock = join(tmpdir(), `contract-worker-${new URL(url).port}.lock`);
  const staleAfterMs = 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > staleAfterMs) rmdirSync(lock);
      } catch {
        // Released between the two calls: try again.
      }
      await sleep(100);
    }
  }
  return workersTargetAt(url, async () => rmdirSync(lock));
}

async function snapshotWith(sql: <Row>(statement: string) => Promise<Row[]>): Promise<StorageSnapshot> {
  const [counters] = await sql<{ events: number | string | null; bytes: number | string | null; rows: number | string }>(
    'SELECT sum(events) AS events, sum(bytes) AS bytes, count(*) AS rows FROM counters',
  );
  const [guards] = await sql<{ rows: number | string }>('SELECT count(*) AS rows FROM replay_guards');
  return {
    counters: { events: Number(counters?.events ?? 0), bytes: Number(counters?.bytes ?? 0), rows: Number(counters?.rows ?? 0) },
    guards: Number(guards?.rows ?? 0),
  };
}

/**
 * `sqlite` and `postgres` start an app in-process. `workers` borrows the run's shared Worker when the
 * global set-up started one, else (or with `ownServer`) starts a Worker of its own.
 */
export function startHttpTarget(name: HttpTargetName, options: { ownServer?: boolean } = {}): Promise<HttpTarget> {
  if (name !== 'workers') return startInProcessTarget(name);
  const sharedUrl = options.ownServer ? '' : inject('contractWorkerUrl');
  return sharedUrl ? borrowSharedWorkersTarget(sharedUrl) : startOwnWorkersTarget();
}

/**
 * Starts `name` before the enclosing describe block's tests and stops it after them; the returned
 * function gives the running target inside tests.
 */
export function useHttpTarget(name: HttpTargetName, options: { ownServer?: boolean } = {}): () => HttpTarget {
  let target: HttpTarget | undefined;
  beforeAll(async () => {
    target = await startHttpTarget(name, options);
  }, 600_000);
  afterAll(async () => {
    await target?.dispose();
  });
  return () => {
    if (!target) throw new Error(`the ${name} target did not start`);
    return target;
  };
}
