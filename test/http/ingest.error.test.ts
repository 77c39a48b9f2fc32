/**
 * Ingest refusals, over every HTTP target (in-process on SQLite and PostgreSQL, and the Worker on
 * D1): 401/403/consent-required, 413 after decompression, bad encodings and JSON, schema problems,
 * per-event rejection codes, the rate limit with Retry-After, and that no refusal echoes what was
 * sent. As in ingest.happy: one server per target, each test registers its own organizations and
 * measures storage as the difference between two snapshots.
 */
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../src/db/dialects/sqlite';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent } from '../support/fixtures';
import { HTTP_TARGETS, useHttpTarget } from '../support/http-target';
import { TEST_DIALECTS } from '../support/test-database';
import { ADMIN_TOKEN, bearer, createTestApp, requestJson, TEST_START, type TestApp } from '../support/test-app';
import { expectProblem } from '../support/http-expectations';

const BATCHES = '/v1/telemetry/batches';

/** Identifiers a product instance might send; none may come back in any refusal. */
const CANARY = {
  email: 'canary.person@example.com',
  fileName: 'canary-secret-merger-plan.xlsx',
  ip: '198.51.100.77',
};

function canaryEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const event = transferEvent(overrides);
  return {
    ...event,
    transfer: { ...(event.transfer as object), fileName: CANARY.fileName },
    actor: { ...(event.actor as object), email: CANARY.email, ip: CANARY.ip },
  };
}

function expectNothingEchoed(text: string, ...secrets: string[]): void {
  for (const secret of [...Object.values(CANARY), ...secrets]) expect(text).not.toContain(secret);
}

/** 200 MB of spaces, gzipped: compressed once per file, since that alone takes a second. */
let bombBytes: ReturnType<typeof gzipSync> | undefined;
const gzipBomb = () => (bombBytes ??= gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20)));

describe.each(HTTP_TARGETS)('ingest errors on %s', (targetName) => {
  const target = useHttpTarget(targetName);
  // Tests that move the clock leave it where every target starts.
  afterEach(() => target().setClock(TEST_START));

  /** A raw POST (for bodies requestJson cannot send), read the way requestJson reads its answer. */
  const post = async (body: BodyInit, headers: Record<string, string>) => {
    const response = await target().client.app.request(BATCHES, { method: 'POST', headers, body });
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };

  it('401 without a token, with an unknown token, and with a revoked instance token', async () => {
    const { client } = target();
    // Failed authentications are limited per client address, and other suites share the Worker
    // (and its loopback address): a fresh minute gives this test a full bucket.
    await target().setClock(new Date(TEST_START.getTime() + 5 * 60_000));
    const org = await registerConsentingOrg(client, { name: 'Unauthenticated Org' });
    expectProblem(await sendBatch(client, '', [transferEvent()]), 401, 'unauthenticated');
    const unknownToken = 'tagg_ing_notarealtokenatallxxxxxxxxxxxx';
    const unknown = await sendBatch(client, unknownToken, [canaryEvent()]);
    expectProblem(unknown, 401, 'unauthenticated');
    expectNothingEchoed(unknown.text, unknownToken);
    const revoke = await requestJson(client, 'DELETE', `/v1/admin/orgs/${org.orgId}/instances/${org.instanceId}`, { token: ADMIN_TOKEN });
    expect(revoke.status).toBe(200);
    const response = await sendBatch(client, org.ingestToken, [canaryEvent()]);
    expectProblem(response, 401, 'unauthenticated');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectNothingEchoed(response.text, org.ingestToken, org.orgId, org.instanceId);
  });

  it('429 with Retry-After once a client has spent its failed authentications, for valid tokens too', async () => {
    const { client } = target();
    // The bucket is per client address, which every suite on the shared Worker has in common: spend it
    // in a minute of its own, and leave it full (below) so the suites after this one find it untouched.
    const spendAt = TEST_START.getTime() + 10 * 60_000;
    await target().setClock(new Date(spendAt));
    const org = await registerConsentingOrg(client, { name: 'Token Guessing Org' });
    const guess = 'tagg_ing_guessedtokenxxxxxxxxxxxxxxxxxxx';
    let refused: Awaited<ReturnType<typeof sendBatch>> | undefined;
    for (let attempt = 0; attempt < 1_000 && !refused; attempt += 1) {
      const response = await sendBatch(client, guess, [canaryEvent()]);
      if (response.status === 429) refused = response;
      else expectProblem(response, 401, 'unauthenticated');
    }
    if (!refused) throw new Error('failed authentications were never limited');
    expectProblem(refused, 429, 'rate-limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expectNothingEchoed(refused.text, guess);
    // Checked before the token is looked up, so a valid token from that client waits too.
    expectProblem(await sendBatch(client, org.ingestToken, [transferEvent()]), 429, 'rate-limited');
    await target().setClock(new Date(spendAt + retryAfter * 1000));
    expect((await sendBatch(client, org.ingestToken, [transferEvent()])).status).toBe(200);
    await target().setClock(new Date(spendAt + 10 * 60_000));
    expect((await sendBatch(client, org.ingestToken, [transferEvent()])).status).toBe(200);
  });

  it('403 for API keys: only ingest tokens may send telemetry', async () => {
    const response = await sendBatch(target().client, ADMIN_TOKEN, [canaryEvent()]);
    expectProblem(response, 403, 'forbidden');
    expectNothingEchoed(response.text, ADMIN_TOKEN);
  });

  it('403 consent-required without consent, and at once after revocation; nothing is stored', async () => {
    const { client, storageSnapshot } = target();
    const org = await registerConsentingOrg(client, { name: 'Consent Error Org' });
    const unconsented = await registerConsentingOrg(client, { consent: false, name: 'Unconsented Org' });
    const before = await storageSnapshot();
    const refused = await sendBatch(client, unconsented.ingestToken, [canaryEvent()]);
    expectProblem(refused, 403, 'consent-required');
    expectNothingEchoed(refused.text, unconsented.ingestToken, unconsented.orgId, unconsented.instanceId);
    expect(await storageSnapshot()).toEqual(before);

    expect((await sendBatch(client, org.ingestToken, [transferEvent()])).status).toBe(200);
    const revoke = await requestJson(client, 'DELETE', `/v1/orgs/${org.orgId}/consent`, { token: ADMIN_TOKEN, body: { reason: 'customer withdrew' } });
    expect(revoke.status).toBe(200);
    const afterRevocation = await storageSnapshot();
    expectProblem(await sendBatch(client, org.ingestToken, [transferEvent()]), 403, 'consent-required');
    expect(await storageSnapshot()).toEqual(afterRevocation);
  });

  it('stops ingest at the consent expiry instant', async () => {
    const { client } = target();
    const expiring = await registerConsentingOrg(client, { consent: false, name: 'Expiring Consent Org' });
    await requestJson(client, 'PUT', `/v1/orgs/${expiring.orgId}/consent`, {
      token: ADMIN_TOKEN,
      body: { scope: 'research-telemetry', policyVersion: '2026-01', grantedBy: 'Jane Roe', expiresAt: '2026-11-26T13:00:00Z' },
    });
    await target().setClock(new Date('2026-11-26T12:59:59.999Z'));
    const before = await sendBatch(client, expiring.ingestToken, [transferEvent({ occurredAt: '2026-11-26T12:59:00Z' })]);
    expect(before.json.accepted).toBe(1);
    await target().setClock(new Date('2026-11-26T13:00:00.000Z'));
    expectProblem(await sendBatch(client, expiring.ingestToken, [transferEvent({ occurredAt: '2026-11-26T12:59:30Z' })]), 403, 'consent-required');
  });

  it('413 above the event limit, with the limits in the problem; nothing is stored', async () => {
    const { client, storageSnapshot } = target();
    const org = await registerConsentingOrg(client, { name: 'Event Limit Org' });
    const before = await storageSnapshot();
    const events = Array.from({ length: 1001 }, (_, n) => canaryEvent({ eventId: testEventId(n) }));
    const response = await sendBatch(client, org.ingestToken, events);
    expectProblem(response, 413, 'payload-too-large');
    expect(response.json).toMatchObject({ maxEvents: 1000, maxBytes: 5 * 1024 * 1024 });
    expect(response.json.detail).toMatch(/1000/);
    expectNothingEchoed(response.text);
    expect(await storageSnapshot()).toEqual(before);
  });

  it('413 for a gzip bomb, decided after decompressing no more than the limit', async () => {
    const org = await registerConsentingOrg(target().client, { name: 'Gzip Bomb Org' });
    const bomb = gzipBomb();
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    const response = await post(bomb, { ...bearer(org.ingestToken), 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expectProblem(response, 413, 'payload-too-large');
    expect(response.json.maxBytes).toBe(5 * 1024 * 1024);
  });

  it('413 for an uncompressed body over the byte limit', async () => {
    const org = await registerConsentingOrg(target().client, { name: 'Byte Limit Org' });
    const response = await post(`{"schemaVersion":1,"events":[${'"x",'.repeat(1_500_000)}"x"]}`, {
      ...bearer(org.ingestToken),
      'content-type': 'application/json',
    });
    expectProblem(response, 413, 'payload-too-large');
  });

  it('415 for a non-JSON content type or an unsupported encoding', async () => {
    const org = await registerConsentingOrg(target().client, { name: 'Media Type Org' });
    const body = JSON.stringify({ schemaVersion: 1, events: [canaryEvent()] });
    const untyped = await post(body, bearer(org.ingestToken));
    expectProblem(untyped, 415, 'unsupported-media-type');
    const asText = await post(body, { ...bearer(org.ingestToken), 'content-type': 'text/plain' });
    expectProblem(asText, 415, 'unsupported-media-type');
    expectNothingEchoed(asText.text);
    const brotli = await post(body, { ...bearer(org.ingestToken), 'content-type': 'application/json', 'content-encoding': 'br' });
    expectProblem(brotli, 415, 'unsupported-media-type');
    expectNothingEchoed(brotli.text);
  });

  it('400 for malformed JSON, a corrupt gzip stream, and a wrong top-level shape, echoing none of the input', async () => {
    const { client, storageSnapshot } = target();
    const org = await registerConsentingOrg(client, { name: 'Malformed Org' });
    const headers = { ...bearer(org.ingestToken), 'content-type': 'application/json' };
    const before = await storageSnapshot();
    const malformed = await post(`{"schemaVersion": 1, "events": [{"actor": {"email": "${CANARY.email}"`, headers);
    expectProblem(malformed, 400, 'invalid-json');
    expectNothingEchoed(malformed.text);
    const corrupt = await post(new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]), { ...headers, 'content-encoding': 'gzip' });
    // A stream that cannot be decompressed is a request problem, not a JSON one (read-bounded-body.ts).
    expectProblem(corrupt, 400, 'invalid-request');

    const truncated = await post(gzipSync(JSON.stringify({ schemaVersion: 1, events: [canaryEvent()] })).subarray(0, 40), {
      ...headers,
      'content-encoding': 'gzip',
    });
    expectProblem(truncated, 400, 'invalid-request');
    expectNothingEchoed(truncated.text);
    const corruptDeflate = await post(new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x05]), { ...headers, 'content-encoding': 'deflate' });
    expectProblem(corruptDeflate, 400, 'invalid-request');
    // No body at all and an empty one are the same refusal, whatever the runtime makes of an empty POST.
    for (const body of [undefined, '']) {
      const response = await target().client.app.request(BATCHES, { method: 'POST', headers, body });
      const empty = { status: response.status, headers: response.headers, json: await response.json() };
      expectProblem(empty, 400, 'invalid-json');
      expect(empty.json.detail).toMatch(/empty/);
    }
    expectProblem(await post('null', headers), 400, 'invalid-request');

    const wrongVersion = await sendBatch(client, org.ingestToken, []);
    expectProblem(wrongVersion, 400, 'invalid-request');
    const noEvents = await requestJson(client, 'POST', BATCHES, { token: org.ingestToken, body: { schemaVersion: 3, events: [canaryEvent()] } });
    expectProblem(noEvents, 400, 'invalid-request');
    expect(noEvents.json.errors[0].path).toBe('schemaVersion');
    expectNothingEchoed(noEvents.text);
    expect(await storageSnapshot()).toEqual(before);
  });

  it('rejects events per event with a code and a detail that echoes nothing, storing none of them', async () => {
    const { client, storageSnapshot } = target();
    const org = await registerConsentingOrg(client, { name: 'Per Event Org' });
    // A week long past, released (with nothing in it) so that late events for it are refused.
    const releasedWeek = '2026-W30';
    const release = await requestJson(client, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: releasedWeek } });
    expect([201, 409]).toContain(release.status);
    if (release.status === 409) expect(release.json.type).toBe('/problems/already-released');
    const before = await storageSnapshot();
    const response = await sendBatch(client, org.ingestToken, [
      canaryEvent({ eventId: 'canary-not-a-uuid' }),
      canaryEvent({ occurredAt: '2026-07-22T12:00:00Z' }), // 2026-W30, released
      canaryEvent({ occurredAt: '2026-11-10T12:00:00Z' }), // 2026-W46, past its grace window
      canaryEvent({ occurredAt: '2026-11-23T08:00:00Z' }), // this week, but more than 72 h old
      canaryEvent({ occurredAt: '2026-11-26T12:30:00Z' }), // ahead of the clock
    ]);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ accepted: 0, duplicates: 0 });
    expect(response.json.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [0, 'invalid_event'],
      [1, 'period_released'],
      [2, 'too_old'],
      [3, 'outside_dedup_window'],
      [4, 'in_future'],
    ]);
    expect(response.json.rejected[0].detail).toMatch(/eventId/);
    expect(response.json.rejected[3].detail).toMatch(/72 h/);
    expectNothingEchoed(response.text, 'canary-not-a-uuid');
    expect(await storageSnapshot()).toEqual(before);
  });

  it('429 with Retry-After once the per-instance rate is spent; other instances are unaffected', async () => {
    const { client } = target();
    const first = await registerConsentingOrg(client, { name: 'Rate Limited Org' });
    const second = await registerConsentingOrg(client, { name: 'Unlimited Org' });
    expect((await sendBatch(client, first.ingestToken, [transferEvent()])).status).toBe(200);
    // Spend the rest of the instance's bucket (INGEST_RATE_PER_MINUTE, whatever the target runs with)
    // on requests the limiter charges before reading the body. The clock stands still, so nothing refills.
    const headers = { ...bearer(first.ingestToken), 'content-type': 'application/json' };
    let limited = false;
    for (let sent = 0; sent < 10_000 && !limited; sent += 50) {
      const responses = await Promise.all(Array.from({ length: 50 }, () => post('{}', headers)));
      for (const response of responses) {
        if (response.status === 429) limited = true;
        else expectProblem(response, 400, 'invalid-request');
      }
    }
    expect(limited).toBe(true);
    const third = await sendBatch(client, first.ingestToken, [canaryEvent()]);
    expectProblem(third, 429, 'rate-limited');
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(third.json.retryAfterSeconds).toBe(retryAfter);
    expectNothingEchoed(third.text, first.ingestToken, first.instanceId);
    expect((await sendBatch(client, second.ingestToken, [transferEvent()])).status).toBe(200);
    await target().setClock(new Date(TEST_START.getTime() + retryAfter * 1000));
    expect((await sendBatch(client, first.ingestToken, [transferEvent()])).status).toBe(200);
  });
});

/**
 * In-process only: holding SQLite's write lock from a second connection needs the database file,
 * which only the in-process app opens (D1 and PostgreSQL are reached through their own servers).
 */
describe.each(TEST_DIALECTS.filter((dialect) => dialect === 'sqlite'))('ingest errors in-process on %s', (dialect) => {
  let testApp: TestApp;
  beforeEach(async () => {
    testApp = await createTestApp({ dialect });
  });
  afterEach(() => testApp.dispose());

  it('503 with Retry-After when the store stays locked, and nothing is half-counted', async () => {
    const org = await registerConsentingOrg(testApp);
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
