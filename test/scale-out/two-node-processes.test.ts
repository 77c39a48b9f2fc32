/**
 * Scale-out on PostgreSQL: two real Node server processes, each with its own connection pool,
 * behind no load balancer but addressed alternately and simultaneously by several clients, the
 * way retries through a load balancer land. Every batch goes to both processes at once, batches
 * overlap their neighbours, and a retry wave re-sends a third of them. Whatever the interleaving,
 * each distinct event must be counted exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Database } from '../../src/db/database';
import { createPostgresDatabase } from '../../src/db/dialects/postgres';
import { migrations } from '../../src/db/migrations';
import { periodContaining } from '../../src/periods/period';
import { crowd, insertCounters } from '../releases/release-fixtures';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent, type ConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, requestJson, type TestApp } from '../support/test-app';
import { generateTestSecrets } from '../workers/support/wrangler';
import { remoteApp } from '../workers/support/workers-client';
import { createScratchSchema, type NodeServer, startNodeServer } from './support/node-servers';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL;
if (!POSTGRES_URL) {
  console.warn('TEST_POSTGRES_URL is not set: the two-process PostgreSQL scale-out suite is skipped.');
}

const ORGS = 4;
const EVENTS_PER_ORG = 600;
const BATCH_SIZE = 60;
/** Consecutive batches share BATCH_SIZE - BATCH_STRIDE events. */
const BATCH_STRIDE = 40;
const PROTOCOLS = ['sftp', 'ftps', 'api', 'as2'] as const;

describe.skipIf(!POSTGRES_URL)('two Node processes on one PostgreSQL', () => {
  let schema: Awaited<ReturnType<typeof createScratchSchema>>;
  let servers: NodeServer[] = [];
  let clients: TestApp[] = [];
  let query: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
  let sql: pg.Client;
  let database: Database;

  beforeAll(async () => {
    const url = POSTGRES_URL as string;
    schema = await createScratchSchema(url, 'scaleout');
    const env = {
      APP_ENV: 'test',
      ...(await generateTestSecrets()),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      DATABASE_URL: url,
      DATABASE_SCHEMA: schema.name,
      DATABASE_POOL_SIZE: '8',
      INGEST_RATE_PER_MINUTE: '100000',
      API_RATE_PER_MINUTE: '100000',
      // As in test/releases: a budget and k that let a small test population publish.
      PERIOD: 'week',
      PERIOD_BUDGET_RHO: '40',
      YEARLY_BUDGET_RHO: String(40 * 53),
      K_ANONYMITY: '3',
      // Releases only through the API here, so the test decides when they race.
      RELEASE_SCHEDULER: 'false',
      LOG_LEVEL: 'warn',
    };
    // Started together: both run the migrations at once and must agree (Kysely's migration lock).
    servers = await Promise.all([startNodeServer(env), startNodeServer(env)]);
    clients = servers.map((server) => remoteApp(server.url));
    sql = new pg.Client({ connectionString: url, options: `-c search_path=${schema.name}` });
    await sql.connect();
    query = async (text, params = []) => (await sql.query(text, params)).rows;
    database = createPostgresDatabase({ url, poolSize: 2, searchPath: schema.name });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await sql?.end();
    await database?.close();
    await schema?.drop();
  });

  it('both processes are ready and the schema was migrated once', async () => {
    for (const server of servers) {
      const ready = await fetch(`${server.url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'postgres' });
    }
    const applied = await query('SELECT name FROM kysely_migration ORDER BY name');
    expect(applied.map((row) => row.name)).toEqual(Object.keys(migrations).sort());
  });

  it('counts every distinct event exactly once under concurrent, overlapping retries across both processes', async () => {
    const [first, second] = clients as [TestApp, TestApp];
    const orgs: ConsentingOrg[] = [];
    for (let index = 0; index < ORGS; index += 1) {
      // Alternate the process that registers each org: registry writes race on the audit chain too.
      orgs.push(await registerConsentingOrg(index % 2 === 0 ? first : second, { name: `Scale-out Org ${index}` }));
    }
    // Event times must fall after the consent grant, on the servers' (system) clock.
    const occurredAt = new Date(Date.now() + 1000).toISOString();
    const eventsOf = (orgIndex: number) =>
      Array.from({ length: EVENTS_PER_ORG }, (_, index) => {
        const base = transferEvent({ eventId: testEventId(orgIndex * 100_000 + index), occurredAt });
        return {
          ...base,
          transfer: { ...(base.transfer as object), protocol: PROTOCOLS[index % PROTOCOLS.length], sizeBytes: 1000 + index },
        };
      });
    const batchesOf = (events: unknown[]) => {
      const batches: unknown[][] = [];
      for (let start = 0; start < events.length; start += BATCH_STRIDE) batches.push(events.slice(start, start + BATCH_SIZE));
      return batches;
    };

    /** Sends like an SDK would: retry 429/503 after a short pause. */
    const send = async (client: TestApp, token: string, batch: unknown[]) => {
      for (let attempt = 1; ; attempt += 1) {
        const response = await sendBatch(client, token, batch);
        if ((response.status === 503 || response.status === 429) && attempt < 10) {
          await new Promise((resolvePromise) => setTimeout(resolvePromise, 50 * attempt));
          continue;
        }
        expect(response.status, response.text).toBe(200);
        return response.json as { accepted: number; duplicates: number; rejected: unknown[] };
      }
    };

    const started = Date.now();
    const results = await Promise.all(
      orgs.map(async (org, orgIndex) => {
        const batches = batchesOf(eventsOf(orgIndex));
        const outcomes: { accepted: number; duplicates: number; rejected: unknown[] }[] = [];
        // Every batch to both processes at the same moment.
        for (const batch of batches) {
          outcomes.push(...(await Promise.all([send(first, org.ingestToken, batch), send(second, org.ingestToken, batch)])));
        }
        // A retry wave: every third batch again, to alternating processes, all at once.
        const retries = batches.filter((_, index) => index % 3 === 0);
        outcomes.push(...(await Promise.all(retries.map((batch, index) => send(index % 2 === 0 ? first : second, org.ingestToken, batch)))));
        const sentEvents = [...batches, ...batches, ...retries].reduce((sum, batch) => sum + batch.length, 0);
        return { outcomes, sentEvents };
      }),
    );
    const elapsedMs = Date.now() - started;

    const distinct = ORGS * EVENTS_PER_ORG;
    const accepted = results.flatMap((result) => result.outcomes).reduce((sum, outcome) => sum + outcome.accepted, 0);
    const duplicates = results.flatMap((result) => result.outcomes).reduce((sum, outcome) => sum + outcome.duplicates, 0);
    const sent = results.reduce((sum, result) => sum + result.sentEvents, 0);
    console.log(
      `scale-out: ${sent} events sent (${distinct} distinct) to 2 processes in ${elapsedMs} ms; accepted ${accepted}, duplicates ${duplicates}`,
    );
    expect(results.flatMap((result) => result.outcomes).every((outcome) => outcome.rejected.length === 0)).toBe(true);
    expect(accepted).toBe(distinct);
    expect(accepted + duplicates).toBe(sent);

    const [counters] = await query('SELECT sum(events)::bigint AS events, sum(bytes)::bigint AS bytes FROM counters');
    const expectedBytes = ORGS * Array.from({ length: EVENTS_PER_ORG }, (_, index) => 1000 + index).reduce((a, b) => a + b, 0);
    expect({ events: Number(counters?.events), bytes: Number(counters?.bytes) }).toEqual({ events: distinct, bytes: expectedBytes });
    const [guards] = await query('SELECT count(*)::int AS n FROM replay_guards');
    expect(guards?.n).toBe(distinct);
    const tallies = await query(
      "SELECT org_id, outcome, sum(events)::int AS n FROM ingest_tallies GROUP BY org_id, outcome ORDER BY org_id, outcome",
    );
    for (const org of orgs) {
      expect(tallies.find((row) => row.org_id === org.orgId && row.outcome === 'accepted')?.n).toBe(EVENTS_PER_ORG);
    }
    expect(tallies.filter((row) => row.outcome === 'duplicate').reduce((sum, row) => sum + Number(row.n), 0)).toBe(duplicates);
    // The audit chain stayed linear although both processes appended to it.
    const chain = await query('SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq');
    chain.slice(1).forEach((entry, index) => expect(entry.prev_hash).toBe(chain[index]?.hash));
  });
  it('concurrent release requests for one period on both processes produce exactly one release', async () => {
    const [first, second] = clients as [TestApp, TestApp];
    // A week that ended more than the 48 h grace window ago, so it is releasable now; its counters are
    // inserted as ingest would have left them (ingest no longer accepts events for it).
    const period = periodContaining(new Date(Date.now() - 14 * 86_400_000), 'week').id;
    await insertCounters(database, [
      ...crowd(20, { period, events: 12, bytes: 40_000_000 }),
      ...crowd(20, { period, cell: { protocol: 'https_web', classification: 'ai_generated_code', mfa: 0, hash_verified: 0 }, events: 3 }),
    ]);
    const release = (client: TestApp) => requestJson(client, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period } });
    const attempts = await Promise.all([first, second, first, second, first, second].map(release));
    const statuses = attempts.map((attempt) => attempt.status).sort();
    console.log(`scale-out release of ${period}: ${attempts.map((attempt) => (attempt.status === 201 ? '201' : String(attempt.json.type).split('/').pop())).join(', ')}`);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(attempts.length - 1);
    for (const refused of attempts.filter((attempt) => attempt.status === 409)) {
      expect(refused.json.type).toMatch(/(already-released|conflict)$/);
    }
    // Whoever was told "in progress" learns on retry that the period is done.
    for (const client of [first, second]) {
      expect((await release(client)).json.type).toMatch(/already-released$/);
    }

    const datasets = await requestJson(first, 'GET', '/v1/datasets');
    const datasetCount = (datasets.json.items as unknown[]).length;
    const releases = await query('SELECT dataset_id FROM releases WHERE period = $1', [period]);
    expect(releases).toHaveLength(datasetCount);
    expect(new Set(releases.map((row) => row.dataset_id)).size).toBe(datasetCount);
    const charges = await query('SELECT dataset_id FROM budget_ledger WHERE period = $1', [period]);
    expect(charges).toHaveLength(datasetCount);
    expect(await query('SELECT status FROM period_releases WHERE period = $1', [period])).toEqual([{ status: 'completed' }]);
    expect((await query('SELECT count(*)::int AS n FROM counters WHERE period = $1', [period]))[0]?.n).toBe(0);
    const created = attempts.find((attempt) => attempt.status === 201);
    expect((created?.json.releases as unknown[]).length).toBe(datasetCount);
  });
});

