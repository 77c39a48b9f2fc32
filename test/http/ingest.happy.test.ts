import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gzipSync, deflateSync } from 'node:zlib';
import { toCount } from '../../src/db/database';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent, type ConsentingOrg } from '../support/fixtures';
import { bearer, createTestApp, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';

describe.each(TEST_DIALECTS)('ingest happy paths on %s', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;

  beforeEach(async () => {
    testApp = await createTestApp({ dialect });
    org = await registerConsentingOrg(testApp);
  });
  afterEach(() => testApp.dispose());

  const counterTotals = async () => {
    const row = await testApp.deps.database.db
      .selectFrom('counters')
      .select((eb) => [eb.fn.sum<number>('events').as('events'), eb.fn.sum<number>('bytes').as('bytes'), eb.fn.countAll<number>().as('rows')])
      .executeTakeFirstOrThrow();
    return { events: toCount(row.events), bytes: toCount(row.bytes), rows: toCount(row.rows) };
  };

  it('accepts a batch, counts each event once and reports dropped identifier fields', async () => {
    const events = [transferEvent({ eventId: testEventId(1) }), transferEvent({ eventId: testEventId(2) })];
    const response = await sendBatch(testApp, org.ingestToken, events);
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
    expect(await counterTotals()).toEqual({ events: 2, bytes: 10_000_000, rows: 1 });
  });

  it('re-sending the same batch counts nothing twice', async () => {
    const events = [transferEvent({ eventId: testEventId(1) }), transferEvent({ eventId: testEventId(2) })];
    await sendBatch(testApp, org.ingestToken, events);
    const retry = await sendBatch(testApp, org.ingestToken, events);
    expect(retry.json).toMatchObject({ accepted: 0, duplicates: 2 });
    const withDuplicateInside = await sendBatch(testApp, org.ingestToken, [
      transferEvent({ eventId: testEventId(3) }),
      transferEvent({ eventId: testEventId(3) }),
    ]);
    expect(withDuplicateInside.json).toMatchObject({ accepted: 1, duplicates: 1 });
    expect((await counterTotals()).events).toBe(3);
    const tallies = await testApp.deps.database.db.selectFrom('ingest_tallies').select(['period', 'outcome', 'events']).orderBy('outcome').execute();
    expect(tallies.map((tally) => ({ ...tally, events: toCount(tally.events) }))).toEqual([
      { period: '2026-W48', outcome: 'accepted', events: 3 },
      { period: '2026-W48', outcome: 'duplicate', events: 3 },
    ]);
  });

  it('accepts gzip and deflate bodies', async () => {
    for (const [encoding, compress] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ] as const) {
      const body = compress(Buffer.from(JSON.stringify({ schemaVersion: 1, events: [transferEvent()] })));
      const response = await testApp.app.request('/v1/telemetry/batches', {
        method: 'POST',
        headers: { ...bearer(org.ingestToken), 'content-type': 'application/json', 'content-encoding': encoding },
        body,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ accepted: 1 });
    }
  });

  it('rejects bad events one by one without rejecting the batch', async () => {
    const response = await sendBatch(testApp, org.ingestToken, [
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
    expect(response.json.rejected[0].detail).toMatch(/eventId/);
  });
});
