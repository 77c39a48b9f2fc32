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
    const counters = await db.selectFrom('counters').select(['size_band', 'events', 'bytes']).orderBy('size_band').execute();
    const values = await db.selectFrom('counter_values').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const guards = await db.selectFrom('replay_guards').select('event_hash').execute();
    const tallies = await db.selectFrom('ingest_tallies').select(['outcome', 'events']).orderBy('outcome').execute();
    return {
      counters: counters.map((row) => ({ ...row, events: toCount(row.events), bytes: toCount(row.bytes) })),
      guards: guards.length,
      values: Number(values.n),
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
    expect(await state()).toEqual({ counters: [], guards: 0, values: 0, tallies: { invalid_event: 2 } });
  });

  it('a batch whose last statement fails leaves no counter, guard, tally or value id behind', async () => {
    const input = { batchId: 99, orgId: org.orgId, writtenAt: testApp.clock.now().toISOString(), events: [stagedEvent(1)], knownTallies: [] };
    await expect(run(input, true)).rejects.toThrow();
    expect(await state()).toEqual({ counters: [], guards: 0, values: 0, tallies: {} });
  });

  it('stores each text value once, with one id, however many cells and batches use it', async () => {
    const small = { transfer: { ...(transferEvent().transfer as object), sizeBytes: 10 } };
    expect(await write(1, [stagedEvent(1), stagedEvent(2, small)])).toBe(2);
    const { db } = testApp.deps.database;
    const first = await db.selectFrom('counter_values').selectAll().orderBy('id').execute();
    // Thirteen text columns; the two cells differ in their size band only.
    expect(first).toHaveLength(14);
    expect(new Set(first.map((row) => `${row.column_name}=${row.value}`)).size).toBe(14);
    expect(await write(2, [stagedEvent(3), stagedEvent(4, small)])).toBe(2);
    expect(await db.selectFrom('counter_values').selectAll().orderBy('id').execute()).toEqual(first);
    expect((await state()).counters.map((row) => row.events)).toEqual([2, 2]);
  });
});

describe.each(TEST_DIALECTS)('concurrent batches storing new values on %s (set-based plan)', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;
  beforeEach(async () => {
    testApp = await createTestApp({ dialect });
    org = await registerConsentingOrg(testApp);
  });
  afterEach(() => testApp.dispose());

  it('all commit, and every value gets one id that all their counters use', async () => {
    const { database } = testApp.deps;
    const small = { transfer: { ...(transferEvent().transfer as object), sizeBytes: 10 } };
    // Eight batches at once, each with events no other batch has, all in the same two cells whose
    // values none of them finds stored: on PostgreSQL they race for the same value keys.
    const batches = Array.from({ length: 8 }, (_, batch) =>
      buildBatchWrite(database.db, database.dialect, {
        batchId: 100 + batch,
        orgId: org.orgId,
        writtenAt: testApp.clock.now().toISOString(),
        events: [stagedEvent(batch * 10 + 1), stagedEvent(batch * 10 + 2, small), stagedEvent(batch * 10 + 3)],
        knownTallies: [],
      }),
    );
    const results = await Promise.all(batches.map((plan) => database.executeAtomically(plan.queries)));
    expect(results.map((result, index) => result[batches[index]!.acceptedResultIndex]?.rows.length)).toEqual(Array(8).fill(3));
    const values = await database.db.selectFrom('counter_values').select(['column_name', 'value']).execute();
    expect(values).toHaveLength(14);
    const counters = await database.db.selectFrom('counters').select(['size_band', 'events']).orderBy('size_band').execute();
    expect(counters.map((row) => toCount(row.events)).sort((a, b) => a - b)).toEqual([8, 16]);
    const stored = await database.db.selectFrom('coded_counters').select((eb) => eb.fn.sum<number | string>('events').as('n')).executeTakeFirstOrThrow();
    expect(toCount(stored.n)).toBe(24);
  });
});
