/**
 * The privacy budget: rho per period stacked by dataset against the cap, the ledger (the budget
 * report's own columns, so it cannot drift from its CSV), and each organization's loss over the
 * last 12 months against the yearly cap, nearest the cap first.
 */
import type { Child } from 'hono/jsx';
import { BUDGET_REPORT_COLUMNS, type BudgetReportRow } from '../../reports/budget-report';
import type { PrivacyLossReportRow } from '../../reports/privacy-loss-report';
import type { YearlyBudgetStatement } from '../../releases/yearly-budget';
import { ChartCanvas } from '../shared/console-layout';
import { DataTable, reportColumns, type TableColumn, tableView } from '../shared/data-table';
import { formatCount, formatDecimal, formatPercent } from '../shared/format';
import { DateText, Notice, PeriodText } from '../shared/notice';
import { PALETTE, seriesColor } from '../shared/palette';

/** On a phone each organization is a card: the first ten of the page show, the rest behind one checkbox. */
const LOSS_PHONE_ROWS = 10;
/** Above this yearly epsilon the guarantee is weak: e^10 is a factor of about 22,000 on the odds. */
const WEAK_YEARLY_EPSILON = 10;

export function budgetChart(rows: readonly BudgetReportRow[], cap: number) {
  const periods = [...new Set(rows.map((row) => row.period))].sort();
  const datasets = [...new Set(rows.map((row) => row.dataset_id))].sort();
  return {
    type: 'bar',
    data: {
      labels: periods,
      datasets: [
        ...datasets.map((datasetId, index) => ({
          label: datasetId,
          data: periods.map((period) => rows.find((row) => row.period === period && row.dataset_id === datasetId)?.rho ?? 0),
          backgroundColor: seriesColor(index),
          stack: 'spent',
        })),
        {
          type: 'line',
          label: 'Cap per period',
          data: periods.map(() => cap),
          borderColor: PALETTE.red,
          borderDash: [6, 4],
          pointRadius: 0,
          stack: 'cap',
        },
      ],
    },
    options: {
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'zCDP rho' } } },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}

/** Why a configuration deserves a second look: a weak yearly guarantee, or a yearly cap that the periods' spending outruns. */
export function budgetConfigurationWarnings(yearly: YearlyBudgetStatement): string[] {
  const warnings: string[] = [];
  if (yearly.epsilon > WEAK_YEARLY_EPSILON) {
    warnings.push(
      `The yearly guarantee is weak: epsilon ${formatDecimal(yearly.epsilon)} lets a year of releases change the odds of a conclusion about one organization by a factor of about ${formatCount(Math.exp(Math.min(yearly.epsilon, 700)))}. Lower YEARLY_BUDGET_RHO unless this was intended.`,
    );
  }
  const yearOfPeriods = yearly.periodRho * yearly.maxPeriodsPerYear;
  if (yearOfPeriods > yearly.rho * (1 + 1e-9)) {
    warnings.push(
      `Each period may spend rho ${formatDecimal(yearly.periodRho)}, but ${yearly.maxPeriodsPerYear} periods can start in 12 months and together they would spend ${formatDecimal(yearOfPeriods)}, more than the yearly cap of ${formatDecimal(yearly.rho)}: some periods will not be released. Lower PERIOD_BUDGET_RHO or raise YEARLY_BUDGET_RHO.`,
    );
  }
  return warnings;
}

interface PeriodSummary {
  period: string;
  spent: number;
  cap: number;
  remaining: number;
  epsilon: number;
  delta: number;
  withinCap: boolean;
}

const PERIOD_COLUMNS: TableColumn<PeriodSummary>[] = [
  { key: 'period', label: 'Period', render: (row) => <PeriodText id={row.period} /> },
  { key: 'spent', label: 'rho spent', numeric: true, render: (row) => formatDecimal(row.spent) },
  { key: 'cap', label: 'Cap', numeric: true, render: (row) => formatDecimal(row.cap) },
  { key: 'remaining', label: 'Remaining', numeric: true, render: (row) => formatDecimal(row.remaining) },
  { key: 'epsilon', label: 'epsilon', numeric: true, render: (row) => formatDecimal(row.epsilon) },
  { key: 'delta', label: 'delta', numeric: true, render: (row) => formatDecimal(row.delta, 2) },
  { key: 'withinCap', label: 'Within cap', render: (row) => (row.withinCap ? 'yes' : <strong>NO</strong>) },
];

const LEDGER_COLUMNS = reportColumns<BudgetReportRow>(BUDGET_REPORT_COLUMNS, {
  period: { label: 'Period', render: (row) => <PeriodText id={row.period} compact /> },
  period_start: { label: 'Period start', render: (row) => <DateText iso={row.period_start} />, sortBy: (row) => row.period_start },
  dataset_id: { label: 'Dataset' },
  release_id: { label: 'Release', mono: true, render: (row) => (row.release_id ? row.release_id.slice(0, 8) : '—'), sortBy: false },
  charged_at: { label: 'Charged', render: (row) => <DateText iso={row.charged_at} time />, sortBy: (row) => row.charged_at },
  rho: { numeric: true, render: (row) => formatDecimal(row.rho), sortBy: (row) => row.rho },
  epsilon: { numeric: true, render: (row) => formatDecimal(row.epsilon), sortBy: (row) => row.epsilon },
  delta: { numeric: true, render: (row) => formatDecimal(row.delta, 2), sortBy: (row) => row.delta },
  period_rho_spent: { label: 'period rho spent', numeric: true, render: (row) => formatDecimal(row.period_rho_spent), sortBy: (row) => row.period_rho_spent },
  period_rho_cap: { label: 'period cap', numeric: true, render: (row) => formatDecimal(row.period_rho_cap), sortBy: false },
  period_rho_remaining: { label: 'period remaining', numeric: true, render: (row) => formatDecimal(row.period_rho_remaining), sortBy: (row) => row.period_rho_remaining },
  period_within_cap: { label: 'within cap' },
  period_epsilon: { label: 'period epsilon', numeric: true, render: (row) => formatDecimal(row.period_epsilon), sortBy: (row) => row.period_epsilon },
  period_delta: { label: 'period delta', numeric: true, render: (row) => formatDecimal(row.period_delta, 2), sortBy: (row) => row.period_delta },
});

const LOSS_COLUMNS: TableColumn<PrivacyLossReportRow>[] = [
  { key: 'org_name', label: 'Organization', render: (row) => <a href={`/console/privacy/orgs/${row.org_id}`}>{row.org_name}</a>, sortBy: (row) => row.org_name },
  { key: 'periods', label: 'Periods released', numeric: true },
  { key: 'rho', label: 'rho spent', numeric: true, render: (row) => formatDecimal(row.rho), sortBy: (row) => row.rho },
  {
    key: 'share',
    label: 'Share of yearly cap',
    numeric: true,
    render: (row) => <CapShare used={row.rho} cap={row.yearly_rho_cap} />,
    sortBy: (row) => (row.yearly_rho_cap > 0 ? row.rho / row.yearly_rho_cap : 0),
  },
  { key: 'rho_remaining', label: 'rho left', numeric: true, render: (row) => formatDecimal(row.rho_remaining), sortBy: (row) => row.rho_remaining },
  { key: 'epsilon', label: 'epsilon', numeric: true, render: (row) => formatDecimal(row.epsilon), sortBy: (row) => row.epsilon },
  { key: 'delta', label: 'delta', numeric: true, render: (row) => formatDecimal(row.delta, 2), sortBy: (row) => row.delta },
];

/** A share of the cap as a number and a bar; the number carries the meaning, the bar is decoration. */
export function CapShare(props: { used: number; cap: number }) {
  const share = props.cap > 0 ? Math.min(props.used / props.cap, 1) : 0;
  return (
    <span class="cap-share">
      <span class="meter" aria-hidden="true">
        <span style={`width: ${(share * 100).toFixed(1)}%`} class={share >= 0.9 ? 'high' : undefined} />
      </span>
      {formatPercent(share)}
    </span>
  );
}

export function BudgetPage(props: {
  rows: BudgetReportRow[];
  cap: number;
  yearly: YearlyBudgetStatement;
  losses: PrivacyLossReportRow[];
  query: Record<string, string>;
  planner?: Child;
}) {
  const periods = [...new Map(props.rows.map((row) => [row.period, row])).values()].map(
    (row): PeriodSummary => ({
      period: row.period,
      spent: row.period_rho_spent,
      cap: row.period_rho_cap,
      remaining: row.period_rho_remaining,
      epsilon: row.period_epsilon,
      delta: row.period_delta,
      withinCap: row.period_within_cap,
    }),
  );
  const warnings = budgetConfigurationWarnings(props.yearly);
  const path = '/console/privacy/budget';
  return (
    <>
      <h1>Privacy budget</h1>
      <p class="lead">
        Each period may spend at most rho = {formatDecimal(props.cap)} (zCDP) across all datasets. Spending composes: rho adds up, and is
        stated as (epsilon, delta)-DP per organization.
      </p>
      <p id="yearly-budget">
        Yearly budget per organization: rho = {formatDecimal(props.yearly.rho)} over any 12 months, that is ({formatDecimal(props.yearly.epsilon)},{' '}
        {formatDecimal(props.yearly.delta, 2)})-DP. The release job refuses a release that would take the periods starting in some 12 months above it.
      </p>
      {warnings.map((warning) => (
        <Notice tone="warn" id="budget-configuration-warning">
          <strong>Check the configuration.</strong> {warning}
        </Notice>
      ))}
      <h2>Each organization over the last 12 months, against the yearly cap</h2>
      <p class="muted">
        Nearest the cap first. An upper bound: every released period the organization sent accepted events in counts, even if later erased.
      </p>
      <DataTable
        id="loss-table"
        caption="Privacy loss per organization, last 12 months"
        captionHidden
        columns={LOSS_COLUMNS}
        view={tableView(props.losses, LOSS_COLUMNS, props.query, { defaultSort: { key: 'rho_remaining', direction: 'asc' }, pageSize: 20, prefix: 'loss-' })}
        phoneRows={{ count: LOSS_PHONE_ROWS, noun: 'organizations' }}
        path={path}
        query={props.query}
        empty="No organization has been registered yet."
      />
      {props.rows.length === 0 ? (
        <p class="muted">No release has charged the budget yet.</p>
      ) : (
        <>
          <h2>Spent per period</h2>
          <ChartCanvas id="budget-chart" label="Privacy budget spent per period, by dataset, against the cap; the figures are in the table below" config={budgetChart(props.rows, props.cap)} />
          <DataTable
            id="period-table"
            caption="Privacy budget per period"
            captionHidden
            columns={PERIOD_COLUMNS}
            view={tableView(periods, PERIOD_COLUMNS, props.query, { defaultSort: { key: 'period', direction: 'desc' }, pageSize: 13, prefix: 'period-' })}
            path={path}
            query={props.query}
            empty="No period has been charged."
          />
          <details class="ledger">
            <summary>
              <h2>Ledger: every charge ({formatCount(props.rows.length)})</h2>
            </summary>
            <DataTable
              id="ledger-table"
              caption="Budget ledger, the columns of the budget report CSV"
              captionHidden
              columns={LEDGER_COLUMNS}
              view={tableView(props.rows, LEDGER_COLUMNS, props.query, { defaultSort: { key: 'charged_at', direction: 'desc' }, pageSize: 25, prefix: 'ledger-' })}
              path={path}
              query={props.query}
              empty="No charges."
            />
          </details>
        </>
      )}
      {props.planner}
      <p>
        <a href="/console/privacy/reports/budget.csv">Budget ledger (CSV)</a> · <a href="/console/privacy/reports/privacy-loss.csv">Loss per organization (CSV)</a>
      </p>
    </>
  );
}
