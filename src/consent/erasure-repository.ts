/**
 * Queries behind erasure. An organization's contributions are the counter (`coded_counters`) and
 * replay-guard rows whose contributor is its pseudonym for that period (HMAC of org id and period, so
 * each pseudonym belongs to exactly one organization and one period). The value ids the counters
 * point to (`counter_values`) stay: each is one vocabulary word, shared by everyone and no one's data,
 * while the combination of an organization's words is in its counter rows, which go. Period and pseudonym lists travel as one
 * JSON parameter each, so a long list never meets D1's limit of 100 bound parameters per statement.
 */
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { DialectName } from '../db/database';
import type { DB, ErasuresTable } from '../db/schema';

export type ErasureRow = Selectable<ErasuresTable>;

/** Which rows an erasure targets: the organization's pseudonym in each of these periods. */
export interface ErasureTargets {
  periods: readonly string[];
  contributors: readonly string[];
}

/** A JSON array parameter as a one-column table, in each dialect's JSON function. */
function jsonList(dialect: DialectName, values: readonly string[]): RawBuilder<unknown> {
  const json = JSON.stringify(values);
  return dialect === 'postgres' ? sql`SELECT jsonb_array_elements_text(${json}::jsonb)` : sql`SELECT value FROM json_each(${json})`;
}

/**
 * `period IN (...) AND contributor IN (...)`. Exact, because a pseudonym exists in one period
 * only; and the period condition lets both tables use their (period, contributor) index.
 */
function targeted(dialect: DialectName, targets: ErasureTargets): RawBuilder<boolean> {
  return sql<boolean>`period IN (${jsonList(dialect, targets.periods)}) AND contributor IN (${jsonList(dialect, targets.contributors)})`;
}

/**
 * Published periods are never touched. A period whose release has only started (running now, or a
 * crashed run whose lock is not yet taken over) is erased like any unreleased one: the release's
 * write is guarded by the count of erasures it read under (release-unit.ts), so it recomputes
 * without the erased rows instead of publishing them.
 */
const notReleased = sql<boolean>`period NOT IN (SELECT period FROM period_releases WHERE status = 'completed')`;

/** How many periods have been published; an erasure is planned against this number. */
export async function countPublishedPeriods(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('period_releases')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('status', '=', 'completed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A statement that fails the erasure's atomic unit (NOT NULL violation, like the release guards)
 * when a period was published after the erasure was planned: its receipt would then list a period
 * it no longer erases and miss the new release. The service plans again and retries.
 */
export function publishedPeriodsUnchangedGuardQuery(db: Kysely<DB>, published: number) {
  return sql`INSERT INTO period_releases (period, started_at, completed_at, status)
             SELECT 'erasure-guard', NULL, NULL, 'erasure-guard'
             WHERE (SELECT count(*) FROM period_releases WHERE status = 'completed') <> ${published}`.compile(db);
}

/** Every period that still holds counters or replay guards and has not been released. */
export async function listUnreleasedStoredPeriods(db: Kysely<DB>): Promise<string[]> {
  const rows = await db
    .selectFrom('coded_counters')
    .select('period')
    .distinct()
    .where(notReleased)
    .union(db.selectFrom('replay_guards').select('period').distinct().where(notReleased))
    .execute();
  return rows.map((row) => row.period).sort();
}

/** The periods in which the targeted pseudonyms still hold rows. */
export async function listPeriodsHeldBy(db: Kysely<DB>, dialect: DialectName, targets: ErasureTargets): Promise<string[]> {
  if (targets.contributors.length === 0) return [];
  const rows = await db
    .selectFrom('coded_counters')
    .select('period')
    .distinct()
    .where(targeted(dialect, targets))
    .where(notReleased)
    .union(db.selectFrom('replay_guards').select('period').distinct().where(targeted(dialect, targets)).where(notReleased))
    .execute();
  return rows.map((row) => row.period).sort();
}

export interface ReleaseReference {
  releaseId: string;
  datasetId: string;
  period: string;
}

/**
 * Releases of the periods in which the organization had accepted events. Releases cannot be
 * attributed to one organization (that is the point of DP), so this is "may include", by period.
 */
export async function listReleasesOfContributedPeriods(db: Kysely<DB>, orgId: string): Promise<ReleaseReference[]> {
  const rows = await db
    .selectFrom('releases')
    .select(['id', 'dataset_id', 'period'])
    .where(
      'period',
      'in',
      db.selectFrom('ingest_tallies').select('period').where('org_id', '=', orgId).where('outcome', '=', 'accepted').where('events', '>', 0),
    )
    .orderBy('period')
    .orderBy('dataset_id')
    .execute();
  return rows.map((row) => ({ releaseId: row.id, datasetId: row.dataset_id, period: row.period }));
}

export interface ErasureReceiptInput {
  id: string;
  orgId: string;
  consentId: string | null;
  at: string;
  requestedBy: string;
  periods: readonly string[];
  releasesIncluding: readonly ReleaseReference[];
  targets: ErasureTargets;
  /** Published periods when the erasure was planned (see publishedPeriodsUnchangedGuardQuery). */
  publishedPeriods: number;
}

/**
 * The receipt, then the deletions, as statements for one atomic unit. The receipt counts the rows
 * it is about to remove inside the same unit, so the count is what was actually deleted (barring a
 * concurrent PostgreSQL ingest commit between two statements of the unit, which can only add rows
 * that the deletion then also removes).
 */
export function erasureQueries(db: Kysely<DB>, dialect: DialectName, input: ErasureReceiptInput) {
  const receipt = db
    .insertInto('erasures')
    .values({
      id: input.id,
      org_id: input.orgId,
      consent_id: input.consentId,
      requested_at: input.at,
      completed_at: input.at,
      requested_by: input.requestedBy,
      periods: JSON.stringify(input.periods),
      rows_removed:
        input.targets.contributors.length === 0
          ? 0
          : sql<number>`(SELECT count(*) FROM coded_counters WHERE ${targeted(dialect, input.targets)} AND ${notReleased})
              + (SELECT count(*) FROM replay_guards WHERE ${targeted(dialect, input.targets)} AND ${notReleased})`,
      releases_including: JSON.stringify(input.releasesIncluding),
    })
    .compile();
  const guard = publishedPeriodsUnchangedGuardQuery(db, input.publishedPeriods);
  // The exact tallies of the erased periods go too. Those of published periods stay until tally
  // retention removes them: they are what says which releases may include the organization (this
  // receipt and later ones) and which periods its privacy-loss report composes.
  const tallies = db.deleteFrom('ingest_tallies').where('org_id', '=', input.orgId).where(notReleased).compile();
  if (input.targets.contributors.length === 0) return [guard, receipt, tallies];
  return [
    guard,
    receipt,
    tallies,
    db.deleteFrom('coded_counters').where(targeted(dialect, input.targets)).where(notReleased).compile(),
    db.deleteFrom('replay_guards').where(targeted(dialect, input.targets)).where(notReleased).compile(),
  ];
}

export function findErasure(db: Kysely<DB>, erasureId: string): Promise<ErasureRow | undefined> {
  return db.selectFrom('erasures').selectAll().where('id', '=', erasureId).executeTakeFirst();
}

export function listErasures(db: Kysely<DB>, filter: { orgId?: string | undefined; from?: string | undefined; to?: string | undefined } = {}) {
  let query = db.selectFrom('erasures').selectAll();
  if (filter.orgId) query = query.where('org_id', '=', filter.orgId);
  if (filter.from) query = query.where('requested_at', '>=', filter.from);
  if (filter.to) query = query.where('requested_at', '<', filter.to);
  return query.orderBy('requested_at').orderBy('id').execute();
}
