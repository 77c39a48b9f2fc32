import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toCount } from '../../src/db/database';
import { type BatchWriteInput, buildBatchWrite, type StagedEvent, writeBatchSynchronously } from '../../src/ingest/counter-writes';
import { generalizeEvent } from '../../src/ingest/generalize';
import { minimizedEventSchema } from '../../src/ingest/event-schema';
import { registerConsentingOrg, testEventId, transferEvent, type ConsentingOrg } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';

function stagedEvent(n: number, overrides: Record<string, unknown> = {}): StagedEvent {
  const event = minimizedEventSchema.parse(transferEvent({ eventId: testEventId(n), ...overrides }));
  return {
    eventHash: Buffer.from(n.toString(16).padStart(32, '0'), 'hex'),
    period: '2026-W48',
    contributor: 'contributor-a',
    cell: generalizeEvent(event, { sector: 'finance', sizeBand: '250-999' }),
    sizeBytes: event.transfer.sizeBytes,
    eventDay: 0,
  };
}

/**
 * Every dialect runs the set-based plan; embedded SQLite also runs the prepared-statement path the
 * ingest uses there. Both must leave the same state.
 */
type WritePath = 'set-based plan' | 'synchronous statements';
const WRITE_PATHS: [(typeof TEST_DIALECTS)[number], WritePath][] = TEST_DIALECTS.flatMap((dialect): [(typeof TEST_DIALECTS)[number], WritePath][] =>
  dialect === 'sqlite' ? [[dialect, 'set-based plan'], [dialect, 'synchronous statements']] : [[dialect, 'set-based plan']],
);

describe.each(WRITE_PATHS)('atomic counter writes on %s (%s)', (dialect, path) => {
  let testApp: TestApp;
  let org: ConsentingOrg;
  beforeEach(async () => {
    testApp = await createTestApp({ dialect });
    org = await registerConsentingOrg(testApp);
  });
  afterEach(() => testApp.dispose());

  /** Runs one batch write on this path; `thenFail` makes the transaction fail after the write's own statements. */
  const run = async (input: BatchWriteInput, thenFail = false): Promise<number> => {
    const { database } = testApp.deps;
    const failing = database.db.insertInto('organizations').values({ id: org.orgId, name: 'dup', sector: 'x', size_band: 'x', country: 'DE', created_at: 'x' }).compile();
    if (path === 'synchronous statements') {
      if (!database.runSynchronousTransaction) throw new Error('embedded SQLite offers synchronous transactions');
      return database.runSynchronousTransaction((sqlite) => {
        const accepted = writeBatchSynchronously(sqlite, input);
        if (thenFail) sqlite.prepare(failing.sql).run(...failing.parameters);
        return accepted;
      });
    }
    const plan = buildBatchWrite(database.db, database.dialect, input);
    const results = await database.executeAtomically(thenFail ? [...plan.queries, failing] : plan.queries);
    return results[plan.acceptedResultIndex]?.rows.length ?? 0;
  };
  const write = (batchId: number, events: StagedEvent[]) =>
    run({
      batchId,
      orgId: org.orgId,
      writtenAt: testApp.clock.now().toISOString(),
      events,
      knownTallies: [{ period: '2026-W48', outcome: 'invalid_event', events: 2 }],
    });
  const state = async () => {
    const { db } = testApp.deps.database;
    const counters = await db.selectFrom('counters').select(['cell_key', 'events', 'bytes']).orderBy('cell_key').execute();
    const guards = await db.selectFrom('replay_guards').select('event_hash').execute();
    const tallies = await db.selectFrom('ingest_tallies').select(['outcome', 'events']).orderBy('outcome').execute();
    return {
      counters: counters.map((row) => ({ ...row, events: toCount(row.events), bytes: toCount(row.bytes) })),
      guards: guards.length,
      tallies: Object.fromEntries(tallies.map((row) => [row.outcome, toCount(row.events)])),
    };
  };

  it('aggregates events per distinct cell and counts overlapping batches once', async () => {
    const small = { transfer: { ...(transferEvent().transfer as object), sizeBytes: 10 } };
    expect(await write(1, [stagedEvent(1), stagedEvent(2), stagedEvent(3, small)])).toBe(3);
    expect(await write(2, [stagedEvent(2), stagedEvent(3, small), stagedEvent(4)])).toBe(1);
    const after = await state();
    expect(after.counters).toHaveLength(2);
    expect(after.counters.map((row) => row.events).sort()).toEqual([1, 3]);
    expect(after.counters.find((row) => row.events === 3)?.bytes).toBe(15_000_000);
    expect(after.guards).toBe(4);
    expect(after.tallies).toEqual({ accepted: 4, duplicate: 2, invalid_event: 4 });
  });

  it('stores nothing when the consent ended before the write, even though the request passed the gate', async () => {
    await testApp.deps.database.db
      .updateTable('consents')
      .set({ revoked_at: testApp.clock.now().toISOString(), revoke_reason: 'race' })
      .where('org_id', '=', org.orgId)
      .execute();
    expect(await write(1, [stagedEvent(1), stagedEvent(2)])).toBe(0);
    expect(await state()).toEqual({ counters: [], guards: 0, tallies: { invalid_event: 2 } });
  });

  it('a batch whose last statement fails leaves no counter, guard or tally behind', async () => {
    const input = { batchId: 99, orgId: org.orgId, writtenAt: testApp.clock.now().toISOString(), events: [stagedEvent(1)], knownTallies: [] };
    await expect(run(input, true)).rejects.toThrow();
    expect(await state()).toEqual({ counters: [], guards: 0, tallies: {} });
  });
});
