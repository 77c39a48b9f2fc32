/**
 * When the next period becomes releasable, for researchers (a public route, like the catalogue)
 * and for the privacy console's notice when the yearly budget would refuse it.
 *
 * Everything here is public already or configuration: the period kind and grace window, the clock,
 * which periods were released (their packages are public) and the budget they charged (stated in
 * them). Nothing is read from the counters, so the answer never depends on whether anyone
 * contributed to an unreleased period. The first consent grant fixes the first period that will be
 * released, which its release makes public anyway.
 */
import type { AppDeps } from '../deps';
import { type Period, parsePeriodId, periodContaining, periodsBetween } from '../periods/period';
import { datasetCatalogueOf } from './dataset-catalogue';
import { checkYearlyBudget } from './period-release-plan';
import { type PeriodKindStatement, periodKindStatement, periodReleasableAt } from './release-configuration';
import { earliestConsentGrant, listLatestReleases, listPeriodReleases, PERIOD_STATUS } from './release-repository';
import type { YearlyBudgetCheck } from './yearly-budget';

export interface ScheduledPeriod {
  period: string;
  start: string;
  end: string;
  releasableAt: string;
}

export interface ReleaseSchedule extends PeriodKindStatement {
  now: string;
  /** The period collecting events now. */
  current: ScheduledPeriod;
  /** The oldest period not yet released: the next one to be published. */
  next: ScheduledPeriod & {
    /** Its grace window has passed: the release scheduler publishes it at its next check. */
    releasable: boolean;
    /** Whether the yearly budget allows its release under the current configuration. */
    withinYearlyBudget: boolean;
  };
  /** The latest released period and its packages' public creation time. */
  lastReleased: { period: string; created: string } | null;
  /** How the next period's release fits the yearly budget (the refusal it would meet, if any). */
  nextBudget: YearlyBudgetCheck;
}

type ScheduleDeps = Pick<AppDeps, 'database' | 'clock' | 'config' | 'datasets'>;

function scheduled(deps: Pick<AppDeps, 'config'>, period: Period): ScheduledPeriod {
  return {
    period: period.id,
    start: period.start.toISOString(),
    end: period.end.toISOString(),
    releasableAt: periodReleasableAt(deps.config, period).toISOString(),
  };
}

/** The oldest period of the configured kind, up to the current one, that is not released. */
async function nextUnreleasedPeriod(deps: ScheduleDeps, current: Period): Promise<Period> {
  const { db } = deps.database;
  const [firstGrant, locks] = await Promise.all([earliestConsentGrant(db), listPeriodReleases(db)]);
  const completed = new Set(locks.filter((lock) => lock.status === PERIOD_STATUS.completed).map((lock) => lock.period));
  const starts = [
    ...(firstGrant ? [new Date(firstGrant).getTime()] : []),
    ...locks.flatMap((lock) => {
      const period = parsePeriodId(lock.period, deps.config.period);
      return period ? [period.start.getTime()] : [];
    }),
  ];
  if (starts.length === 0) return current;
  const from = periodContaining(new Date(Math.min(...starts)), deps.config.period).start;
  return periodsBetween(from, current.end, deps.config.period).find((period) => !completed.has(period.id)) ?? current;
}

export async function releaseSchedule(deps: ScheduleDeps): Promise<ReleaseSchedule> {
  const now = deps.clock.now();
  const current = periodContaining(now, deps.config.period);
  const [next, latest] = await Promise.all([nextUnreleasedPeriod(deps, current), listLatestReleases(deps.database.db)]);
  const newest = [...latest.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))[0];
  const nextBudget = await checkYearlyBudget(deps, next, datasetCatalogueOf(deps));
  return {
    ...periodKindStatement(deps.config),
    now: now.toISOString(),
    current: scheduled(deps, current),
    next: {
      ...scheduled(deps, next),
      releasable: periodReleasableAt(deps.config, next).getTime() <= now.getTime(),
      withinYearlyBudget: nextBudget.withinCap,
    },
    lastReleased: newest ? { period: newest.period, created: newest.created_at } : null,
    nextBudget,
  };
}
