/**
 * The HTTP contract on Cloudflare Workers + D1, for real: wrangler bundles the Worker, workerd runs
 * it, D1 (local, in a fresh state directory) stores it, and the tests speak HTTP over loopback.
 * The expectations are the Node + SQLite ones (test/http); where they differ, that is a bug.
 * One wrangler instance serves the whole file (start-up is the slow part); tests use their own orgs.
 */
import { createHash, createPublicKey, type JsonWebKey as NodeJsonWebKey, verify as verifySignature } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent } from '../support/fixtures';
import { ADMIN_TOKEN, bearer, requestJson, TEST_START, type TestApp } from '../support/test-app';
import { generateTestSecrets, startWorkersServer, type WorkersServer } from './support/wrangler';
import { remoteApp, type WorkerProbe, workerProbe } from './support/workers-client';

let server: WorkersServer;
let worker: TestApp;
let probe: WorkerProbe;

beforeAll(async () => {
  server = await startWorkersServer({
    entry: 'test/workers/fixtures/test-worker.ts',
    vars: {
      ...(await generateTestSecrets()),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      APP_ENV: 'test',
      // As in test/releases: a budget and k that let a few dozen test organizations publish.
      PERIOD: 'week',
      PERIOD_BUDGET_RHO: '40',
      YEARLY_BUDGET_RHO: String(40 * 53),
      K_ANONYMITY: '3',
    },
  });
  worker = remoteApp(server.url);
  probe = workerProbe(server.url);
  await probe.setClock(TEST_START);
}, 150_000);

afterAll(async () => {
  await server?.stop();
});

const expectProblem = (response: { status: number; headers: Headers; json: { type?: string } }, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(response.json.type).toMatch(new RegExp(`${code}$`));
};

/** Storage totals for one organization's contributions (the HTTP API deliberately has no such view). */
async function storageSnapshot() {
  const [counters] = await probe.sql<{ events: number | null; bytes: number | null; rows: number }>(
    'SELECT sum(events) AS events, sum(bytes) AS bytes, count(*) AS rows FROM counters',
  );
  const [guards] = await probe.sql<{ rows: number }>('SELECT count(*) AS rows FROM replay_guards');
  const tallies = await probe.sql<{ org_id: string; period: string; outcome: string; events: number }>(
    'SELECT org_id, period, outcome, events FROM ingest_tallies ORDER BY org_id, period, outcome',
  );
  return { counters: { events: counters?.events ?? 0, bytes: counters?.bytes ?? 0, rows: counters?.rows ?? 0 }, guards: guards?.rows ?? 0, tallies };
}

describe('system routes on Workers + D1', () => {
  it('answers healthz, and readyz reports D1 with its migrations applied', async () => {
    expect((await requestJson(worker, 'GET', '/healthz')).json).toEqual({ status: 'ok' });
    const ready = await requestJson(worker, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready', database: 'd1' });
    const migrations = await probe.sql<{ name: string }>('SELECT name FROM d1_migrations');
    expect(migrations.map((row) => row.name)).toContain('0001_initial_schema.sql');
  });

  it('readyz reports not ready (503) while a D1 migration is not applied', async () => {
    const [applied] = await probe.sql<{ id: number; name: string; applied_at: string }>(
      "SELECT id, name, applied_at FROM d1_migrations WHERE name = '0001_initial_schema.sql'",
    );
    expect(applied).toBeDefined();
    await probe.sql('DELETE FROM d1_migrations WHERE id = ?', [applied?.id]);
    try {
      const notReady = await requestJson(worker, 'GET', '/readyz');
      expectProblem(notReady, 503, 'not-ready');
      expect(notReady.headers.get('retry-after')).toBe('5');
    } finally {
      await probe.sql('INSERT INTO d1_migrations (id, name, applied_at) VALUES (?, ?, ?)', [applied?.id, applied?.name, applied?.applied_at]);
    }
    expect((await requestJson(worker, 'GET', '/readyz')).status).toBe(200);
  });

  it('serves the OpenAPI document and its documentation page', async () => {
    const openapi = await requestJson(worker, 'GET', '/openapi.json');
    expect(openapi.status).toBe(200);
    expect(Object.keys(openapi.json.paths)).toEqual(expect.arrayContaining(['/v1/telemetry/batches', '/v1/orgs/{orgId}/consent']));
    const docs = await worker.app.request('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('renders unknown routes and bad credentials as problem+json', async () => {
    expectProblem(await requestJson(worker, 'GET', '/no/such/route'), 404, 'not-found');
    expectProblem(await requestJson(worker, 'GET', '/v1/admin/orgs'), 401, 'unauthenticated');
    expectProblem(await requestJson(worker, 'GET', '/v1/admin/orgs', { token: 'tagg_adm_not-a-real-token' }), 401, 'unauthenticated');
  });
});

describe('admin and consent on Workers + D1', () => {
  it('creates organizations, instances and API keys with the bootstrap admin key, and audits them', async () => {
    const org = await registerConsentingOrg(worker, { name: 'Workers Admin Org', consent: false });
    const listed = await requestJson(worker, 'GET', '/v1/admin/orgs', { token: ADMIN_TOKEN });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.json)).toContain(org.orgId);
    const key = await requestJson(worker, 'POST', '/v1/admin/keys', {
      token: ADMIN_TOKEN,
      body: { role: 'privacy_officer', label: 'dpo' },
    });
    expect(key.status).toBe(201);
    expect(key.json.token).toMatch(/^tagg_dpo_/);
    // The hash chain holds on D1 too: every entry links to the previous one.
    const chain = await probe.sql<{ seq: number; prev_hash: string; hash: string }>('SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq');
    expect(chain.length).toBeGreaterThanOrEqual(4);
    chain.slice(1).forEach((entry, index) => expect(entry.prev_hash).toBe(chain[index]?.hash));
    // As on Node start-up, the isolate recorded the privacy configuration in the audit log.
    expect((await probe.sql<{ action: string }>('SELECT action FROM audit_log')).map((row) => row.action)).toContain('budget.configured');
    const verification = await requestJson(worker, 'GET', '/v1/audit/verify', { token: ADMIN_TOKEN });
    expect(verification.status).toBe(200);
    expect(verification.json.valid).toBe(true);
  });

  it('gates ingest on consent: refused without it, accepted with it, refused at once after revocation', async () => {
    const org = await registerConsentingOrg(worker, { name: 'Workers Consent Org', consent: false });
    const before = await storageSnapshot();
    expectProblem(await sendBatch(worker, org.ingestToken, [transferEvent()]), 403, 'consent-required');
    expect((await storageSnapshot()).counters).toEqual(before.counters);

    const grant = await requestJson(worker, 'PUT', `/v1/orgs/${org.orgId}/consent`, {
      token: ADMIN_TOKEN,
      body: { scope: 'research-telemetry', policyVersion: '2026-01', grantedBy: 'Jane Roe, CISO' },
    });
    expect(grant.status).toBe(201);
    expect((await sendBatch(worker, org.ingestToken, [transferEvent()])).json).toMatchObject({ accepted: 1 });

    const beforeRevocation = await storageSnapshot();
    const revoke = await requestJson(worker, 'DELETE', `/v1/orgs/${org.orgId}/consent`, {
      token: ADMIN_TOKEN,
      body: { reason: 'customer withdrew' },
    });
    expect(revoke.status).toBe(200);
    // Revocation erases the organization's unreleased contributions (its one counter row and one replay guard).
    expect(revoke.json.erasure).toMatchObject({ orgId: org.orgId, periods: ['2026-W48'], rowsRemoved: 2 });
    const afterRevocation = await storageSnapshot();
    expect(beforeRevocation.counters.events - afterRevocation.counters.events).toBe(1);
    expect(beforeRevocation.counters.rows - afterRevocation.counters.rows).toBe(1);
    expect(beforeRevocation.guards - afterRevocation.guards).toBe(1);
    expectProblem(await sendBatch(worker, org.ingestToken, [transferEvent()]), 403, 'consent-required');
    const history = await requestJson(worker, 'GET', `/v1/orgs/${org.orgId}/consent`, { token: ADMIN_TOKEN });
    expect(history.status).toBe(200);
  });
});

describe('ingest on Workers + D1', () => {
  it('accepts a batch, counts each event once and reports dropped identifier fields', async () => {
    const org = await registerConsentingOrg(worker, { name: 'Workers Ingest Org' });
    const before = await storageSnapshot();
    const events = [transferEvent({ eventId: testEventId(1) }), transferEvent({ eventId: testEventId(2) })];
    const response = await sendBatch(worker, org.ingestToken, events);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [],
      droppedFields: {
        'transfer.fileName': 2,
        'transfer.fileSha256': 2,
        'transfer.partnerDomain': 2,
        'actor.userId': 2,
        'actor.email': 2,
        'actor.ip': 2,
        'actor.userAgent': 2,
        'actor.hostname': 2,
      },
    });
    const after = await storageSnapshot();
    expect(after.counters.events - before.counters.events).toBe(2);
    expect(after.counters.bytes - before.counters.bytes).toBe(10_000_000);
    expect(after.counters.rows - before.counters.rows).toBe(1);
    expect(after.guards - before.guards).toBe(2);
  });

  it('re-sending the same batch counts nothing twice, also when sent concurrently', async () => {
    const org = await registerConsentingOrg(worker, { name: 'Workers Dedup Org' });
    const before = await storageSnapshot();
    const events = [transferEvent({ eventId: testEventId(1) }), transferEvent({ eventId: testEventId(2) })];
    await sendBatch(worker, org.ingestToken, events);
    const retry = await sendBatch(worker, org.ingestToken, events);
    expect(retry.json).toMatchObject({ accepted: 0, duplicates: 2 });
    const withDuplicateInside = await sendBatch(worker, org.ingestToken, [
      transferEvent({ eventId: testEventId(3) }),
      transferEvent({ eventId: testEventId(3) }),
    ]);
    expect(withDuplicateInside.json).toMatchObject({ accepted: 1, duplicates: 1 });

    const overlapping = Array.from({ length: 20 }, (_, index) => transferEvent({ eventId: testEventId(100 + index) }));
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => sendBatch(worker, org.ingestToken, overlapping)));
    expect(concurrent.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(concurrent.reduce((sum, response) => sum + response.json.accepted, 0)).toBe(20);
    expect((await storageSnapshot()).counters.events - before.counters.events).toBe(3 + 20);
  });

  it('accepts gzip and deflate bodies', async () => {
    const org = await registerConsentingOrg(worker, { name: 'Workers Encoding Org' });
    for (const [encoding, compress] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ] as const) {
      const body = compress(Buffer.from(JSON.stringify({ schemaVersion: 1, events: [transferEvent()] })));
      const response = await worker.app.request('/v1/telemetry/batches', {
        method: 'POST',
        headers: { ...bearer(org.ingestToken), 'content-type': 'application/json', 'content-encoding': encoding },
        body,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ accepted: 1 });
    }
  });

  it('rejects bad events one by one without rejecting the batch', async () => {
    const org = await registerConsentingOrg(worker, { name: 'Workers Rejection Org' });
    const response = await sendBatch(worker, org.ingestToken, [
      transferEvent({ eventId: testEventId(10) }),
      transferEvent({ eventId: 'not-a-uuid' }),
      transferEvent({ eventId: testEventId(11), occurredAt: '2026-11-26T12:10:00Z' }),
      transferEvent({ eventId: testEventId(12), occurredAt: '2026-11-01T12:00:00Z' }),
      transferEvent({ eventId: testEventId(13), occurredAt: '2026-11-26T11:00:00Z' }),
    ]);
    expect(response.status).toBe(200);
    expect(response.json.accepted).toBe(1);
    expect(response.json.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [1, 'invalid_event'],
      [2, 'in_future'],
      [3, 'too_old'],
      [4, 'consent_not_active'],
    ]);
  });

  it('a D1 batch that fails at its last statement counts nothing: no counters, no replay guards, no tallies', async () => {
    const org = await registerConsentingOrg(worker, { name: 'Workers Atomicity Org' });
    const events = [
      transferEvent({ eventId: testEventId(500) }),
      transferEvent({ eventId: testEventId(501) }),
      transferEvent({ eventId: 'not-a-uuid' }),
    ];
    // The tallies of rejected events are the last statement of the batch write (after the replay
    // guards, the counters and the accepted/duplicate tallies), so this trigger fails the batch at its end.
    await probe.sql(
      `CREATE TRIGGER fail_last_statement BEFORE INSERT ON ingest_tallies WHEN NEW.outcome = 'invalid_event'
       BEGIN SELECT RAISE(ABORT, 'injected failure at the last statement'); END`,
    );
    const before = await storageSnapshot();
    try {
      const failed = await sendBatch(worker, org.ingestToken, events);
      expectProblem(failed, 500, 'internal-error');
      expect(failed.text).not.toContain('injected failure');
      expect(await storageSnapshot()).toEqual(before);
    } finally {
      await probe.sql('DROP TRIGGER fail_last_statement');
    }
    // The replay guards of the failed attempt were rolled back too, so the retry counts both events.
    const retry = await sendBatch(worker, org.ingestToken, events);
    expect(retry.json).toMatchObject({ accepted: 2, duplicates: 0 });
    const after = await storageSnapshot();
    expect(after.counters.events - before.counters.events).toBe(2);
    expect(after.guards - before.guards).toBe(2);
  });
});

describe('releases on Workers + D1, from the cron trigger', () => {
  const PERIOD = '2026-W48';
  /** After 2026-W48 ended (Mon 2026-11-30) and its 48 h grace window passed. */
  const AFTER_GRACE = new Date('2026-12-02T06:00:00.000Z');
  const runCron = async () => {
    const response = await fetch(`${server.url}/__scheduled?cron=${encodeURIComponent('17 * * * *')}`);
    expect(response.status).toBe(200);
  };

  it('releases the due period once, with files whose hashes and Ed25519 signature verify against the JWKS', async () => {
    // Twenty organizations with the same kind of transfers during 2026-W48, sent through ingest.
    await probe.setClock(TEST_START);
    for (let index = 0; index < 20; index += 1) {
      const org = await registerConsentingOrg(worker, { name: `Workers Release Org ${index}` });
      const batch = Array.from({ length: 12 }, () => transferEvent());
      expect((await sendBatch(worker, org.ingestToken, batch)).json).toMatchObject({ accepted: 12 });
    }
    const tooEarly = await requestJson(worker, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: PERIOD } });
    expectProblem(tooEarly, 409, 'period-not-releasable');

    await probe.setClock(AFTER_GRACE);
    await runCron();
    const periodLocks = await probe.sql<{ period: string; status: string }>('SELECT period, status FROM period_releases');
    expect(periodLocks).toEqual([{ period: PERIOD, status: 'completed' }]);
    const releaseAudit = await probe.sql<{ actor_id: string }>("SELECT actor_id FROM audit_log WHERE action = 'release.published'");
    expect(releaseAudit.length).toBeGreaterThan(0);
    expect(releaseAudit.every((entry) => entry.actor_id === 'workers-cron')).toBe(true);
    const released = await probe.sql<{ id: string; dataset_id: string }>('SELECT id, dataset_id FROM releases WHERE period = ?', [PERIOD]);
    const datasets = await requestJson(worker, 'GET', '/v1/datasets');
    expect(datasets.status).toBe(200);
    expect(released.length).toBe(datasets.json.items.length);
    // Collect once: the counters of the period are gone, and neither the cron nor an operator can release it again.
    expect((await probe.sql<{ n: number }>('SELECT count(*) AS n FROM counters WHERE period = ?', [PERIOD]))[0]?.n).toBe(0);
    await runCron();
    expect((await probe.sql('SELECT id FROM releases')).length).toBe(released.length);
    expectProblem(await requestJson(worker, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: PERIOD } }), 409, 'already-released');

    const jwks = await requestJson(worker, 'GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    let publishedRows = 0;
    for (const { id, dataset_id: datasetId } of released) {
      const listed = await requestJson(worker, 'GET', `/v1/datasets/${datasetId}/releases`);
      expect(JSON.stringify(listed.json)).toContain(id);
      const release = await requestJson(worker, 'GET', `/v1/releases/${id}`);
      expect(release.status).toBe(200);
      for (const file of release.json.files as { path: string; sha256: string; url: string }[]) {
        const body = new Uint8Array(await (await worker.app.request(file.url)).arrayBuffer());
        expect(createHash('sha256').update(body).digest('hex'), `${datasetId}/${file.path}`).toBe(file.sha256);
      }
      // Verified with node:crypto alone, as a researcher with standard tools would.
      const datapackage = new Uint8Array(await (await worker.app.request(release.json.links.datapackage)).arrayBuffer());
      const signature = Buffer.from(await (await worker.app.request(release.json.links.signature)).arrayBuffer());
      const jwk = (jwks.json.keys as { kid: string }[]).find((key) => key.kid === release.json.signature.kid);
      expect(jwk).toBeDefined();
      const publicKey = createPublicKey({ key: jwk as NodeJsonWebKey, format: 'jwk' });
      expect(verifySignature(null, datapackage, publicKey, signature), `signature of ${datasetId}`).toBe(true);
      const tampered = Uint8Array.from(datapackage);
      tampered[10] = (tampered[10] ?? 0) ^ 1;
      expect(verifySignature(null, tampered, publicKey, signature)).toBe(false);
      const csv = await (await worker.app.request(release.json.links.csv)).text();
      publishedRows += csv.trim().split('\n').length - 1;
    }
    // The twenty organizations share a cell, so at least that cell clears k and the DP threshold.
    expect(publishedRows).toBeGreaterThan(0);
    await probe.setClock(TEST_START);
  });
});

describe('consoles on Workers + D1', () => {
  it('serves the vendored Chart.js from the bundle, byte for byte, with a strong ETag', async () => {
    const chartPath = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
    const response = await worker.app.request('/console/assets/chart.umd.min.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(await response.text()).toBe(readFileSync(chartPath, 'utf8'));
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const revalidated = await worker.app.request('/console/assets/chart.umd.min.js', { headers: { 'if-none-match': etag as string } });
    expect(revalidated.status).toBe(304);
    expect((await worker.app.request('/console/assets/console.css')).status).toBe(200);
  });

  it('renders the console pages and signs in with an API key for a session cookie', async () => {
    const home = await worker.app.request('/console');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    const signInPage = await worker.app.request('/console/sign-in');
    expect(signInPage.status).toBe(200);
    const csrfCookie = signInPage.headers.getSetCookie().find((cookie) => cookie.startsWith('console_signin='));
    const csrfToken = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1];
    expect(csrfCookie).toBeDefined();
    expect(csrfToken).toBeDefined();
    const signIn = await worker.app.request('/console/sign-in', {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: server.url,
        cookie: (csrfCookie as string).split(';')[0] as string,
      },
      body: new URLSearchParams({ _csrf: csrfToken as string, next: '/console', token: ADMIN_TOKEN }).toString(),
    });
    expect(signIn.status).toBe(303);
    const session = signIn.headers.getSetCookie().find((cookie) => cookie.startsWith('console_session='));
    expect(session).toMatch(/HttpOnly/i);
    const signedIn = await worker.app.request('/console', { headers: { cookie: (session as string).split(';')[0] as string } });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).not.toContain('href="/console/sign-in"');
  });
});
