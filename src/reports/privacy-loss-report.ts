/**
 * Cumulative privacy loss per organization over a rolling 12 months, and the budget it has left
 * under YEARLY_BUDGET_RHO. The privacy unit is the organization, and each release protects one
 * period of its data; an organization that took part in many periods is covered by the composition
 * of all of them (rho adds, see privacy-loss.ts). The 12 months are the ones the release job
 * enforces the cap over (releases/yearly-budget.ts): the periods that started in them.
 *
 * "Took part" means: accepted events in a period (ingest tallies) that has budget charges. This is
 * an upper bound: an organization whose contributions to a period were erased before its release
 * is still counted for that period (tallies cannot tell whether it sent more after the erasure),
 * and such periods are listed in `erased_periods`.
 */
import { listErasures } from '../consent/erasure-repository';
import type { AppDeps } from '../deps';
import { parseAnyPeriodId, subtractCalendarYear } from '../periods/period';
import { addRationals, rational, rationalFromNumber, rationalToNumberDown } from '../privacy';
import { listOrganizations } from '../registry/registry-repository';
import { groupBy } from './group-by';
import { composedLoss } from './privacy-loss';
import { listBudgetLedger, listIngestTallies } from './report-repository';
import { byName, type ReportTable } from './report-table';

export const PRIVACY_LOSS_REPORT_COLUMNS = [
  'org_id',
  'org_name',
  'window_from',
  'window_to',
  'periods',
  'period_list',
  'erased_periods',
  'rho',
  'epsilon',
  'delta',
  'yearly_rho_cap',
  'rho_remaining',
] as const;

export type PrivacyLossReportRow = {
  org_id: string;
  org_name: string;
  window_from: string;
  window_to: string;
  periods: number;
  period_list: string;
  erased_periods: string;
  rho: number;
  epsilon: number;
  delta: number;
  yearly_rho_cap: number;
  rho_remaining: number;
};

export interface PrivacyLossReport extends ReportTable<PrivacyLossReportRow> {
  window: { from: string; to: string };
}

/** The 12 calendar months (UTC) before `at`. */
export function rollingYearBefore(at: Date): { from: string; to: string } {
  return { from: subtractCalendarYear(at).toISOString(), to: at.toISOString() };
}

/** What is left of the cap after a loss, rounded down (never overstated), at least 0. */
function remaining(cap: number, rho: number): number {
  const left = addRationals(rationalFromNumber(cap), rational(-rationalFromNumber(rho).numerator, rationalFromNumber(rho).denominator));
  return left.numerator > 0n ? rationalToNumberDown(left) : 0;
}

export async function buildPrivacyLossReport(
  deps: Pick<AppDeps, 'database' | 'config'>,
  input: { at: Date; orgId?: string | undefined },
): Promise<PrivacyLossReport> {
  const { db } = deps.database;
  const window = rollingYearBefore(input.at);
  // A period counts in the window when it started in it, as in the release job's yearly cap.
  const inWindow = (period: string) => {
    const start = parseAnyPeriodId(period)?.start.toISOString();
    return start === undefined || (start >= window.from && start < window.to);
  };
  const [organizations, tallies, ledger, erasures] = await Promise.all([
    listOrganizations(db),
    listIngestTallies(db),
    listBudgetLedger(db),
    listErasures(db, { orgId: input.orgId }),
  ]);
  const chargesByPeriod = groupBy(
    ledger.filter((charge) => inWindow(charge.period)),
    (charge) => charge.period,
  );
  const contributedByOrg = groupBy(
    tallies.filter((tally) => tally.outcome === 'accepted' && tally.events > 0 && chargesByPeriod.has(tally.period)),
    (tally) => tally.orgId,
  );
  const erasedByOrg = groupBy(
    erasures.flatMap((erasure) => (JSON.parse(erasure.periods) as string[]).map((period) => ({ orgId: erasure.org_id, period }))),
    (erased) => erased.orgId,
  );

  const rows = organizations
    .filter((organization) => input.orgId === undefined || organization.id === input.orgId)
    .sort(byName)
    .map((organization): PrivacyLossReportRow => {
      const periods = [...new Set((contributedByOrg.get(organization.id) ?? []).map((tally) => tally.period))].sort();
      const erased = new Set((erasedByOrg.get(organization.id) ?? []).map((entry) => entry.period));
      const loss = composedLoss(periods.flatMap((period) => chargesByPeriod.get(period) ?? []));
      return {
        org_id: organization.id,
        org_name: organization.name,
        window_from: window.from,
        window_to: window.to,
        periods: periods.length,
        period_list: periods.join(' '),
        erased_periods: periods.filter((period) => erased.has(period)).join(' '),
        rho: loss.rho,
        epsilon: loss.epsilon,
        delta: loss.delta,
        yearly_rho_cap: deps.config.yearlyBudgetRho,
        rho_remaining: remaining(deps.config.yearlyBudgetRho, loss.rho),
      };
    });
  return { columns: PRIVACY_LOSS_REPORT_COLUMNS, rows, window };
}
