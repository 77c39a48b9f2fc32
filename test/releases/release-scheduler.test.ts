import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SchedulerTimers, startReleaseScheduler } from '../../src/node/release-scheduler';
import { bundledDatasetSpecs } from '../../src/datasets/dataset-registry';
import { createTestApp, type TestApp } from '../support/test-app';
import { AFTER_GRACE, crowd, insertCounters, TEST_RELEASE_CONFIG } from './release-fixtures';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: SchedulerTimers = {
    setTimeout: (run) => {
      next += 1;
      pending.set(next, run);
      return next;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
  };
  return { timers, pending };
}

const releasedPeriods = async (testApp: TestApp) =>
  (await testApp.deps.database.db.selectFrom('period_releases').select(['period', 'status']).orderBy('period').execute()).map(
    (row) => `${row.period}:${row.status}`,
  );

describe('in-process release scheduler', () => {
  let testApp: TestApp;
  beforeEach(async () => {
    testApp = await createTestApp({ config: TEST_RELEASE_CONFIG });
  });
  afterEach(() => testApp.dispose());

  it('catches up on start (as after a restart), then releases each period as it falls due, idempotently', async () => {
    await insertCounters(testApp.testDatabase.database, crowd(20, { period: '2026-W47' }));
    testApp.clock.set(AFTER_GRACE);
    const { timers, pending } = manualTimers();
    const scheduler = startReleaseScheduler(testApp.deps, { intervalMs: 60_000, timers });

    const first = await scheduler.runOnce(); // joins the start-up check already running
    expect(first?.released.map((result) => result.period)).toEqual(['2026-W47', '2026-W48']);
    expect(await releasedPeriods(testApp)).toEqual(['2026-W47:completed', '2026-W48:completed']);
    await Promise.resolve();
    expect(pending.size).toBe(1);

    // Nothing new is due: a check changes nothing.
    expect((await scheduler.runOnce())?.released).toEqual([]);

    // A week later 2026-W49 has ended and its grace window passed.
    testApp.clock.advance(7 * 86_400_000);
    const [id, tick] = [...pending.entries()][0]!;
    pending.delete(id);
    tick();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await scheduler.runOnce();
    expect(await releasedPeriods(testApp)).toEqual(['2026-W47:completed', '2026-W48:completed', '2026-W49:completed']);
    const audit = await testApp.deps.database.db.selectFrom('audit_log').select('actor_id').where('action', '=', 'release.published').execute();
    expect(new Set(audit.map((row) => row.actor_id))).toEqual(new Set(['release-scheduler']));

    await scheduler.stop();
    expect(pending.size).toBe(0);
  });

  it('two schedulers on one database release each period once', async () => {
    await insertCounters(testApp.testDatabase.database, crowd(20, { period: '2026-W48' }));
    testApp.clock.set(AFTER_GRACE);
    const one = startReleaseScheduler(testApp.deps, { timers: manualTimers().timers });
    const two = startReleaseScheduler(testApp.deps, { timers: manualTimers().timers });
    await Promise.all([one.runOnce(), two.runOnce()]);
    await Promise.all([one.stop(), two.stop()]);
    const ledger = await testApp.deps.database.db.selectFrom('budget_ledger').select('dataset_id').where('period', '=', '2026-W48').execute();
    expect(ledger).toHaveLength(bundledDatasetSpecs().length);
  });

  it('logs and survives a failing check', async () => {
    testApp.clock.set(AFTER_GRACE);
    await insertCounters(testApp.testDatabase.database, crowd(20, { period: '2026-W48' }));
    const database = testApp.deps.database;
    const original = database.executeAtomically;
    database.executeAtomically = async () => {
      throw new Error('disk full');
    };
    const scheduler = startReleaseScheduler(testApp.deps, { timers: manualTimers().timers });
    expect(await scheduler.runOnce()).toBeUndefined();
    database.executeAtomically = original;
    expect(testApp.logLines.some((line) => line.includes('release failed') && line.includes('2026-W48'))).toBe(true);
    // The lock of the failed attempt is resumed once its lease expires.
    testApp.clock.advance(16 * 60_000);
    expect((await scheduler.runOnce())?.released.map((result) => result.period)).toEqual(['2026-W48']);
    await scheduler.stop();
  });
});
