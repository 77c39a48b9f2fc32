/**
 * The dedup window (DEDUP_WINDOW_HOURS): a retry within the window is a duplicate, an event older
 * than the window is rejected with `outside_dedup_window`, the purge removes only guards that left
 * the window, and no event is ever counted twice, also across a purge. On every dialect (SQLite
 * runs the prepared-statement path, PostgreSQL the set-based plan).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toCount } from '../../src/db/database';
import { createPseudonymizer } from '../../src/secrets/pseudonymizer';
import { purgeExpiredReplayGuards } from '../../src/ingest/replay-guard-window';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent, type ConsentingOrg } from '../support/fixtures';
import { createTestApp, TEST_START, type TestApp } from '../support/test-app';
import { TEST_DIALECTS, testMigrator } from '../support/test-database';
import { countedEvents } from '../support/counter-rows';

const HOUR_MS = 3_600_000;
const WINDOW_HOURS = 24;

describe.each(TEST_DIALECTS)('dedup window on %s', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;
  beforeEach(async () => {
    testApp = await createTestApp({ dialect, environment: { DEDUP_WINDOW_HOURS: String(WINDOW_HOURS) } });
    org = await registerConsentingOrg(testApp);
  });
  afterEach(() => testApp.dispose());

  const counted = () => countedEvents(testApp.deps.database);
  const guards = async () => (await testApp.deps.database.db.selectFrom('replay_guards').select('event_hash').execute()).length;
  const at = (hoursAfterStart: number) => new Date(TEST_START.getTime() + hoursAfterStart * HOUR_MS).toISOString();

  it('deduplicates a retry within the window and rejects an event older than the window with its own code', async () => {
    const event = transferEvent({ eventId: testEventId(1), occurredAt: at(0) });
    expect((await sendBatch(testApp, org.ingestToken, [event])).json).toMatchObject({ accepted: 1, duplicates: 0 });
    // A guard keeps its event's UTC day, never a finer time.
    const stored = await testApp.deps.database.db.selectFrom('replay_guards').select('event_day').execute();
    expect(stored.map((row) => Number(row.event_day))).toEqual([Math.floor(TEST_START.getTime() / (24 * HOUR_MS))]);

    testApp.clock.advance((WINDOW_HOURS - 1) * HOUR_MS);
    expect((await sendBatch(testApp, org.ingestToken, [event])).json).toMatchObject({ accepted: 0, duplicates: 1, rejected: [] });

    testApp.clock.advance(2 * HOUR_MS);
    const late = await sendBatch(testApp, org.ingestToken, [event, transferEvent({ eventId: testEventId(2), occurredAt: at(WINDOW_HOURS) })]);
    expect(late.status).toBe(200);
    expect(late.json).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(late.json.rejected).toEqual([{ index: 0, code: 'outside_dedup_window', detail: expect.stringMatching(/24 h/) }]);
    expect(await counted()).toBe(2);
    const tallies = await testApp.deps.database.db.selectFrom('ingest_tallies').select(['outcome', 'events']).where('org_id', '=', org.orgId).execute();
    expect(Object.fromEntries(tallies.map((row) => [row.outcome, toCount(row.events)]))).toEqual({ accepted: 2, duplicate: 1, outside_dedup_window: 1 });
  });

  it('purges only guards that left the window, and an event whose guard is gone is still not counted again', async () => {
    // Guards are bucketed by UTC day: TEST_START is noon, so hour 0 is on day 0 and hour 14 on day 1.
    const early = transferEvent({ eventId: testEventId(1), occurredAt: at(0) });
    const later = transferEvent({ eventId: testEventId(2), occurredAt: at(14) });
    testApp.clock.set(new Date(at(14)));
    expect((await sendBatch(testApp, org.ingestToken, [early, later])).json).toMatchObject({ accepted: 2 });

    // The early event has left the window, but not its whole day: nothing to purge yet.
    testApp.clock.set(new Date(at(WINDOW_HOURS + 2)));
    expect(await purgeExpiredReplayGuards(testApp.deps)).toBe(0);
    expect(await guards()).toBe(2);

    // The early event's day has left the window; the later one's has not (and that event is still inside).
    testApp.clock.set(new Date(at(WINDOW_HOURS + 13)));
    expect(await purgeExpiredReplayGuards(testApp.deps)).toBe(1);
    expect(await guards()).toBe(1);

    const replay = await sendBatch(testApp, org.ingestToken, [early, later]);
    expect(replay.json).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(replay.json.rejected.map((entry: { index: number; code: string }) => [entry.index, entry.code])).toEqual([[0, 'outside_dedup_window']]);
    expect(await counted()).toBe(2);
  });

  it('keeps guards stored before migration 0004 effective until the upgrade leaves the window', async () => {
    const { database } = testApp.deps;
    const migrator = testMigrator(database.db, database.schema);
    expect((await migrator.migrateTo('0003_ingest_tallies_period_index')).error).toBeUndefined();
    const event = transferEvent({ eventId: testEventId(7), occurredAt: at(0) });
    const eventHash = createPseudonymizer(testApp.deps.secrets.pseudonymKey).eventHash(org.orgId, testEventId(7));
    // What the previous release stored for this event (no event day).
    await database.db
      .insertInto('replay_guards')
      .values({ event_hash: eventHash.toString('hex'), period: '2026-W48', contributor: 'contributor-before-upgrade', batch_id: 'old' } as never)
      .execute();
    const upgradedAt = Date.now();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();

    expect((await sendBatch(testApp, org.ingestToken, [event])).json).toMatchObject({ accepted: 0, duplicates: 1, rejected: [] });
    expect(await counted()).toBe(0);

    // Within the window after the upgrade the old guard stays; once the upgrade has left it, it goes.
    testApp.clock.set(new Date(upgradedAt + (WINDOW_HOURS - 1) * HOUR_MS));
    expect(await purgeExpiredReplayGuards(testApp.deps)).toBe(0);
    testApp.clock.set(new Date(upgradedAt + (WINDOW_HOURS + 25) * HOUR_MS));
    expect(await purgeExpiredReplayGuards(testApp.deps)).toBe(1);
    expect(await guards()).toBe(0);
  });
});
