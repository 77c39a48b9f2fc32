/**
 * A PostgreSQL blip must not take the service down. A real server process reaches PostgreSQL
 * through a TCP proxy the test controls; four SDK clients ingest while the proxy cuts every
 * connection and refuses new ones three times for 1–3 s, and then while the test terminates the
 * server's backends from PostgreSQL's side (what a restart or failover does to a connection). The
 * server must stay up, answer only 200 or 503 (with Retry-After), report not ready during an outage
 * and ready after it, and count every distinct event exactly once once the clients' retries are in.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelemetryClient } from '../../src/sdk/telemetry-client';
import { registerConsentingOrg, testEventId, transferEvent, type ConsentingOrg } from '../support/fixtures';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { ADMIN_TOKEN } from '../support/test-app';
import { remoteApp } from '../workers/support/workers-client';
import { generateTestSecrets } from '../workers/support/wrangler';
import { createScratchSchema, type NodeServer, startNodeServer } from '../scale-out/support/node-servers';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL;
if (!POSTGRES_URL) console.warn('TEST_POSTGRES_URL is not set: the PostgreSQL outage suite is skipped.');

const CLIENTS = 4;
const BATCH_SIZE = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Observed {
  statuses: Map<number, number>;
  missingRetryAfter: number;
  networkErrors: number;
}

describe.skipIf(!POSTGRES_URL)('PostgreSQL outages while clients ingest', () => {
  let proxy: TcpProxy;
  let server: NodeServer;
  let orgs: ConsentingOrg[] = [];
  let sql: pg.Client;
  const applicationName = `outage_${process.pid}`;
  let nextEvent = 0;

  beforeAll(async () => {
    const url = new URL(POSTGRES_URL as string);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const schema = await createScratchSchema(url.toString(), 'outage');
    const proxied = new URL(url.toString());
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    proxied.searchParams.set('application_name', applicationName);
    server = await startNodeServer({
      APP_ENV: 'test',
      ...(await generateTestSecrets()),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      DATABASE_URL: proxied.toString(),
      DATABASE_SCHEMA: schema.name,
      DATABASE_POOL_SIZE: '6',
      INGEST_RATE_PER_MINUTE: '100000',
      API_RATE_PER_MINUTE: '100000',
      RELEASE_SCHEDULER: 'false',
      LOG_LEVEL: 'warn',
    });
    const app = remoteApp(server.url);
    for (let index = 0; index < CLIENTS; index += 1) orgs.push(await registerConsentingOrg(app, { name: `Outage Org ${index}` }));
    sql = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema.name}` });
    await sql.connect();
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    await sql?.end();
  });

  /** Four SDK clients send fresh batches (and re-send every fifth) until `stop` resolves. */
  async function ingestUntil(stop: Promise<void>, observed: Observed) {
    let stopped = false;
    void stop.then(() => {
      stopped = true;
    });
    const occurredAt = new Date(Date.now() + 1000).toISOString();
    const recordingFetch: typeof fetch = async (input, init) => {
      try {
        const response = await fetch(input, init);
        observed.statuses.set(response.status, (observed.statuses.get(response.status) ?? 0) + 1);
        if (response.status === 503 && !response.headers.get('retry-after')) observed.missingRetryAfter += 1;
        return response;
      } catch (error) {
        observed.networkErrors += 1;
        throw error;
      }
    };
    const perClient = await Promise.all(
      orgs.map(async (org) => {
        const client = createTelemetryClient({
          baseUrl: server.url,
          token: org.ingestToken,
          gzip: false,
          maxAttempts: 40,
          baseDelayMs: 100,
          maxDelayMs: 1000,
          flushIntervalMs: 0,
          fetch: recordingFetch,
          // The fixtures build contract version 1 events; the SDK sends version 2 unless told.
          schemaVersion: 1,
        });
        const eventIds = new Set<string>();
        let accepted = 0;
        let duplicates = 0;
        let sent = 0;
        for (let batchIndex = 0; !stopped || batchIndex < 3; batchIndex += 1) {
          const batch = Array.from({ length: BATCH_SIZE }, () => {
            nextEvent += 1;
            return transferEvent({ eventId: testEventId(5_000_000 + nextEvent), occurredAt });
          });
          for (const event of batch) eventIds.add(event.eventId as string);
          const outcome = await client.send(batch);
          accepted += outcome.accepted;
          duplicates += outcome.duplicates;
          sent += batch.length;
          if (batchIndex % 5 === 0) {
            const again = await client.send(batch);
            accepted += again.accepted;
            duplicates += again.duplicates;
            sent += batch.length;
          }
          await sleep(50);
        }
        return { eventIds, accepted, duplicates, sent };
      }),
    );
    return perClient;
  }

  /**
   * Each sent event was answered accepted or duplicate. A batch whose commit reached PostgreSQL just
   * before the connection broke is answered 503 and then, on retry, duplicate: so the clients'
   * `accepted` may fall short of the distinct events, and the database is the count that matters.
   */
  function expectEveryEventAnswered(results: { accepted: number; duplicates: number; sent: number }[]) {
    for (const result of results) expect(result.accepted + result.duplicates).toBe(result.sent);
  }

  async function readiness(): Promise<{ status: number; reason?: unknown; retryAfter: string | null }> {
    const response = await fetch(`${server.url}/readyz`);
    const body = (await response.json()) as { reason?: unknown };
    return { status: response.status, reason: body.reason, retryAfter: response.headers.get('retry-after') };
  }

  async function countsInDatabase() {
    const [counters] = (await sql.query('SELECT coalesce(sum(events), 0)::bigint AS events FROM counters')).rows;
    const [guards] = (await sql.query('SELECT count(*)::int AS n FROM replay_guards')).rows;
    return { events: Number(counters?.events), guards: Number(guards?.n) };
  }

  it('survives three network outages: 503 during each, readyz not ready, then ready, every event counted once', async () => {
    const before = await countsInDatabase();
    const observed: Observed = { statuses: new Map(), missingRetryAfter: 0, networkErrors: 0 };
    const duringOutage: Awaited<ReturnType<typeof readiness>>[] = [];
    const healthDuringOutage: number[] = [];
    const afterOutage: number[] = [];
    let finishOutages!: () => void;
    const outagesDone = new Promise<void>((resolve) => {
      finishOutages = resolve;
    });
    const outages = (async () => {
      for (const durationMs of [1000, 2000, 3000]) {
        await sleep(1200);
        proxy.cut();
        await sleep(Math.min(500, durationMs / 2));
        duringOutage.push(await readiness());
        healthDuringOutage.push((await fetch(`${server.url}/healthz`)).status);
        await sleep(durationMs - Math.min(500, durationMs / 2));
        proxy.restore();
        // Ready again without a restart, within a few seconds.
        const deadline = Date.now() + 10_000;
        let ready = await readiness();
        while (ready.status !== 200 && Date.now() < deadline) {
          await sleep(200);
          ready = await readiness();
        }
        afterOutage.push(ready.status);
      }
      await sleep(800);
      finishOutages();
    })();
    const results = await ingestUntil(outagesDone, observed);
    await outages;

    const distinct = results.reduce((sum, result) => sum + result.eventIds.size, 0);
    const accepted = results.reduce((sum, result) => sum + result.accepted, 0);
    const statuses = Object.fromEntries(observed.statuses);
    console.log(`postgres outages: ${distinct} distinct events, statuses ${JSON.stringify(statuses)}, readyz during outages ${JSON.stringify(duringOutage)}`);

    expect(server.exitCode()).toBeNull();
    expect(server.output()).not.toMatch(/Unhandled 'error' event|ECONNRESET\n\s+at /);
    expect([...observed.statuses.keys()].every((status) => status === 200 || status === 503)).toBe(true);
    expect(observed.statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(observed.missingRetryAfter).toBe(0);
    expect(observed.networkErrors).toBe(0);
    expect(duringOutage.map((answer) => [answer.status, answer.reason])).toEqual([
      [503, 'unreachable'],
      [503, 'unreachable'],
      [503, 'unreachable'],
    ]);
    expect(duringOutage.every((answer) => answer.retryAfter !== null)).toBe(true);
    expect(healthDuringOutage).toEqual([200, 200, 200]);
    expect(afterOutage).toEqual([200, 200, 200]);
    // The database holds each distinct event once, and the clients' answers add up to it.
    const after = await countsInDatabase();
    console.log(`accepted ${accepted}, database ${JSON.stringify({ events: after.events - before.events, guards: after.guards - before.guards })}`);
    expect({ events: after.events - before.events, guards: after.guards - before.guards }).toEqual({ events: distinct, guards: distinct });
    expectEveryEventAnswered(results);
  }, 120_000);

  it('survives its backends being terminated from PostgreSQL three times, every event counted once', async () => {
    const before = await countsInDatabase();
    const observed: Observed = { statuses: new Map(), missingRetryAfter: 0, networkErrors: 0 };
    const terminated: number[] = [];
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const terminations = (async () => {
      for (let round = 0; round < 3; round += 1) {
        await sleep(1000);
        // After a termination the clients wait out Retry-After, and the pool connects again only when they
        // send: wait (up to 10 s) until the server holds a connection again, then end it.
        let ended = 0;
        for (let attempt = 0; attempt < 100 && ended === 0; attempt += 1) {
          if (attempt > 0) await sleep(100);
          const result = await sql.query(
            'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
            [applicationName],
          );
          ended = result.rowCount ?? 0;
        }
        terminated.push(ended);
      }
      await sleep(1000);
      finish();
    })();
    const results = await ingestUntil(done, observed);
    await terminations;

    const distinct = results.reduce((sum, result) => sum + result.eventIds.size, 0);
    const accepted = results.reduce((sum, result) => sum + result.accepted, 0);
    console.log(`postgres backends terminated ${JSON.stringify(terminated)}: ${distinct} distinct events, ${accepted} answered accepted, statuses ${JSON.stringify(Object.fromEntries(observed.statuses))}`);
    expect(terminated.every((count) => count > 0)).toBe(true);
    expect(server.exitCode()).toBeNull();
    expect([...observed.statuses.keys()].every((status) => status === 200 || status === 503)).toBe(true);
    expect(observed.missingRetryAfter).toBe(0);
    expect(observed.networkErrors).toBe(0);
    expect((await readiness()).status).toBe(200);
    expectEveryEventAnswered(results);
    const after = await countsInDatabase();
    expect({ events: after.events - before.events, guards: after.guards - before.guards }).toEqual({ events: distinct, guards: distinct });
  }, 120_000);
});
