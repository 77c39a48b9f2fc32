/**
 * The first step of a release (plan -> unit -> write, see release-period.ts): everything decided
 * before the counters are read. Which period, whether it may be released now, the catalogue and the
 * configuration the packages will state, whether the yearly budget allows it, and the identifiers of
 * what will be written. None of it depends on the period's data, so a refusal here reveals nothing.
 */
import { canonicalJson, writeWithAudit } from '../audit/audit-log';
import { latestAuditEntryFor } from '../audit/audit-repository';
import { randomUuid } from '../auth/tokens';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { type Period, PERIOD_ID_EXAMPLES, parsePeriodId } from '../periods/period';
import { type CataloguedDataset, type DatasetCatalogue, datasetCatalogueOf } from './dataset-catalogue';
import { periodReleasableAt, type ReleaseConfiguration, releaseConfigurationOf } from './release-configuration';
import { findPeriodRelease, listBudgetCharges, PERIOD_STATUS, periodHoldsData } from './release-repository';
import { loadReleaseSigningKey, type ReleaseSigningKey } from './release-signing';
import { checkRollingYear, periodChargesOf, type YearlyBudgetCheck } from './yearly-budget';

export type PlanDeps = Pick<AppDeps, 'database' | 'clock' | 'random' | 'secrets' | 'config' | 'datasets'>;

/** Who asked: an API key, or a system trigger (scheduler, CLI, cron). */
export interface ReleaseActor {
  actorId: string | null;
  actorRole: string;
}

/** A dataset of the catalogue with the identifiers its release and budget charge will be written under. */
export interface PlannedDataset {
  dataset: CataloguedDataset;
  /** Drawn before any noise, so they never depend on how much randomness the engine used. */
  releaseId: string;
  chargeId: string;
}

export interface PeriodReleasePlan {
  period: Period;
  /**
   * The packages' public creation time: the period's releasable-at instant, which is scheduled and
   * public. The moment the unit is written depends on how long reading the counters took, which
   * depends on how many there were, so it is kept out of everything published.
   */
  created: string;
  catalogue: DatasetCatalogue;
  /** The configuration every package of this release states. */
  configuration: ReleaseConfiguration;
  budget: YearlyBudgetCheck;
  signingKey: ReleaseSigningKey;
  /** PUBLIC_BASE_URL, for absolute links in the packages. */
  baseUrl: string | undefined;
  /** Every dataset of the catalogue, in catalogue order. */
  datasets: PlannedDataset[];
}

/** The period for an id in the configured granularity, or invalid-request. */
export function requirePeriod(deps: Pick<AppDeps, 'config'>, periodId: string): Period {
  const period = parsePeriodId(periodId, deps.config.period);
  if (!period) {
    const example = PERIOD_ID_EXAMPLES[deps.config.period];
    throw new AppError('invalid-request', `"${periodId}" is not a ${deps.config.period} period id (for example ${example}).`, {
      errors: [{ path: 'period', message: `must be a ${deps.config.period} period id such as ${example}` }],
    });
  }
  return period;
}

const secondsUntil = (from: Date, to: Date) => String(Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 1000)));

/**
 * The refusal for a period released before. When its retention was interrupted (the process died
 * while deleting its counters), say so and how to finish it, rather than only "already released".
 */
export async function alreadyReleased(deps: Pick<AppDeps, 'database'>, period: string, releasedAt: string | null, concurrently = false): Promise<AppError> {
  const retentionPending = await periodHoldsData(deps.database.db, period);
  const released = `Period ${period} was released${concurrently ? ' concurrently' : ''} at ${releasedAt}; a period is released once.`;
  return new AppError(
    'already-released',
    retentionPending
      ? `${released} Its retention is unfinished: its counters or replay guards are still stored because deleting them was interrupted. ` +
          'The release scheduler finishes it at its next check (every 5 minutes on Node, at the next cron run on Workers); ' +
          'to finish it now, run `npm run release -- --finish-retention`.'
      : released,
    { period, releasedAt, retentionComplete: !retentionPending },
  );
}

/** Whether the yearly budget allows charging what one period of the catalogue costs. Reads the ledger; pure otherwise. */
export async function checkYearlyBudget(deps: Pick<AppDeps, 'database' | 'config'>, period: Period, catalogue: DatasetCatalogue): Promise<YearlyBudgetCheck> {
  const charges = periodChargesOf(await listBudgetCharges(deps.database.db));
  return checkRollingYear(charges, { period, rho: catalogue.periodBudget.rhoCharged }, deps.config.yearlyBudgetRho);
}

export const RELEASE_REFUSED = 'release.refused';

/** What a yearly-budget refusal says: which 12 months would go over, and what to change (waiting does not help). */
export function yearlyBudgetRefusalDetail(check: YearlyBudgetCheck): string {
  const { worstWindow: window } = check;
  const fix =
    check.headroomRho > 0
      ? `Set PERIOD_BUDGET_RHO to at most ${check.headroomRho} (the budget this period has left) and restart; the release scheduler then releases it at its next check, or release it with POST /v1/admin/releases or \`npm run release -- --period ${check.period}\`.`
      : `No budget is left for it under YEARLY_BUDGET_RHO=${check.yearlyBudgetRho}: it can only be released if the yearly budget is raised, which the contributing organizations must agree to.`;
  return (
    `Releasing ${check.period} would charge rho ${check.rho} and take the loss of the 12 months from ${window.from} to ${window.to} ` +
    `(periods ${window.periods.join(', ')}) to rho ${window.rho}, above YEARLY_BUDGET_RHO=${check.yearlyBudgetRho}. ` +
    `Waiting does not help: the periods that start in those 12 months stay there. ${fix}`
  );
}

/**
 * Refuses a release that would take the loss of some 12 months over YEARLY_BUDGET_RHO: an audit
 * entry (once per distinct refusal, so a scheduler retrying every few minutes does not flood the
 * log) and the problem, which says what to change.
 */
export async function refuseOverYearlyBudget(deps: Pick<AppDeps, 'database' | 'clock'>, check: YearlyBudgetCheck, actor: ReleaseActor): Promise<AppError> {
  const details = {
    period: check.period,
    reason: 'yearly-budget-exceeded',
    rho: check.rho,
    yearlyBudgetRho: check.yearlyBudgetRho,
    headroomRho: check.headroomRho,
    window: check.worstWindow,
  };
  const last = await latestAuditEntryFor(deps.database.db, RELEASE_REFUSED);
  if (!last || last.subject !== `period:${check.period}` || last.details !== canonicalJson(details)) {
    await writeWithAudit(deps.database, deps.clock, { ...actor, action: RELEASE_REFUSED, subject: `period:${check.period}`, details });
  }
  return new AppError('yearly-budget-exceeded', yearlyBudgetRefusalDetail(check), details);
}

/** Everything decided before the counters are read (see the module comment). Throws AppError for refusals. */
export async function planPeriodRelease(deps: PlanDeps, request: { period: string; actor: ReleaseActor }): Promise<PeriodReleasePlan> {
  const period = requirePeriod(deps, request.period);
  const now = deps.clock.now();
  const opensAt = periodReleasableAt(deps.config, period);
  if (now < opensAt) {
    throw new AppError(
      'period-not-releasable',
      `Period ${period.id} can be released from ${opensAt.toISOString()} (its end plus the ${deps.config.graceWindowMs / 3_600_000} h grace window for late events); ` +
        'the release scheduler releases it by itself soon after.',
      { period: period.id, releasableAt: opensAt.toISOString() },
      { 'retry-after': secondsUntil(now, opensAt) },
    );
  }
  const existing = await findPeriodRelease(deps.database.db, period.id);
  if (existing?.status === PERIOD_STATUS.completed) throw await alreadyReleased(deps, period.id, existing.completed_at);

  const catalogue = datasetCatalogueOf(deps);
  const budget = await checkYearlyBudget(deps, period, catalogue);
  if (!budget.withinCap) throw await refuseOverYearlyBudget(deps, budget, request.actor);
  return {
    period,
    created: opensAt.toISOString(),
    catalogue,
    configuration: releaseConfigurationOf(deps.config, catalogue, period),
    budget,
    signingKey: await loadReleaseSigningKey(deps.secrets.signingKeyPkcs8),
    baseUrl: deps.config.publicBaseUrl,
    datasets: catalogue.datasets.map((dataset) => ({ dataset, releaseId: randomUuid(deps.random), chargeId: randomUuid(deps.random) })),
  };
}
