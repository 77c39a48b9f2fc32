import { DeleteQueryNode, type RootOperationNode, TableNode } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledDatasetSpecs } from '../../src/datasets/dataset-registry';
import { AppError } from '../../src/errors';
import { datasetCatalogueOf } from '../../src/releases/dataset-catalogue';
import { purgePeriodData, purgeReleasedPeriods } from '../../src/releases/period-retention';
import { findDuePeriods, releaseDuePeriods, releasePeriod } from '../../src/releases/release-period';
import { createTestApp, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import {
  AFTER_GRACE,
  countRows,
  crowd,
  insertCounters,
  insertReplayGuards,
  NEXT_PERIOD,
  PERIOD,
  RELEASABLE_AT,
  SYSTEM_ACTOR,
  TEST_RELEASE_CONFIG,
} from './release-fixtures';

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

/** Every period releases each dataset of the catalogue once. */
const DATASETS = bundledDatasetSpecs().length;

/** Whether a query (as Kysely hands it to a plugin) is a DELETE from `table`. */
function deletesFrom(node: RootOperationNode, table: string): boolean {
  if (!DeleteQueryNode.is(node)) return false;
  return node.from.froms.some((from) => TableNode.is(from) && from.table.identifier.name === table);
}

describe.each(TEST_DIALECTS)('release job on %s', (dialect) => {
  let testApp: TestApp;

  beforeEach(async () => {
    testApp = await createTestApp({ dialect, config: TEST_RELEASE_CONFIG });
  });
  afterEach(() => testApp.dispose());

  const release = (period = PERIOD, extra: Partial<Parameters<typeof releasePeriod>[1]> = {}) =>
    releasePeriod(testApp.deps, { period, actor: SYSTEM_ACTOR, ...extra });

  it('publishes every dataset once, charges the budget, audits, and deletes the period counters and replay guards', async () => {
    await insertCounters(testApp.testDatabase.database, [...crowd(20), ...crowd(5, { period: NEXT_PERIOD })]);
    await insertReplayGuards(testApp.testDatabase.database, PERIOD, 7);
    testApp.clock.set(AFTER_GRACE);

    const result = await release();
    const catalogue = datasetCatalogueOf(testApp.deps);
    expect(result.releases.map((published) => published.datasetId)).toEqual(catalogue.datasets.map((dataset) => dataset.spec.id));
    expect(result.countersDeleted).toBe(20);
    expect(result.replayGuardsDeleted).toBe(7);
    expect(result.resumed).toBe(false);
    // The crowd's one cell is AI training data crossing a boundary: every dataset publishes it.
    // The crowd's key is published; with public keys an empty key is published now and then too, when
    // noise lifts its organization count to k (about 0.3% of keys with this test budget).
    for (const published of result.releases) expect(published.cells).toBeGreaterThanOrEqual(1);
    for (const published of result.releases) expect(published.cells).toBeLessThanOrEqual(5);

    const db = testApp.deps.database.db;
    expect(await countRows(testApp.deps.database, 'counters', PERIOD)).toBe(0);
    expect(await countRows(testApp.deps.database, 'counters', NEXT_PERIOD)).toBe(5);
    expect(await countRows(testApp.deps.database, 'replay_guards', PERIOD)).toBe(0);
    const ledger = await db.selectFrom('budget_ledger').selectAll().where('period', '=', PERIOD).orderBy('dataset_id').execute();
    expect(ledger).toHaveLength(catalogue.datasets.length);
    const charged = ledger.reduce((sum, row) => sum + Number(row.rho), 0);
    expect(charged).toBeLessThanOrEqual(TEST_RELEASE_CONFIG.periodBudgetRho!);
    expect(charged).toBeGreaterThan(TEST_RELEASE_CONFIG.periodBudgetRho! * 0.99);
    const lock = await db.selectFrom('period_releases').selectAll().where('period', '=', PERIOD).executeTakeFirstOrThrow();
    expect(lock.status).toBe('completed');
    const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'release.published').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details).releases).toHaveLength(catalogue.datasets.length);
    const signingKeys = await db.selectFrom('signing_keys').selectAll().execute();
    expect(signingKeys).toHaveLength(1);
  });

  it('refuses a period that has not ended or whose grace window has not passed', async () => {
    testApp.clock.set(new Date(RELEASABLE_AT.getTime() - 1000));
    const error = await refusal(release());
    expect(error.code).toBe('period-not-releasable');
    expect(error.extensions.releasableAt).toBe(RELEASABLE_AT.toISOString());
    expect(await countRows(testApp.deps.database, 'period_releases')).toBe(0);
  });

  it('refuses a malformed period id', async () => {
    testApp.clock.set(AFTER_GRACE);
    expect((await refusal(release('2026-11-30'))).code).toBe('invalid-request');
    expect((await refusal(release('2027-W53'))).code).toBe('invalid-request');
  });

  it('releases a period once: a second attempt is refused and changes nothing', async () => {
    await insertCounters(testApp.testDatabase.database, crowd(20));
    testApp.clock.set(AFTER_GRACE);
    await release();
    const error = await refusal(release());
    expect(error.code).toBe('already-released');
    expect(await countRows(testApp.deps.database, 'releases')).toBe(DATASETS);
    expect(await countRows(testApp.deps.database, 'budget_ledger')).toBe(DATASETS);
  });

  it('under concurrent attempts writes exactly one release and one charge per dataset', async () => {
    await insertCounters(testApp.testDatabase.database, crowd(20));
    testApp.clock.set(AFTER_GRACE);
    const attempts = await Promise.allSettled(Array.from({ length: 6 }, () => release()));
    const succeeded = attempts.filter((attempt) => attempt.status === 'fulfilled');
    expect(succeeded).toHaveLength(1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') expect(['conflict', 'already-released']).toContain((attempt.reason as AppError).code);
    }
    expect(await countRows(testApp.deps.database, 'releases', PERIOD)).toBe(DATASETS);
    expect(await countRows(testApp.deps.database, 'budget_ledger', PERIOD)).toBe(DATASETS);
    const audit = await testApp.deps.database.db.selectFrom('audit_log').select('seq').where('action', '=', 'release.published').execute();
    expect(audit).toHaveLength(1);
  });

  it('keeps the chain linear when different periods are released concurrently', async () => {
    await insertCounters(testApp.testDatabase.database, [...crowd(20), ...crowd(20, { period: '2026-W47' }), ...crowd(20, { period: '2026-W46' })]);
    testApp.clock.set(AFTER_GRACE);
    await Promise.all(['2026-W46', '2026-W47', PERIOD].map((period) => release(period)));
    const rows = await testApp.deps.database.db.selectFrom('releases').select(['id', 'dataset_id', 'previous_release_id']).execute();
    for (const datasetId of new Set(rows.map((row) => row.dataset_id))) {
      const chain = rows.filter((row) => row.dataset_id === datasetId);
      expect(chain).toHaveLength(3);
      const previous = chain.map((row) => row.previous_release_id);
      expect(previous.filter((id) => id === null)).toHaveLength(1);
      expect(new Set(previous).size).toBe(3); // no two releases extend the same predecessor
    }
  });

  it('a stale started lock (a crashed release) is resumed after its lease, without a double charge', async () => {
    await insertCounters(testApp.testDatabase.database, crowd(20));
    const db = testApp.deps.database.db;
    testApp.clock.set(AFTER_GRACE);
    await db.insertInto('period_releases').values({ period: PERIOD, started_at: AFTER_GRACE.toISOString(), completed_at: null, status: 'started' }).execute();

    testApp.clock.advance(60_000);
    expect((await refusal(release())).code).toBe('conflict');

    testApp.clock.advance(15 * 60_000);
    const result = await release();
    expect(result.resumed).toBe(true);
    expect(await countRows(testApp.deps.database, 'budget_ledger', PERIOD)).toBe(DATASETS);
    expect((await refusal(release())).code).toBe('already-released');
  });

  it('a release that fails while writing leaves nothing published and can be redone', async () => {
    await insertCounters(testApp.testDatabase.database, crowd(20));
    testApp.clock.set(AFTER_GRACE);
    const database = testApp.deps.database;
    const original = database.executeAtomically;
    let failNext = true;
    database.executeAtomically = async (queries) => {
      if (failNext && queries.length > 10) {
        failNext = false;
        // As if the process died before the unit committed.
        throw new Error('simulated crash before commit');
      }
      return original.call(database, queries);
    };
    try {
      await expect(release()).rejects.toThrow();
    } finally {
      database.executeAtomically = original;
    }
    expect(await countRows(database, 'releases')).toBe(0);
    expect(await countRows(database, 'budget_ledger')).toBe(0);
    expect(await countRows(database, 'counters', PERIOD)).toBe(20);
    const lock = await database.db.selectFrom('period_releases').selectAll().executeTakeFirstOrThrow();
    expect(lock.status).toBe('started');

    const redone = await release(PERIOD, { takeOverStartedLock: true });
    expect(redone.resumed).toBe(true);
    expect(await countRows(database, 'budget_ledger', PERIOD)).toBe(DATASETS);
  });

  it('retention interrupted by a failure is finished by the next scheduled run, and audited', async () => {
    await insertCounters(testApp.testDatabase.database, crowd(20));
    await insertReplayGuards(testApp.testDatabase.database, PERIOD, 30);
    testApp.clock.set(AFTER_GRACE);
    const db = testApp.deps.database.db;
    // The first retention delete fails, as if the process died right after publishing.
    let failed = false;
    const failingDb = db.withPlugin({
      transformQuery: ({ node }) => {
        if (!failed && deletesFrom(node, 'coded_counters')) {
          failed = true;
          throw new Error('connection lost');
        }
        return node;
      },
      transformResult: async ({ result }) => result,
    });
    // On embedded SQLite the period's counters are cleared in one synchronous transaction: fail that too.
    const { runSynchronousTransaction } = testApp.deps.database;
    const failingDatabase = {
      ...testApp.deps.database,
      db: failingDb,
      ...(runSynchronousTransaction
        ? {
            runSynchronousTransaction: <T>(work: Parameters<typeof runSynchronousTransaction<T>>[0]) => {
              if (failed) return runSynchronousTransaction(work);
              failed = true;
              return Promise.reject(new Error('connection lost'));
            },
          }
        : {}),
    };
    const result = await releasePeriod({ ...testApp.deps, database: failingDatabase }, { period: PERIOD, actor: SYSTEM_ACTOR });
    expect(failed).toBe(true);
    expect(result.retentionComplete).toBe(false);
    expect(await countRows(testApp.deps.database, 'counters', PERIOD)).toBe(20);
    expect(await countRows(testApp.deps.database, 'releases', PERIOD)).toBe(DATASETS);

    // Asking to release it again says that its retention is unfinished and how to finish it.
    const again = await releasePeriod(testApp.deps, { period: PERIOD, actor: SYSTEM_ACTOR }).catch((error: unknown) => error);
    expect(again).toMatchObject({ code: 'already-released', extensions: { period: PERIOD, retentionComplete: false } });
    expect((again as Error).message).toMatch(/retention is unfinished/);
    expect((again as Error).message).toMatch(/npm run release -- --finish-retention/);

    const outcome = await releaseDuePeriods(testApp.deps);
    expect(outcome.released).toEqual([]);
    expect(await countRows(testApp.deps.database, 'counters', PERIOD)).toBe(0);
    expect(await countRows(testApp.deps.database, 'replay_guards', PERIOD)).toBe(0);
    const audit = await db.selectFrom('audit_log').select('details').where('action', '=', 'release.retention_completed').execute();
    expect(audit.map((row) => JSON.parse(row.details))).toEqual([{ period: PERIOD, countersDeleted: 20, replayGuardsDeleted: 30, countsArePartial: true }]);
    const done = await releasePeriod(testApp.deps, { period: PERIOD, actor: SYSTEM_ACTOR }).catch((error: unknown) => error);
    expect(done).toMatchObject({ code: 'already-released', extensions: { retentionComplete: true } });
    expect((done as Error).message).not.toMatch(/retention/);
  });

  it('a purge interrupted after deleting some rows is finished later, and its audit entry is labelled partial', async () => {
    await insertCounters(testApp.testDatabase.database, crowd(20));
    await insertReplayGuards(testApp.testDatabase.database, PERIOD, 30);
    testApp.clock.set(AFTER_GRACE);
    await release();
    // The release's own purge was complete: its entry is not partial.
    const db = testApp.deps.database.db;
    const entries = async () =>
      (await db.selectFrom('audit_log').select('details').where('action', '=', 'release.retention_completed').orderBy('seq').execute()).map((row) =>
        JSON.parse(row.details),
      );
    expect(await entries()).toEqual([{ period: PERIOD, countersDeleted: 20, replayGuardsDeleted: 30 }]);

    // Another released period whose purge dies after its first chunk of 8 counter rows. A later
    // period holds more rows than the purge would set aside to clear the table at once (5 chunks).
    await insertCounters(testApp.testDatabase.database, crowd(20, { period: NEXT_PERIOD }));
    await insertCounters(testApp.testDatabase.database, crowd(41, { period: '2026-W50' }));
    await insertReplayGuards(testApp.testDatabase.database, NEXT_PERIOD, 12);
    await db
      .insertInto('period_releases')
      .values({ period: NEXT_PERIOD, status: 'completed', started_at: AFTER_GRACE.toISOString(), completed_at: AFTER_GRACE.toISOString() })
      .execute();
    const interrupted = await purgePeriodData(testApp.deps, NEXT_PERIOD, {
      chunkRows: 8,
      onChunk: () => {
        throw new Error('process killed');
      },
    }).catch((error: unknown) => error);
    expect(interrupted).toBeInstanceOf(Error);
    expect(await countRows(testApp.deps.database, 'counters', NEXT_PERIOD)).toBe(12);

    const finished = await purgeReleasedPeriods(testApp.deps);
    expect(finished).toEqual([{ period: NEXT_PERIOD, countersDeleted: 12, replayGuardsDeleted: 12 }]);
    // The entry does not present the finishing run's 12 rows as the whole purge of 20.
    expect((await entries()).at(-1)).toEqual({ period: NEXT_PERIOD, countersDeleted: 12, replayGuardsDeleted: 12, countsArePartial: true });
    expect(await countRows(testApp.deps.database, 'counters', '2026-W50')).toBe(41);
  });

  it('clears a period that holds nearly all the counters at once on embedded SQLite, keeping every other row as it was', async () => {
    await insertCounters(testApp.testDatabase.database, crowd(20));
    await insertCounters(testApp.testDatabase.database, [
      ...crowd(3, { period: '2026-W47', events: 4, bytes: 7 }),
      ...crowd(4, { period: NEXT_PERIOD, cell: { sector: 'health', mfa: 0 }, events: 9, bytes: 11 }),
    ]);
    const others = () =>
      testApp.deps.database.db.selectFrom('counters').selectAll().where('period', '<>', PERIOD).orderBy('period').orderBy('contributor').execute();
    const before = await others();
    expect(before).toHaveLength(7);
    const chunks: number[] = [];
    const result = await purgePeriodData(testApp.deps, PERIOD, { chunkRows: 2, onChunk: (deleted) => chunks.push(deleted) });
    expect(result.countersDeleted).toBe(20);
    expect(await countRows(testApp.deps.database, 'counters', PERIOD)).toBe(0);
    expect(await others()).toEqual(before);
    // At once (one step) where the embedded SQLite transaction is available; in 2-row chunks elsewhere.
    expect(chunks).toHaveLength(testApp.deps.database.runSynchronousTransaction ? 1 : 10);
  });

  it('chains each dataset: release N+1 names release N and the hash of its datapackage.json', async () => {
    await insertCounters(testApp.testDatabase.database, [...crowd(20, { period: '2026-W47' }), ...crowd(20)]);
    testApp.clock.set(AFTER_GRACE);
    const first = await release('2026-W47');
    const second = await release(PERIOD);
    for (const [index, published] of second.releases.entries()) {
      const previous = first.releases[index]!;
      expect(published.datasetId).toBe(previous.datasetId);
      expect(published.previousReleaseId).toBe(previous.id);
      expect(published.position).toBe(2);
      const row = await testApp.deps.database.db.selectFrom('releases').selectAll().where('id', '=', published.id).executeTakeFirstOrThrow();
      expect(row.previous_package_sha256).toBe(previous.packageSha256);
      expect(JSON.parse(row.datapackage).chain.previous).toEqual({ id: previous.id, sha256: previous.packageSha256 });
    }
  });

  it('releases an empty period as empty datasets (publishing never depends on whether anyone contributed)', async () => {
    testApp.clock.set(AFTER_GRACE);
    const result = await release();
    const catalogue = datasetCatalogueOf(testApp.deps);
    expect(result.releases).toHaveLength(catalogue.datasets.length);
    // Public keys: every declared key still has a row per measure, nearly all suppressed (nobody
    // contributed; noise lifts an empty key's count to k only now and then).
    for (const published of result.releases) {
      const dataset = catalogue.get(published.datasetId)!;
      expect(published.rows).toBe(dataset.publicKeys!.length * dataset.spec.measures.length);
      expect(published.cells).toBeLessThanOrEqual(5); // noise alone rarely reaches k
    }
    expect(await countRows(testApp.deps.database, 'budget_ledger', PERIOD)).toBe(catalogue.datasets.length);
  });

  it('releaseDuePeriods releases every ended period since the first consent, oldest first, and is idempotent', async () => {
    const db = testApp.deps.database.db;
    await db
      .insertInto('organizations')
      .values({ id: 'org-1', name: 'Org', sector: 'finance', size_band: '1-49', country: 'DE', created_at: '2026-11-10T00:00:00.000Z' })
      .execute();
    await db
      .insertInto('consents')
      .values({
        id: 'consent-1',
        org_id: 'org-1',
        scope: 'research-telemetry',
        policy_version: '1',
        policy_url: null,
        granted_by: 'someone',
        collection_method: 'signed_agreement',
        evidence_url: null,
        evidence_sha256: null,
        granted_at: '2026-11-11T09:00:00.000Z',
        expires_at: null,
        revoked_at: null,
        revoked_by: null,
        revoke_reason: null,
        recorded_by: 'test',
      })
      .execute();
    await insertCounters(testApp.testDatabase.database, crowd(20, { period: '2026-W47' }));
    testApp.clock.set(AFTER_GRACE);
    expect((await findDuePeriods(testApp.deps)).map((period) => period.id)).toEqual(['2026-W46', '2026-W47', PERIOD]);

    const outcome = await releaseDuePeriods(testApp.deps);
    expect(outcome.released.map((result) => result.period)).toEqual(['2026-W46', '2026-W47', PERIOD]);
    expect(outcome.released[1]!.countersDeleted).toBe(20);
    const again = await releaseDuePeriods(testApp.deps);
    expect(again.released).toEqual([]);
    expect(await findDuePeriods(testApp.deps)).toEqual([]);
  });
});
