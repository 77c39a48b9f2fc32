/**
 * Release storage: the collect-once lock (period_releases), published releases and their files, the
 * budget ledger and the signing keys. Plain query functions taking the db first; the write side
 * returns compiled queries so the release job can run them as one atomic unit on every dialect.
 */
import { type CompiledQuery, type Kysely, type Selectable, sql } from 'kysely';
import { isUniqueViolation } from '../db/constraint-errors';
import type { Database } from '../db/database';
import type { DB, PeriodReleasesTable, ReleaseFilesTable, ReleasesTable } from '../db/schema';

export type PeriodReleaseRow = Selectable<PeriodReleasesTable>;
export type ReleaseRow = Selectable<ReleasesTable>;
export type ReleaseFileRow = Selectable<ReleaseFilesTable>;
export type ReleaseFileInfo = Omit<ReleaseFileRow, 'content'>;

export const PERIOD_STATUS = { started: 'started', completed: 'completed' } as const;

/**
 * Takes the collect-once lock by inserting the period's row. The primary key decides between
 * concurrent callers on every dialect: exactly one insert succeeds.
 */
export async function tryInsertPeriodLock(db: Kysely<DB>, period: string, startedAt: string): Promise<boolean> {
  try {
    await db
      .insertInto('period_releases')
      .values({ period, started_at: startedAt, completed_at: null, status: PERIOD_STATUS.started })
      .execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/**
 * Takes over an abandoned 'started' lock: compare-and-set on started_at, so of several callers that
 * saw the same stale row only one gets it.
 */
export async function takeOverPeriodLock(db: Kysely<DB>, period: string, observedStartedAt: string, startedAt: string): Promise<boolean> {
  const result = await db
    .updateTable('period_releases')
    .set({ started_at: startedAt })
    .where('period', '=', period)
    .where('status', '=', PERIOD_STATUS.started)
    .where('started_at', '=', observedStartedAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function findPeriodRelease(db: Kysely<DB>, period: string): Promise<PeriodReleaseRow | undefined> {
  return db.selectFrom('period_releases').selectAll().where('period', '=', period).executeTakeFirst();
}

export function listPeriodReleases(db: Kysely<DB>): Promise<PeriodReleaseRow[]> {
  return db.selectFrom('period_releases').selectAll().orderBy('period').execute();
}

/** Periods that still hold counters, oldest first. */
export async function listPeriodsWithCounters(db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('coded_counters').select('period').distinct().orderBy('period').execute();
  return rows.map((row) => row.period);
}

/** The earliest consent grant: telemetry cannot exist before it, so no period before it needs a release. */
export async function earliestConsentGrant(db: Kysely<DB>): Promise<string | undefined> {
  const row = await db
    .selectFrom('consents')
    .select((eb) => eb.fn.min<string>('granted_at').as('first'))
    .executeTakeFirst();
  return row?.first ?? undefined;
}

export interface ChainHead {
  /** Releases of the dataset so far (the chain's length). */
  length: number;
  head: { id: string; sha256: string } | null;
}

/** The dataset's latest release: the one no other release names as its predecessor. */
export async function findChainHead(db: Kysely<DB>, datasetId: string): Promise<ChainHead> {
  const [count, head] = await Promise.all([
    db
      .selectFrom('releases')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('dataset_id', '=', datasetId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('releases as r')
      .select(['r.id', 'r.package_sha256'])
      .where('r.dataset_id', '=', datasetId)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('releases as s').select('s.id').whereRef('s.previous_release_id', '=', 'r.id'))),
      )
      .executeTakeFirst(),
  ]);
  return { length: Number(count.n), head: head ? { id: head.id, sha256: head.package_sha256 } : null };
}

/**
 * A statement that fails (NOT NULL violation) when the dataset's chain no longer has `length`
 * releases, i.e. another release was appended since the package was built. It makes the whole
 * atomic unit roll back instead of forking the chain; every dialect rejects the NULL.
 */
export function chainUnchangedGuardQuery(db: Kysely<DB>, datasetId: string, length: number): CompiledQuery {
  return sql`INSERT INTO period_releases (period, started_at, completed_at, status)
             SELECT ${`chain-guard:${datasetId}`}, NULL, NULL, 'chain-guard'
             WHERE (SELECT count(*) FROM releases WHERE dataset_id = ${datasetId}) <> ${length}`.compile(db);
}

export function insertReleaseQuery(db: Kysely<DB>, row: ReleaseRow): CompiledQuery {
  return db.insertInto('releases').values(row).compile();
}

export function insertReleaseFileQuery(db: Kysely<DB>, row: ReleaseFileRow): CompiledQuery {
  return db.insertInto('release_files').values(row).compile();
}

export interface BudgetCharge {
  id: string;
  period: string;
  datasetId: string;
  releaseId: string;
  rho: number;
  epsilon: number;
  delta: number;
  chargedAt: string;
}

/** One charge per (period, dataset): the ledger's unique key refuses a second one. */
export function insertBudgetChargeQuery(db: Kysely<DB>, charge: BudgetCharge): CompiledQuery {
  // The migration declares budget_ledger.id as a text primary key; the table type says Generated<number>.
  return sql`INSERT INTO budget_ledger (id, period, dataset_id, release_id, rho, epsilon, delta, charged_at)
             VALUES (${charge.id}, ${charge.period}, ${charge.datasetId}, ${charge.releaseId}, ${charge.rho},
                     ${charge.epsilon}, ${charge.delta}, ${charge.chargedAt})`.compile(db);
}

/** Every budget charge, one per (period, dataset): what the yearly-budget check composes. */
export async function listBudgetCharges(db: Kysely<DB>): Promise<{ period: string; rho: number }[]> {
  const rows = await db.selectFrom('budget_ledger').select(['period', 'rho']).orderBy('period').orderBy('dataset_id').execute();
  return rows.map((row) => ({ period: row.period, rho: Number(row.rho) }));
}

export async function countBudgetCharges(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('budget_ledger')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A statement that fails the atomic unit (NOT NULL violation, like the chain guard) when the ledger
 * no longer holds `charges` rows: another period was charged after this release checked the yearly
 * budget, so the check must be made again before this one charges.
 */
export function ledgerUnchangedGuardQuery(db: Kysely<DB>, charges: number): CompiledQuery {
  return sql`INSERT INTO period_releases (period, started_at, completed_at, status)
             SELECT 'ledger-guard', NULL, NULL, 'ledger-guard'
             WHERE (SELECT count(*) FROM budget_ledger) <> ${charges}`.compile(db);
}

/**
 * Gives up a 'started' lock this caller holds (compare-and-delete on started_at), after a refusal
 * discovered once the lock was taken: nothing was published, so the period is simply due again.
 */
export async function dropPeriodLock(db: Kysely<DB>, period: string, startedAt: string): Promise<void> {
  await db
    .deleteFrom('period_releases')
    .where('period', '=', period)
    .where('status', '=', PERIOD_STATUS.started)
    .where('started_at', '=', startedAt)
    .execute();
}

/** The newest audit entry's hash: what a release anchors (never its sequence number, which counts events). */
export async function findAuditHeadHash(db: Kysely<DB>): Promise<string | null> {
  const row = await db.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row?.hash ?? null;
}

export function completePeriodQuery(db: Kysely<DB>, period: string, completedAt: string): CompiledQuery {
  return db
    .updateTable('period_releases')
    .set({ status: PERIOD_STATUS.completed, completed_at: completedAt })
    .where('period', '=', period)
    .compile();
}

/**
 * Retention, one bounded chunk at a time: deletes the period's counters of the first contributors
 * (in key order) covering about `rows` rows. Returns the number of rows deleted (0 when none are left).
 *
 * The chunk's last contributor is read first and bound as a value. With a sub-select in the
 * DELETE's WHERE, SQLite first collects the key of every row to delete and then seeks each one
 * again; with a bound value it deletes as it walks the key range, in one pass (measured: 40% less
 * CPU for the 2,000,000 rows of `npm run bench:release`).
 */
export async function deletePeriodCountersChunk(db: Kysely<DB>, period: string, rows: number): Promise<number> {
  const last = await db
    .selectFrom('coded_counters')
    .select('contributor')
    .where('period', '=', period)
    .orderBy('contributor')
    .limit(1)
    .offset(Math.max(0, rows - 1))
    .executeTakeFirst();
  let query = db.deleteFrom('coded_counters').where('period', '=', period);
  // Fewer than `rows` rows left: the chunk is the rest of the period.
  if (last) query = query.where('contributor', '<=', last.contributor);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Retention of a period that holds nearly all the counters, on embedded SQLite, in one transaction:
 * the other periods' rows are set aside in a temporary table, the counters table is cleared, and
 * they go back. A DELETE without a WHERE lets SQLite free the table's pages without visiting its
 * rows, where a range delete takes every row out of the B-tree one by one (measured on the 2,000,000
 * rows of `npm run bench:release`: 0.2–0.3 s against 1.6 s in chunks). It runs only when the other
 * periods hold at most `maxKeptRows` rows and fewer than the period itself, so the writer lock is held
 * about as briefly as for a few chunks; typically the next period's first days when a period is
 * released after its grace window. Returns the number of the period's rows deleted, or undefined when
 * the condition does not hold (then the chunked delete does the work).
 */
export async function clearPeriodCountersAtOnce(database: Pick<Database, 'db' | 'runSynchronousTransaction'>, period: string, maxKeptRows: number): Promise<number | undefined> {
  if (!database.runSynchronousTransaction) return undefined;
  const others = async (comparison: '<' | '>') =>
    (await database.db.selectFrom('coded_counters').select('period').where('period', comparison, period).limit(maxKeptRows + 1).execute()).length;
  const kept = (await others('<')) + (await others('>'));
  if (kept > maxKeptRows) return undefined;
  const own = (await database.db.selectFrom('coded_counters').select('period').where('period', '=', period).limit(kept + 1).execute()).length;
  if (own <= kept) return undefined;
  return database.runSynchronousTransaction((sqlite) => {
    sqlite.prepare('DROP TABLE IF EXISTS temp.retention_kept_counters').run();
    sqlite.prepare('CREATE TEMP TABLE retention_kept_counters AS SELECT * FROM coded_counters WHERE period <> ?').run(period);
    const cleared = sqlite.prepare('DELETE FROM coded_counters').run().changes;
    const restored = sqlite.prepare('INSERT INTO coded_counters SELECT * FROM temp.retention_kept_counters').run().changes;
    sqlite.prepare('DROP TABLE temp.retention_kept_counters').run();
    return cleared - restored;
  });
}

/** Retention for replay guards, one chunk of at most `rows` rows. */
export async function deletePeriodReplayGuardsChunk(db: Kysely<DB>, period: string, rows: number): Promise<number> {
  const result = await sql`DELETE FROM replay_guards WHERE (event_day, event_hash) IN (
      SELECT event_day, event_hash FROM replay_guards WHERE period = ${period} LIMIT ${rows})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Whether the period still holds counters or replay guards. */
export async function periodHoldsData(db: Kysely<DB>, period: string): Promise<boolean> {
  const [counter, guard] = await Promise.all([
    db.selectFrom('coded_counters').select('period').where('period', '=', period).limit(1).executeTakeFirst(),
    db.selectFrom('replay_guards').select('period').where('period', '=', period).limit(1).executeTakeFirst(),
  ]);
  return counter !== undefined || guard !== undefined;
}

/** Released periods that still hold counters or replay guards (a purge interrupted by a crash). */
export async function listReleasedPeriodsWithData(db: Kysely<DB>): Promise<string[]> {
  const rows = await db
    .selectFrom('period_releases as p')
    .select('p.period')
    .where('p.status', '=', PERIOD_STATUS.completed)
    .where(({ or, exists, selectFrom }) =>
      or([
        exists(selectFrom('coded_counters as c').select('c.period').whereRef('c.period', '=', 'p.period')),
        exists(selectFrom('replay_guards as g').select('g.period').whereRef('g.period', '=', 'p.period')),
      ]),
    )
    .orderBy('p.period')
    .execute();
  return rows.map((row) => row.period);
}

export function insertSigningKeyQuery(db: Kysely<DB>, key: { kid: string; publicJwk: string; createdAt: string }): CompiledQuery {
  return db
    .insertInto('signing_keys')
    .values({ kid: key.kid, public_jwk: key.publicJwk, created_at: key.createdAt, retired_at: null })
    .onConflict((oc) => oc.column('kid').doNothing())
    .compile();
}

export function listSigningKeys(db: Kysely<DB>) {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
}

const releaseSummaryColumns = [
  'id',
  'dataset_id',
  'period',
  'created_at',
  'package_sha256',
  'previous_release_id',
  'previous_package_sha256',
  'signing_key_id',
] as const;

export type ReleaseSummaryRow = Pick<ReleaseRow, (typeof releaseSummaryColumns)[number]>;

/** A dataset's releases, newest period first. */
export function listReleasesOfDataset(db: Kysely<DB>, datasetId: string): Promise<ReleaseSummaryRow[]> {
  return db
    .selectFrom('releases')
    .select(releaseSummaryColumns)
    .where('dataset_id', '=', datasetId)
    .orderBy('period', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

export function findRelease(db: Kysely<DB>, releaseId: string): Promise<ReleaseRow | undefined> {
  return db.selectFrom('releases').selectAll().where('id', '=', releaseId).executeTakeFirst();
}

export function listReleaseFiles(db: Kysely<DB>, releaseId: string): Promise<ReleaseFileInfo[]> {
  return db
    .selectFrom('release_files')
    .select(['release_id', 'path', 'media_type', 'bytes', 'sha256'])
    .where('release_id', '=', releaseId)
    .orderBy('path')
    .execute();
}

export function findReleaseFile(db: Kysely<DB>, releaseId: string, path: string): Promise<ReleaseFileRow | undefined> {
  return db.selectFrom('release_files').selectAll().where('release_id', '=', releaseId).where('path', '=', path).executeTakeFirst();
}

/** Each dataset's release of the most recent period (optionally for one dataset only). */
export async function listLatestReleases(db: Kysely<DB>, datasetId?: string): Promise<Map<string, ReleaseSummaryRow>> {
  let query = db.selectFrom('releases').select(releaseSummaryColumns).orderBy('period', 'desc').orderBy('created_at', 'desc');
  if (datasetId !== undefined) query = query.where('dataset_id', '=', datasetId);
  const latest = new Map<string, ReleaseSummaryRow>();
  for (const row of await query.execute()) if (!latest.has(row.dataset_id)) latest.set(row.dataset_id, row);
  return latest;
}

/** Erasure receipts written so far; a release reads this before its counters (see erasuresUnchangedGuardQuery). */
export async function countErasures(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('erasures').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A statement that fails the release unit (NOT NULL violation, like the chain guard) when an
 * erasure was written after the release began reading its counters: erasure also deletes rows of a
 * period whose release has only started, so results computed before it may hold an organization
 * that has since withdrawn. The job then reads the counters again and recomputes.
 */
export function erasuresUnchangedGuardQuery(db: Kysely<DB>, erasures: number): CompiledQuery {
  return sql`INSERT INTO period_releases (period, started_at, completed_at, status)
             SELECT 'erasure-guard', NULL, NULL, 'erasure-guard'
             WHERE (SELECT count(*) FROM erasures) <> ${erasures}`.compile(db);
}

/** The `path` file of a dataset's newest `limit` releases (newest period first): what a trend across periods reads. */
export function listReleaseFilesOfDataset(
  db: Kysely<DB>,
  datasetId: string,
  path: string,
  limit: number,
): Promise<{ release_id: string; period: string; content: string }[]> {
  return db
    .selectFrom('releases as r')
    .innerJoin('release_files as f', 'f.release_id', 'r.id')
    .select(['r.id as release_id', 'r.period', 'f.content'])
    .where('r.dataset_id', '=', datasetId)
    .where('f.path', '=', path)
    .orderBy('r.period', 'desc')
    .orderBy('r.created_at', 'desc')
    .limit(limit)
    .execute();
}
