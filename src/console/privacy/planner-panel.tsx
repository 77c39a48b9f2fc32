/**
 * The coalition planner on the budget page: for a number of organizations (the registered count
 * unless the officer types another), what each dataset's noise and publication odds would be, and
 * the (epsilon, delta) per period and per year. Computed from declared numbers and the catalogue
 * only (reports/coalition-plan.ts), so it shows nothing derived from stored telemetry.
 */
import type { CoalitionPlan } from '../../reports/coalition-plan';
import { DataTable, type TableColumn, tableView } from '../shared/data-table';
import { formatCount, formatDecimal, formatPercent } from '../shared/format';

export const PLANNER_MAX_ORGANIZATIONS = 1_000_000;

interface PlannerRow {
  dataset: string;
  measure: string;
  unit: string;
  /** Shares: the half-width at 100 and 200 organizations per group. */
  shareNote?: string;
  noiseSd: number;
  halfWidth: number;
  relativeError: number;
  for50: number;
  for95: number;
  keys: number;
  chance: number;
}

const PLANNER_COLUMNS: TableColumn<PlannerRow>[] = [
  { key: 'dataset', label: 'Dataset' },
  { key: 'measure', label: 'Measure', render: (row) => `${row.measure.replace(/_/g, ' ')} (${row.unit}${row.shareNote ?? ''})`, sortBy: (row) => row.measure },
  { key: 'noiseSd', label: 'Noise sd', numeric: true, render: (row) => formatDecimal(row.noiseSd) },
  { key: 'halfWidth', label: '95% ± half-width', numeric: true, render: (row) => formatDecimal(row.halfWidth) },
  { key: 'relativeError', label: 'Relative error of a typical key', numeric: true, render: (row) => formatPercent(row.relativeError, 0) },
  { key: 'for50', label: 'Organizations for 50% publication', numeric: true },
  { key: 'for95', label: 'Organizations for 95% publication', numeric: true },
  { key: 'chance', label: 'Chance a typical key is published', numeric: true, render: (row) => formatPercent(row.chance, 0) },
];

/** On a phone each measure is a card of ten lines: the first six show (about two datasets), the rest behind one checkbox. */
const PLANNER_PHONE_ROWS = 6;

export function PlannerPanel(props: { plan: CoalitionPlan; query: Record<string, string>; problem?: string | undefined }) {
  const { plan } = props;
  const rows = plan.datasets.flatMap((dataset) =>
    dataset.measures.map(
      (measure): PlannerRow => ({
        dataset: dataset.title,
        measure: measure.name,
        unit: measure.unit,
        ...(measure.share
          ? {
              shareNote: `; ${measure.share.atGroupSize
                .slice(0, 2)
                .map((at) => `±${formatDecimal(at.ci95HalfWidthPercentagePoints)} at ${at.organizations}`)
                .join(', ')} organizations`,
            }
          : {}),
        noiseSd: measure.noiseStandardDeviation,
        halfWidth: measure.ci95HalfWidth,
        relativeError: measure.expectedRelativeError,
        for50: dataset.publication.organizationsFor50Percent,
        for95: dataset.publication.organizationsFor95Percent,
        keys: dataset.keys,
        chance: dataset.publication.probabilityAtExpectedOrganizations,
      }),
    ),
  );
  return (
    <section aria-labelledby="planner-heading" id="planner">
      <h2 id="planner-heading">Planner: what a coalition of this size would see</h2>
      <form method="get" action="/console/privacy/budget#planner" class="filters">
        <label>
          Organizations taking part
          <input
            type="number"
            name="plan-orgs"
            min={1}
            max={PLANNER_MAX_ORGANIZATIONS}
            value={String(plan.input.organizations)}
            aria-invalid={props.problem ? 'true' : undefined}
            aria-describedby={props.problem ? 'plan-orgs-error' : undefined}
          />
          {props.problem ? (
            <span class="field-error" id="plan-orgs-error">
              {props.problem}
            </span>
          ) : null}
        </label>
        <button type="submit">Plan</button>
      </form>
      <p id="planner-loss">
        With {formatCount(plan.input.organizations)} organizations and {plan.input.period} periods: per period ({formatDecimal(plan.perPeriod.epsilon)},{' '}
        {formatDecimal(plan.perPeriod.delta, 2)})-DP per organization (rho {formatDecimal(plan.perPeriod.rho)}); over a year of{' '}
        {plan.input.periodsPerYear} periods ({formatDecimal(plan.perYear.epsilon)}, {formatDecimal(plan.perYear.delta, 2)})-DP (rho{' '}
        {formatDecimal(plan.perYear.rho)}), against a yearly cap of rho {formatDecimal(plan.yearlyCap.rho)}.
      </p>
      <DataTable
        id="planner-table"
        caption="Expected noise and publication per dataset and measure"
        captionHidden
        columns={PLANNER_COLUMNS}
        view={tableView(rows, PLANNER_COLUMNS, props.query, { prefix: 'plan-', pageSize: 50 })}
        phoneRows={{ count: PLANNER_PHONE_ROWS, noun: 'measures' }}
        path="/console/privacy/budget"
        query={props.query}
        empty="The catalogue has no datasets."
      />
      <details>
        <summary>How these figures are computed</summary>
        <ul>
          {plan.assumptions.map((assumption) => (
            <li>{assumption}</li>
          ))}
        </ul>
      </details>
    </section>
  );
}
