import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../src/db/dialects/sqlite';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent, type ConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, bearer, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { expectProblem } from '../support/http-expectations';


describe.each(TEST_DIALECTS)('ingest errors on %s', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;

  beforeEach(async () => {
    testApp = await createTestApp({ dialect, config: { ingestRatePerMinute: 1000 } });
    org = await registerConsentingOrg(testApp);
  });
  afterEach(() => testApp.dispose());

  const countersRowCount = async () =>
    Number((await testApp.deps.database.db.selectFrom('counters').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('401 without a token, with an unknown token, and with a revoked instance token', async () => {
    expectProblem(await sendBatch(testApp, '', [transferEvent()]), 401, 'unauthenticated');
    expectProblem(await sendBatch(testApp, 'tagg_ing_notarealtokenatallxxxxxxxxxxxx', [transferEvent()]), 401, 'unauthenticated');
    const revoke = await requestJson(testApp, 'DELETE', `/v1/admin/orgs/${org.orgId}/instances/${org.instanceId}`, { token: ADMIN_TOKEN });
    expect(revoke.status).toBe(200);
    const response = await sendBatch(testApp, org.ingestToken, [transferEvent()]);
    expectProblem(response, 401, 'unauthenticated');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('403 for API keys: only ingest tokens may send telemetry', async () => {
    expectProblem(await sendBatch(testApp, ADMIN_TOKEN, [transferEvent()]), 403, 'forbidden');
  });

  it('403 consent-required without consent, and at once after revocation', async () => {
    const unconsented = await registerConsentingOrg(testApp, { consent: false });
    expectProblem(await sendBatch(testApp, unconsented.ingestToken, [transferEvent()]), 403, 'consent-required');

    expect((await sendBatch(testApp, org.ingestToken, [transferEvent()])).status).toBe(200);
    const revoke = await requestJson(testApp, 'DELETE', `/v1/orgs/${org.orgId}/consent`, { token: ADMIN_TOKEN, body: { reason: 'customer withdrew' } });
    expect(revoke.status).toBe(200);
    expectProblem(await sendBatch(testApp, org.ingestToken, [transferEvent()]), 403, 'consent-required');
  });

  it('stops ingest at the consent expiry instant', async () => {
    const expiring = await registerConsentingOrg(testApp, { consent: false });
    await requestJson(testApp, 'PUT', `/v1/orgs/${expiring.orgId}/consent`, {
      token: ADMIN_TOKEN,
      body: { scope: 'research-telemetry', policyVersion: '2026-01', grantedBy: 'Jane Roe', expiresAt: '2026-11-26T13:00:00Z' },
    });
    testApp.clock.set(new Date('2026-11-26T12:59:59.999Z'));
    const before = await sendBatch(testApp, expiring.ingestToken, [transferEvent({ occurredAt: '2026-11-26T12:59:00Z' })]);
    expect(before.json.accepted).toBe(1);
    testApp.clock.set(new Date('2026-11-26T13:00:00.000Z'));
    expectProblem(await sendBatch(testApp, expiring.ingestToken, [transferEvent({ occurredAt: '2026-11-26T12:59:30Z' })]), 403, 'consent-required');
  });

  it('413 above the event limit, with the limits in the problem', async () => {
    const events = Array.from({ length: 1001 }, (_, n) => transferEvent({ eventId: testEventId(n) }));
    const response = await sendBatch(testApp, org.ingestToken, events);
    expectProblem(response, 413, 'payload-too-large');
    expect(response.json).toMatchObject({ maxEvents: 1000, maxBytes: 5 * 1024 * 1024 });
    expect(response.json.detail).toMatch(/1000/);
    expect(await countersRowCount()).toBe(0);
  });

  it('413 for a gzip bomb, decided after decompressing no more than the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20));
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    const response = await testApp.app.request('/v1/telemetry/batches', {
      method: 'POST',
      headers: { ...bearer(org.ingestToken), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: bomb,
    });
    expect(response.status).toBe(413);
    expect((await response.json()).maxBytes).toBe(5 * 1024 * 1024);
  });

  it('413 for an uncompressed body over the byte limit', async () => {
    const response = await testApp.app.request('/v1/telemetry/batches', {
      method: 'POST',
      headers: { ...bearer(org.ingestToken), 'content-type': 'application/json' },
      body: `{"schemaVersion":1,"events":[${'"x",'.repeat(1_500_000)}"x"]}`,
    });
    expect(response.status).toBe(413);
  });

  it('415 for a non-JSON content type or an unsupported encoding', async () => {
    const body = JSON.stringify({ schemaVersion: 1, events: [transferEvent()] });
    const asText = await testApp.app.request('/v1/telemetry/batches', {
      method: 'POST',
      headers: { ...bearer(org.ingestToken), 'content-type': 'text/plain' },
      body,
    });
    expect(asText.status).toBe(415);
    const brotli = await testApp.app.request('/v1/telemetry/batches', {
      method: 'POST',
      headers: { ...bearer(org.ingestToken), 'content-type': 'application/json', 'content-encoding': 'br' },
      body,
    });
    expect(brotli.status).toBe(415);
    expect((await brotli.json()).type).toBe('/problems/unsupported-media-type');
  });

  it('400 for malformed JSON, a corrupt gzip stream, and a wrong top-level shape', async () => {
    const send = (body: BodyInit, headers: Record<string, string> = {}) =>
      testApp.app.request('/v1/telemetry/batches', {
        method: 'POST',
        headers: { ...bearer(org.ingestToken), 'content-type': 'application/json', ...headers },
        body,
      });
    const malformed = await send('{"schemaVersion": 1, "events": [');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).type).toBe('/problems/invalid-json');
    const corrupt = await send(new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]), { 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);

    const wrongVersion = await sendBatch(testApp, org.ingestToken, []);
    expectProblem(wrongVersion, 400, 'invalid-request');
    const noEvents = await requestJson(testApp, 'POST', '/v1/telemetry/batches', { token: org.ingestToken, body: { schemaVersion: 3, events: [{}] } });
    expectProblem(noEvents, 400, 'invalid-request');
    expect(noEvents.json.errors[0].path).toBe('schemaVersion');
  });

  it('429 with Retry-After once the per-instance rate is spent; other instances are unaffected', async () => {
    const limited = await createTestApp({ dialect, config: { ingestRatePerMinute: 2 } });
    try {
      const first = await registerConsentingOrg(limited);
      const second = await registerConsentingOrg(limited);
      expect((await sendBatch(limited, first.ingestToken, [transferEvent()])).status).toBe(200);
      expect((await sendBatch(limited, first.ingestToken, [transferEvent()])).status).toBe(200);
      const third = await sendBatch(limited, first.ingestToken, [transferEvent()]);
      expectProblem(third, 429, 'rate-limited');
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await sendBatch(limited, second.ingestToken, [transferEvent()])).status).toBe(200);
      limited.clock.advance(31_000);
      expect((await sendBatch(limited, first.ingestToken, [transferEvent()])).status).toBe(200);
    } finally {
      await limited.dispose();
    }
  });

  it.runIf(dialect === 'sqlite')('503 with Retry-After when the store stays locked, and nothing is half-counted', async () => {
    await sql`PRAGMA busy_timeout = 50`.execute(testApp.deps.database.db);
    const blocker = new SqliteDatabase(sqlitePathFromUrl(testApp.testDatabase.url));
    blocker.exec('BEGIN IMMEDIATE');
    try {
      const response = await sendBatch(testApp, org.ingestToken, [transferEvent({ eventId: testEventId(77) })]);
      expectProblem(response, 503, 'store-busy');
      expect(response.headers.get('retry-after')).toBe('2');
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    const retry = await sendBatch(testApp, org.ingestToken, [transferEvent({ eventId: testEventId(77) })]);
    expect(retry.json).toMatchObject({ accepted: 1, duplicates: 0 });
  });
});
