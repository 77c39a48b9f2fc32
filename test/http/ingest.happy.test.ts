/**
 * Ingest happy paths, over every HTTP target (in-process on SQLite and PostgreSQL, and the Worker on
 * D1). One server per target: each test registers its own organization and measures storage as the
 * difference between two snapshots.
 */
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent } from '../support/fixtures';
import { HTTP_TARGETS, useHttpTarget } from '../support/http-target';
import { bearer } from '../support/test-app';

describe.each(HTTP_TARGETS)('ingest happy paths on %s', (targetName) => {
  const target = useHttpTarget(targetName);

  const talliesOf = async (orgId: string) =>
    (
      await target().sql<{ period: string; outcome: string; events: number | string }>(
        'SELECT period, outcome, events FROM ingest_tallies WHERE org_id = ? ORDER BY outcome',
        [orgId],
      )
    ).map((tally) => ({ ...tally, events: Number(tally.events) }));

  it('accepts a batch, counts each event once and reports dropped identifier fields', async () => {
    const { client, storageSnapshot } = target();
    const org = await registerConsentingOrg(client, { name: 'Ingest Org' });
    const before = await storageSnapshot();
    const events = [transferEvent({ eventId: testEventId(1) }), transferEvent({ eventId: testEventId(2) })];
    const response = await sendBatch(client, org.ingestToken, events);
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
    const { client, storageSnapshot } = target();
    const org = await registerConsentingOrg(client, { name: 'Dedup Org' });
    const before = await storageSnapshot();
    const events = [transferEvent({ eventId: testEventId(1) }), transferEvent({ eventId: testEventId(2) })];
    await sendBatch(client, org.ingestToken, events);
    const retry = await sendBatch(client, org.ingestToken, events);
    expect(retry.json).toMatchObject({ accepted: 0, duplicates: 2 });
    const withDuplicateInside = await sendBatch(client, org.ingestToken, [
      transferEvent({ eventId: testEventId(3) }),
      transferEvent({ eventId: testEventId(3) }),
    ]);
    expect(withDuplicateInside.json).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await talliesOf(org.orgId)).toEqual([
      { period: '2026-W48', outcome: 'accepted', events: 3 },
      { period: '2026-W48', outcome: 'duplicate', events: 3 },
    ]);

    const overlapping = Array.from({ length: 20 }, (_, index) => transferEvent({ eventId: testEventId(100 + index) }));
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => sendBatch(client, org.ingestToken, overlapping)));
    expect(concurrent.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(concurrent.reduce((sum, response) => sum + response.json.accepted, 0)).toBe(20);
    expect((await storageSnapshot()).counters.events - before.counters.events).toBe(3 + 20);
  });

  it('accepts gzip and deflate bodies', async () => {
    const { client } = target();
    const org = await registerConsentingOrg(client, { name: 'Encoding Org' });
    for (const [encoding, compress] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ] as const) {
      const body = compress(Buffer.from(JSON.stringify({ schemaVersion: 1, events: [transferEvent()] })));
      const response = await client.app.request('/v1/telemetry/batches', {
        method: 'POST',
        headers: { ...bearer(org.ingestToken), 'content-type': 'application/json', 'content-encoding': encoding },
        body,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ accepted: 1 });
    }
  });

  it('rejects bad events one by one without rejecting the batch', async () => {
    const { client } = target();
    const org = await registerConsentingOrg(client, { name: 'Rejection Org' });
    const response = await sendBatch(client, org.ingestToken, [
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
