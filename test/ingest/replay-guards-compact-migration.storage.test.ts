/**
 * Migration 0006 (compact replay guards: the hash as 16 bytes, the batch id as an integer) keeps every
 * guard exactly, including those stored before the dedup window existed (negated day), so that events
 * accepted before the upgrade stay duplicates after it; and going down restores the hex form.
 * On every dialect, through the real migrator and the real ingest route.
 */
import { sql } from 'kysely';
import type { Migrator } from 'kysely/migration';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventDayOf } from '../../src/ingest/replay-guard-window';
import { createPseudonymizer } from '../../src/secrets/pseudonymizer';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent, type ConsentingOrg } from '../support/fixtures';
import { createTestApp, TEST_START, type TestApp } from '../support/test-app';
import { TEST_DIALECTS, testMigrator } from '../support/test-database';
import { countedEvents } from '../support/counter-rows';

interface HexGuard {
  event_day: number;
  event_hash: string;
  period: string;
  contributor: string;
}

describe.each(TEST_DIALECTS)('migration 0006_replay_guards_compact on %s', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;
  let migrator: Migrator;
  beforeEach(async () => {
    testApp = await createTestApp({ dialect });
    org = await registerConsentingOrg(testApp);
    const { database } = testApp.deps;
    migrator = testMigrator(database.db, database.schema);
  });
  afterEach(() => testApp.dispose());

  const hexGuards = async (): Promise<HexGuard[]> => {
    const { rows } = await sql<HexGuard>`select event_day, event_hash, period, contributor from replay_guards order by event_day, event_hash`.execute(
      testApp.deps.database.db,
    );
    return rows.map((row) => ({ ...row, event_day: Number(row.event_day) }));
  };
  const counted = () => countedEvents(testApp.deps.database);

  it('keeps every guard (legacy ones included) so earlier events stay duplicates, and migrates back to hex', async () => {
    expect((await migrator.migrateTo('0004_replay_guard_window')).error).toBeUndefined();
    const pseudonymizer = createPseudonymizer(testApp.deps.secrets.pseudonymKey);
    const day = eventDayOf(TEST_START);
    const hashOf = (n: number) => pseudonymizer.eventHash(org.orgId, testEventId(n)).toString('hex');
    // What the previous release stored: hex hashes and UUID batch ids; event 2 was accepted before
    // migration 0004, so its guard carries the upgrade's day negated.
    const before: HexGuard[] = [
      { event_day: -day, event_hash: hashOf(2), period: '2026-W48', contributor: 'contributor-legacy' },
      { event_day: day, event_hash: hashOf(1), period: '2026-W48', contributor: 'contributor-a' },
    ];
    for (const guard of before) {
      await sql`insert into replay_guards (event_day, event_hash, period, contributor, batch_id)
                values (${guard.event_day}, ${guard.event_hash}, ${guard.period}, ${guard.contributor}, '6f1c0c8e-3a59-4b0e-9d6a-0d1c2b3a4f5e')`.execute(
        testApp.deps.database.db,
      );
    }

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const compact = await testApp.deps.database.db
      .selectFrom('replay_guards')
      .select(['event_day', 'event_hash', 'period', 'contributor', 'batch_id'])
      .orderBy('event_day')
      .execute();
    expect(
      compact.map((row) => ({ ...row, event_day: Number(row.event_day), event_hash: Buffer.from(row.event_hash).toString('hex'), batch_id: Number(row.batch_id) })),
    ).toEqual(before.map((guard) => ({ ...guard, batch_id: 0 })));
    expect(compact.every((row) => row.event_hash.length === 16)).toBe(true);

    const events = [1, 2, 3].map((n) => transferEvent({ eventId: testEventId(n), occurredAt: TEST_START.toISOString() }));
    expect((await sendBatch(testApp, org.ingestToken, events)).json).toMatchObject({ accepted: 1, duplicates: 2, rejected: [] });
    expect(await counted()).toBe(1);

    // Down again: the same hex rows as before, plus event 3's guard.
    expect((await migrator.migrateTo('0004_replay_guard_window')).error).toBeUndefined();
    const restored = await hexGuards();
    expect(restored.filter((guard) => guard.event_hash !== hashOf(3))).toEqual(before);
    expect(restored.map((guard) => guard.event_hash)).toContain(hashOf(3));

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect((await sendBatch(testApp, org.ingestToken, events)).json).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await counted()).toBe(1);
  });
});
