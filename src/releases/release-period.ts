/**
 * The release job for one period, as plan -> unit -> write (like the erasure service):
 *
 * 1. plan (period-release-plan.ts): the period, whether it may be released now, the catalogue and
 *    the configuration the packages state, the yearly budget, the identifiers to write. No data.
 * 2. lock, then read the counters once and run the privacy engine per dataset (`computeReleases`):
 *    the only step where data meets randomness; its result is kept for every write attempt.
 * 3. unit (release-unit.ts): signed packages and the statements of one atomic unit (guards,
 *    releases, files, budget charges, signing key, lock completion, audit entry), built by pure
 *    functions from the plan, the noisy results and the write basis read just before writing.
 * 4. write (`writeRelease`): the retry loop. When a guard fails the unit it asks what changed
 *    (`whatChanged`), then rebuilds on the new basis, re-checks the budget, or gives up.
 * 5. retention (period-retention.ts): the period's counters and replay guards deleted in chunks.
 *
 * Collect-once is the database's job: inserting the period's `period_releases` row is the lock
 * (its primary key admits one writer), `releases (dataset_id, period)` and
 * `budget_ledger (period, dataset_id)` are unique, so however many callers race, one release and one
 * charge per dataset can ever be written. Ingest refuses events for a locked period.
 *
 * Crash safety: nothing is visible until the atomic unit commits. A process that dies after taking
 * the lock leaves a 'started' row and unpublished, unobserved noise; once the lock's lease has run
 * out (or an operator forces it) the next attempt takes the lock over and computes afresh. That is
 * safe because noise nobody saw costs no privacy, and the charge is written only with the release.
 * Retention runs after the commit (see period-retention.ts for why) and is finished by the next
 * scheduled run if the process dies during it.
 *
 * Chains: each dataset's release names the previous release and the SHA-256 of its
 * datapackage.json. A guard in the atomic unit rolls it back if another release of the dataset was
 * appended since the package was built (the audit log's sequence number serializes the units); the
 * job then rebuilds the packages on the new head and retries, reusing the noisy results.
 */
import { writeWithAudit } from '../audit/audit-log';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import type { Period } from '../periods/period';
import { parsePeriodId, periodContaining, periodsBetween } from '../periods/period';
import { releaseCells } from '../privacy';
import { BYTE_UNITS } from '../datasets/dataset-spec';
import { createDatasetCellMapper } from './dataset-cells';
import { countPeriodCounters, type DatasetReader, DEFAULT_ROWS_PER_PAGE, readPeriodContributions } from './period-contributions';
import {
  alreadyReleased,
  checkYearlyBudget,
  type PeriodReleasePlan,
  planPeriodRelease,
  type ReleaseActor,
  refuseOverYearlyBudget,
} from './period-release-plan';
import { purgePeriodData, purgeReleasedPeriods } from './period-retention';
import { periodReleasableAt } from './release-configuration';
import { purgeExpiredTallies } from './tally-retention';
import { purgeExpiredReplayGuards } from '../ingest/replay-guard-window';
import {
  countBudgetCharges,
  countErasures,
  dropPeriodLock,
  earliestConsentGrant,
  findChainHead,
  findPeriodRelease,
  listPeriodReleases,
  listPeriodsWithCounters,
  PERIOD_STATUS,
  takeOverPeriodLock,
  tryInsertPeriodLock,
} from './release-repository';
import { buildReleaseUnit, buildSignedPackages, type ComputedRelease, type PublishedRelease, readWriteBasis, type WriteBasis } from './release-unit';

export type { ReleaseActor } from './period-release-plan';
export { requirePeriod } from './period-release-plan';
export type { PublishedRelease } from './release-unit';

export type ReleaseDeps = Pick<AppDeps, 'database' | 'clock' | 'random' | 'secrets' | 'config' | 'datasets' | 'logger'>;

export interface ReleaseProgress {
  phase: 'reading' | 'privacy' | 'packaging' | 'writing' | 'retention' | 'done';
  datasetId?: string;
  /** Steps done and total steps of the whole job (for a progress bar). */
  completed: number;
  total: number;
}

export interface PeriodReleaseResult {
  period: string;
  /** When the release was written (for the operator; packages state `created` instead). */
  releasedAt: string;
  /** The packages' public creation time: the period's scheduled releasable-at instant. */
  created: string;
  /** True when an abandoned 'started' lock was taken over. */
  resumed: boolean;
  releases: PublishedRelease[];
  countersDeleted: number;
  replayGuardsDeleted: number;
  /** False when the retention deletes were interrupted; the next scheduled run finishes them. */
  retentionComplete: boolean;
}

/**
 * How long a 'started' lock protects a running release. A release of 2 million counter rows takes
 * seconds, so a lock this old belongs to a process that died; the next attempt may take it over.
 */
export const RELEASE_LEASE_MS = 15 * 60_000;

const MAX_WRITE_ATTEMPTS = 5;

export interface ReleaseRequest {
  period: string;
  actor: ReleaseActor;
  /** Take over a 'started' lock even if its lease has not run out (an operator who knows the holder died). */
  takeOverStartedLock?: boolean;
  onProgress?: (progress: ReleaseProgress) => void;
  /**
   * Awaited after the results are computed and before each write attempt. Tests use it to hold a
   * release open at that moment (e.g. to revoke consent while it runs); the job needs none.
   */
  beforeWrite?: () => Promise<void>;
}

/** When a period may be released: after it ended and its grace window for late events passed. */
export function releasableAt(deps: Pick<AppDeps, 'config'>, period: Period): Date {
  return periodReleasableAt(deps.config, period);
}

interface PeriodLock {
  resumed: boolean;
  startedAt: string;
}

async function acquirePeriodLock(deps: ReleaseDeps, period: Period, takeOver: boolean): Promise<PeriodLock> {
  const { db } = deps.database;
  const now = deps.clock.now();
  const startedAt = now.toISOString();
  if (await tryInsertPeriodLock(db, period.id, startedAt)) return { resumed: false, startedAt };
  const existing = await findPeriodRelease(db, period.id);
  if (existing?.status === PERIOD_STATUS.completed) throw await alreadyReleased(deps, period.id, existing.completed_at);
  if (existing) {
    const lockAge = now.getTime() - Date.parse(existing.started_at);
    if ((takeOver || lockAge >= RELEASE_LEASE_MS) && (await takeOverPeriodLock(db, period.id, existing.started_at, startedAt))) {
      deps.logger.warn('release lock taken over', { period: period.id, lockAgeMs: lockAge });
      return { resumed: true, startedAt };
    }
  }
  // The lock was dropped between the insert and the read (a refused release gave it up): try again later, briefly.
  if (!existing) {
    throw new AppError('conflict', `A release of period ${period.id} changed state while this one started; try again in a few seconds.`, { period: period.id }, { 'retry-after': '5' });
  }
  const expiresAt = new Date(Date.parse(existing.started_at) + RELEASE_LEASE_MS);
  const retryAfter = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
  throw new AppError(
    'conflict',
    `A release of period ${period.id} started at ${existing.started_at} and has not finished. If it is still running, it completes within ` +
      `minutes. If its process died, its lock expires at ${expiresAt.toISOString()}, after which the next attempt (the scheduler's, or yours) ` +
      `takes it over. To take it over now, once you are sure no other release of ${period.id} is running: ` +
      `\`npm run release -- --period ${period.id} --resume\`, or POST /v1/admin/releases with {"period": "${period.id}", "takeOverStartedLock": true}.`,
    { period: period.id, lockStartedAt: existing.started_at, lockExpiresAt: expiresAt.toISOString() },
    { 'retry-after': String(retryAfter) },
  );
}

async function computeReleases(
  deps: ReleaseDeps,
  plan: PeriodReleasePlan,
  report: (progress: Omit<ReleaseProgress, 'total'>) => void,
  setTotal: (total: number, counterRows: number) => void,
): Promise<{ computed: ComputedRelease[]; erasuresBeforeRead: number }> {
  const datasets = plan.datasets;
  // Read before the counters: an erasure written after this count fails the write's guard.
  const erasuresBeforeRead = await countErasures(deps.database.db);
  const counterRows = await countPeriodCounters(deps.database.db, plan.period.id);
  const pages = Math.max(1, Math.ceil(counterRows / DEFAULT_ROWS_PER_PAGE));
  setTotal(pages + datasets.length + 3, counterRows);
  let completed = 0;
  const reading = datasets.map((planned) => {
    const reader: DatasetReader = { mapper: createDatasetCellMapper(planned.dataset.spec), byteUnitBytes: BYTE_UNITS[planned.dataset.spec.byteUnit], rows: [] };
    return { planned, reader };
  });
  await readPeriodContributions(
    deps.database,
    plan.period.id,
    reading.map(({ reader }) => reader),
    { onPage: () => report({ phase: 'reading', completed: Math.min(++completed, pages) }) },
  );
  completed = pages;
  const computed = reading.map(({ planned, reader }) => {
    // The only step where data meets randomness; the result is kept and reused if the write is retried.
    const { publicKeys, shareGroups } = planned.dataset;
    const release = releaseCells(reader.rows, planned.dataset.prepared, deps.random, publicKeys ? { publicKeys, ...(shareGroups ? { shareGroups } : {}) } : {});
    reader.rows = []; // let the engine input go before the next dataset runs
    report({ phase: 'privacy', datasetId: planned.dataset.spec.id, completed: ++completed });
    return { ...planned, release };
  });
  return { computed, erasuresBeforeRead };
}

/** Why a release unit failed, found by re-reading what its guards check. */
interface WriteConflict {
  /** Another caller completed the period's release. */
  releasedConcurrently: boolean;
  /** Another release of a dataset was appended: re-link the packages. */
  chainMoved: boolean;
  /** Another period was charged: the yearly budget must be checked again. */
  ledgerMoved: boolean;
  /** An erasure was written after the counters were read: read and compute again. */
  erasedMeanwhile: boolean;
}

/** Thrown inside the write loop when the results must be computed again from the counters. */
class ErasedDuringRelease extends Error {
  override name = 'ErasedDuringRelease';
}

const MAX_RECOMPUTATIONS = 5;

async function whatChanged(deps: ReleaseDeps, plan: PeriodReleasePlan, basis: WriteBasis): Promise<WriteConflict> {
  const { db } = deps.database;
  const [state, headsNow, budgetCharges, erasures] = await Promise.all([
    findPeriodRelease(db, plan.period.id),
    Promise.all(basis.chains.map(({ dataset }) => findChainHead(db, dataset.spec.id))),
    countBudgetCharges(db),
    countErasures(db),
  ]);
  return {
    releasedConcurrently: state?.status === PERIOD_STATUS.completed,
    chainMoved: basis.chains.some(({ head }, index) => head.length !== headsNow[index]?.length || head.head?.id !== headsNow[index]?.head?.id),
    ledgerMoved: budgetCharges !== basis.budgetCharges,
    erasedMeanwhile: erasures !== basis.erasuresBeforeRead,
  };
}

/**
 * The write: build the unit on the current basis and commit it; when a guard fails it, find out what
 * changed and start again (re-linked on the new chain heads, the yearly budget re-checked), or stop.
 * The noisy results are reused: re-linking changes the packages' chain fields, never their values.
 */
async function writeRelease(
  deps: ReleaseDeps,
  plan: PeriodReleasePlan,
  computed: readonly ComputedRelease[],
  context: { actor: ReleaseActor; lock: PeriodLock; erasuresBeforeRead: number; beforeWrite: (() => Promise<void>) | undefined },
): Promise<PublishedRelease[]> {
  const { db } = deps.database;
  for (let attempt = 1; ; attempt += 1) {
    await context.beforeWrite?.();
    const basis = await readWriteBasis(db, computed, context.erasuresBeforeRead);
    const packages = await buildSignedPackages(plan, basis);
    const unit = buildReleaseUnit(db, { plan, basis, packages, actor: context.actor, resumed: context.lock.resumed, writtenAt: deps.clock.now().toISOString() });
    try {
      await writeWithAudit(deps.database, deps.clock, unit.auditEvent, () => unit.queries);
      return unit.published;
    } catch (error) {
      const conflict = await whatChanged(deps, plan, basis);
      if (conflict.releasedConcurrently) {
        const state = await findPeriodRelease(db, plan.period.id);
        throw await alreadyReleased(deps, plan.period.id, state?.completed_at ?? null, true);
      }
      if (conflict.erasedMeanwhile) throw new ErasedDuringRelease();
      if (conflict.ledgerMoved) {
        const budget = await checkYearlyBudget(deps, plan.period, plan.catalogue);
        if (!budget.withinCap) {
          await dropPeriodLock(db, plan.period.id, context.lock.startedAt);
          throw await refuseOverYearlyBudget(deps, budget, context.actor);
        }
      }
      if (!(conflict.chainMoved || conflict.ledgerMoved) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      deps.logger.info('release basis changed while writing; rebuilding the unit', { period: plan.period.id, attempt, ...conflict });
    }
  }
}

/** Retention right after a release; a failure here leaves the release published and the purge to the next run. */
async function retainAfterRelease(
  deps: ReleaseDeps,
  period: string,
  onChunk: (deleted: number) => void,
): Promise<{ countersDeleted: number; replayGuardsDeleted: number; retentionComplete: boolean }> {
  try {
    const { countersDeleted, replayGuardsDeleted } = await purgePeriodData(deps, period, { onChunk });
    return { countersDeleted, replayGuardsDeleted, retentionComplete: true };
  } catch (error) {
    deps.logger.error('retention after release interrupted; the next run finishes it', { period, error: (error as Error).name });
    return { countersDeleted: 0, replayGuardsDeleted: 0, retentionComplete: false };
  }
}

/** Releases one period (see the module comment). Throws AppError for refusals. */
export async function releasePeriod(deps: ReleaseDeps, request: ReleaseRequest): Promise<PeriodReleaseResult> {
  const plan = await planPeriodRelease(deps, request);
  const lock = await acquirePeriodLock(deps, plan.period, request.takeOverStartedLock ?? false);

  let total = 1;
  let counterRows = 0;
  const report = (progress: Omit<ReleaseProgress, 'total'>) => request.onProgress?.({ ...progress, total });
  const started = deps.clock.now().getTime();
  let releases: PublishedRelease[] | undefined;
  for (let computation = 1; releases === undefined; computation += 1) {
    const { computed, erasuresBeforeRead } = await computeReleases(deps, plan, report, (steps, rows) => {
      total = steps;
      counterRows = rows;
    });
    report({ phase: 'packaging', completed: total - 2 });
    report({ phase: 'writing', completed: total - 2 });
    try {
      releases = await writeRelease(deps, plan, computed, { actor: request.actor, lock, erasuresBeforeRead, beforeWrite: request.beforeWrite });
    } catch (error) {
      if (!(error instanceof ErasedDuringRelease) || computation >= MAX_RECOMPUTATIONS) throw error;
      // The unseen noisy results are discarded: noise nobody observed costs no privacy.
      deps.logger.info('an erasure removed rows of this period while it was being released; reading and computing again', {
        period: plan.period.id,
        computation,
      });
    }
  }
  const releasedAt = deps.clock.now().toISOString();
  deps.logger.info('period released', { period: plan.period.id, datasets: releases.length, durationMs: deps.clock.now().getTime() - started });

  report({ phase: 'retention', completed: total - 1 });
  const retention = await retainAfterRelease(deps, plan.period.id, (deleted) =>
    report({ phase: 'retention', completed: total - 1 + Math.min(0.99, deleted / Math.max(1, counterRows)) }),
  );
  report({ phase: 'done', completed: total });
  return { period: plan.period.id, releasedAt, created: plan.created, resumed: lock.resumed, releases, ...retention };
}

/**
 * Periods due for release, oldest first: every period from the one holding the first consent grant
 * up to the last whose grace window has passed, not yet completed. Periods without counters are due
 * too, so whether a period is published never depends on whether anyone contributed to it.
 */
export async function findDuePeriods(deps: Pick<AppDeps, 'database' | 'clock' | 'config'>): Promise<Period[]> {
  const { db } = deps.database;
  const now = deps.clock.now();
  const [firstGrant, withCounters, locks] = await Promise.all([
    earliestConsentGrant(db),
    listPeriodsWithCounters(db),
    listPeriodReleases(db),
  ]);
  const completed = new Set(locks.filter((lock) => lock.status === PERIOD_STATUS.completed).map((lock) => lock.period));
  // Released periods count as a start too: their counters are gone, but every later period is due.
  const starts = [
    ...(firstGrant ? [new Date(firstGrant)] : []),
    ...[...withCounters, ...locks.map((lock) => lock.period)].flatMap((id) => {
      const period = parsePeriodId(id, deps.config.period);
      return period ? [period.start] : [];
    }),
  ];
  if (starts.length === 0) return [];
  const from = new Date(Math.min(...starts.map((start) => start.getTime())));
  const candidates = periodsBetween(periodContaining(from, deps.config.period).start, now, deps.config.period);
  return candidates.filter((period) => !completed.has(period.id) && releasableAt(deps, period).getTime() <= now.getTime());
}

export interface DueReleaseOutcome {
  released: PeriodReleaseResult[];
  /**
   * Periods another process is releasing right now, or that were released meanwhile, and periods
   * the yearly budget refuses (while a refused period still has budget left, later ones wait).
   */
  skipped: { period: string; reason: string }[];
}

/**
 * Releases every due period, oldest first; idempotent, so the Node scheduler, the Workers cron
 * trigger and several instances may all call it. Stops at the first unexpected error (after logging
 * it) so a broken release is noticed rather than skipped.
 */
export async function releaseDuePeriods(
  deps: ReleaseDeps,
  options: { actor?: ReleaseActor; onProgress?: (period: string, progress: ReleaseProgress) => void } = {},
): Promise<DueReleaseOutcome> {
  const actor = options.actor ?? { actorId: null, actorRole: 'system' };
  const outcome: DueReleaseOutcome = { released: [], skipped: [] };
  await purgeReleasedPeriods(deps);
  await purgeExpiredTallies(deps);
  await purgeExpiredReplayGuards(deps);
  for (const period of await findDuePeriods(deps)) {
    try {
      outcome.released.push(
        await releasePeriod(deps, {
          period: period.id,
          actor,
          ...(options.onProgress ? { onProgress: (progress) => options.onProgress?.(period.id, progress) } : {}),
        }),
      );
    } catch (error) {
      if (error instanceof AppError && (error.code === 'already-released' || error.code === 'conflict')) {
        outcome.skipped.push({ period: period.id, reason: error.code });
        continue;
      }
      if (error instanceof AppError && error.code === 'yearly-budget-exceeded') {
        deps.logger.error('release refused: it would exceed the yearly privacy budget', { period: period.id, reason: error.detail.slice(0, 600) });
        outcome.skipped.push({ period: period.id, reason: error.code });
        // While the period has budget left, later periods wait: releasing them first could use up
        // what the operator can still give it (a lower PERIOD_BUDGET_RHO). A period with none left
        // can never be released under this cap, so it does not hold the later ones up.
        if (Number(error.extensions.headroomRho) > 0) break;
        continue;
      }
      deps.logger.error('release failed', { period: period.id, error: (error as Error).name, reason: (error as Error).message.slice(0, 300) });
      throw error;
    }
  }
  return outcome;
}
