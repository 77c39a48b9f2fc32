/**
 * Cumulative privacy loss per organization over a rolling 12 months. The privacy unit is the
 * organization, and each release protects one period of its data; an organization that took part
 * in many periods is covered by the composition of all of them (rho adds, see privacy-loss.ts).
 *
 * "Took part" means: accepted events in a period (ingest tallies) that has budget charges. This is
 * an upper bound: an organization whose contributions to a period were erased before its release
 * is still counted for that period (tallies cannot tell whether it sent more after the erasure),
 * and such periods are listed in `erased_periods`.
 */
import { listErasures } from '../consent/erasure-repository';
import type { AppDeps } from '../deps';
import { listOrganizations } from '../registry/registry-repository';
import { groupBy } from './group-by';
import { composedLoss } from './privacy-loss';
import { listBudgetLedger, listIngestTallies } from './report-repository';
import { byName, type ReportTable } from './report-table';
import { periodOverlaps } from './report-window';

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
};

export interface PrivacyLossReport extends ReportTable<PrivacyLossReportRow> {
  window: { from: string; to: string };
}

/** The 12 calendar months (UTC) before `at`. */
export function rollingYearBefore(at: Date): { from: string; to: string } {
  const from = new Date(at);
  from.setUTCFullYear(from.getUTCFullYear() - 1);
  return { from: from.toISOString(), to: at.toISOString() };
}

export async function buildPrivacyLossReport(
  deps: Pick<AppDeps, 'database'>,
  input: { at: Date; orgId?: string | undefined },
): Promise<PrivacyLossReport> {
  const { db } = deps.database;
  const window = rollingYearBefore(input.at);
  const inWindow = (period: string) => periodOverlaps(period, window);
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
      };
    });
  return { columns: PRIVACY_LOSS_REPORT_COLUMNS, rows, window };
}
