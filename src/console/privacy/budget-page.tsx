/** The privacy-budget ledger: rho per period stacked by dataset against the cap, and each organization's 12-month loss. */
import type { BudgetReportRow } from '../../reports/budget-report';
import type { PrivacyLossReportRow } from '../../reports/privacy-loss-report';
import type { YearlyBudgetStatement } from '../../releases/yearly-budget';
import { ChartCanvas } from '../shared/console-layout';
import { CHART_COLORS } from './consent-timeline';

const formatNumber = (value: number) => (value === 0 ? '0' : value < 0.001 ? value.toExponential(2) : value.toFixed(4));

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
          backgroundColor: CHART_COLORS.palette[index % CHART_COLORS.palette.length],
          stack: 'spent',
        })),
        {
          type: 'line',
          label: 'Cap per period',
          data: periods.map(() => cap),
          borderColor: CHART_COLORS.red,
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

export function BudgetPage(props: { rows: BudgetReportRow[]; cap: number; yearly: YearlyBudgetStatement; losses: PrivacyLossReportRow[] }) {
  const periods = [...new Map(props.rows.map((row) => [row.period, row])).values()];
  return (
    <>
      <h1>Privacy budget</h1>
      <p class="lead">
        Each period may spend at most rho = {props.cap} (zCDP) across all datasets. Spending composes: rho adds up, and is stated as
        (epsilon, delta)-DP per organization.
      </p>
      <p id="yearly-budget">
        Yearly budget per organization: rho = {props.yearly.rho} over any 12 months, ({props.yearly.epsilon.toPrecision(3)},{' '}
        {props.yearly.delta.toExponential(1)})-DP. The release job refuses a release that would take the periods starting in some 12 months above it.
      </p>
      {props.rows.length === 0 ? (
        <p class="muted">No release has charged the budget yet.</p>
      ) : (
        <>
          <ChartCanvas id="budget-chart" label="Privacy budget spent per period, by dataset, against the cap" config={budgetChart(props.rows, props.cap)} />
          <h2>Per period</h2>
          <table>
            <thead>
              <tr>
                <th>Period</th>
                <th class="num">rho spent</th>
                <th class="num">cap</th>
                <th class="num">remaining</th>
                <th class="num">epsilon</th>
                <th class="num">delta</th>
                <th>Within cap</th>
              </tr>
            </thead>
            <tbody>
              {periods.map((row) => (
                <tr>
                  <td>{row.period}</td>
                  <td class="num">{formatNumber(row.period_rho_spent)}</td>
                  <td class="num">{formatNumber(row.period_rho_cap)}</td>
                  <td class="num">{formatNumber(row.period_rho_remaining)}</td>
                  <td class="num">{formatNumber(row.period_epsilon)}</td>
                  <td class="num">{formatNumber(row.period_delta)}</td>
                  <td>{row.period_within_cap ? 'yes' : <strong>NO</strong>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Ledger</h2>
          <table>
            <thead>
              <tr>
                <th>Period</th>
                <th>Dataset</th>
                <th>Charged</th>
                <th class="num">rho</th>
                <th class="num">epsilon</th>
                <th class="num">delta</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr>
                  <td>{row.period}</td>
                  <td>{row.dataset_id}</td>
                  <td>{row.charged_at}</td>
                  <td class="num">{formatNumber(row.rho)}</td>
                  <td class="num">{formatNumber(row.epsilon)}</td>
                  <td class="num">{formatNumber(row.delta)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Cumulative loss per organization, last 12 months</h2>
      <p class="muted">An upper bound: every released period the organization sent accepted events in counts, even if later erased.</p>
      <table>
        <thead>
          <tr>
            <th>Organization</th>
            <th class="num">Periods</th>
            <th class="num">rho</th>
            <th class="num">epsilon</th>
            <th class="num">delta</th>
            <th class="num">rho left of the yearly cap</th>
          </tr>
        </thead>
        <tbody>
          {props.losses.map((row) => (
            <tr>
              <td>
                <a href={`/console/privacy/orgs/${row.org_id}`}>{row.org_name}</a>
              </td>
              <td class="num">{row.periods}</td>
              <td class="num">{formatNumber(row.rho)}</td>
              <td class="num">{formatNumber(row.epsilon)}</td>
              <td class="num">{formatNumber(row.delta)}</td>
              <td class="num">{formatNumber(row.rho_remaining)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
