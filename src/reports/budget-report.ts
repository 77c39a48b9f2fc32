/**
 * The privacy-budget ledger against the cap: one row per period and dataset charge, with the
 * period's composed spend, the configured cap (PERIOD_BUDGET_RHO) and what remains. Periods come
 * from the ledger, which only releases write.
 */
import type { AppDeps } from '../deps';
import { groupBy } from './group-by';
import { composedLoss } from './privacy-loss';
import { listBudgetLedger } from './report-repository';
import type { ReportTable } from './report-table';
import { periodOf, periodOverlaps, type ReportWindow } from './report-window';

export const BUDGET_REPORT_COLUMNS = [
  'period',
  'period_start',
  'dataset_id',
  'release_id',
  'charged_at',
  'rho',
  'epsilon',
  'delta',
  'period_rho_spent',
  'period_rho_cap',
  'period_rho_remaining',
  'period_within_cap',
  'period_epsilon',
  'period_delta',
] as const;

export type BudgetReportRow = {
  period: string;
  period_start: string | null;
  dataset_id: string;
  release_id: string | null;
  charged_at: string;
  rho: number;
  epsilon: number;
  delta: number;
  period_rho_spent: number;
  period_rho_cap: number;
  period_rho_remaining: number;
  period_within_cap: boolean;
  period_epsilon: number;
  period_delta: number;
};

export interface BudgetReport extends ReportTable<BudgetReportRow> {
  window: ReportWindow;
  periodRhoCap: number;
}

export async function buildBudgetReport(deps: Pick<AppDeps, 'database' | 'config'>, window: ReportWindow): Promise<BudgetReport> {
  const cap = deps.config.periodBudgetRho;
  const ledger = (await listBudgetLedger(deps.database.db)).filter((charge) => periodOverlaps(charge.period, window));
  const rows: BudgetReportRow[] = [];
  for (const [period, charges] of groupBy(ledger, (charge) => charge.period)) {
    const spent = composedLoss(charges);
    for (const charge of charges) {
      rows.push({
        period,
        period_start: periodOf(period)?.start.toISOString() ?? null,
        dataset_id: charge.datasetId,
        release_id: charge.releaseId,
        charged_at: charge.chargedAt,
        rho: charge.rho,
        epsilon: charge.epsilon,
        delta: charge.delta,
        period_rho_spent: spent.rho,
        period_rho_cap: cap,
        period_rho_remaining: Math.max(0, cap - spent.rho),
        period_within_cap: spent.rho <= cap,
        period_epsilon: spent.epsilon,
        period_delta: spent.delta,
      });
    }
  }
  return { columns: BUDGET_REPORT_COLUMNS, rows, window, periodRhoCap: cap };
}
