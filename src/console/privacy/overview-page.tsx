/** The consent overview: how many organizations are in which state, and active consent over continuous time. */
import type { OrganizationConsentStatus } from '../../consent/consent-coverage';
import { ChartCanvas } from '../shared/console-layout';
import { DataTable, type TableColumn, tableView } from '../shared/data-table';
import { formatCount } from '../shared/format';
import { Notice, PeriodText } from '../shared/notice';
import { type ConsentPeriodRow, type ConsentTimeline, consentTimelineChart } from './consent-timeline';

/** The release the yearly budget refuses (or will refuse once it is due), with what the refusal says. */
export interface YearlyBudgetNotice {
  period: string;
  /** True when the period is due now (the scheduler is being refused); false when it is the period collecting now. */
  due: boolean;
  detail: string;
}

export interface OverviewData {
  yearlyBudgetNotice: YearlyBudgetNotice | null;
  statusCounts: Record<OrganizationConsentStatus, number>;
  organizations: number;
  erasures: number;
  timeline: ConsentTimeline;
  periodLabel: string;
}

const PERIOD_COLUMNS: TableColumn<ConsentPeriodRow>[] = [
  { key: 'period', label: 'Period', render: (row) => <PeriodText id={row.period} /> },
  { key: 'active_at_end', label: 'Active at its end', numeric: true },
  { key: 'grants', label: 'Grants', numeric: true },
  { key: 'revocations', label: 'Revocations', numeric: true },
  { key: 'expiries', label: 'Expiries', numeric: true },
];

export function OverviewPage(props: OverviewData & { query: Record<string, string> }) {
  const cards: [string, number][] = [
    ['Organizations', props.organizations],
    ['Active consents', props.statusCounts.active],
    ['Revoked', props.statusCounts.revoked],
    ['Expired', props.statusCounts.expired],
    ['Never consented', props.statusCounts.none],
    ['Erasures', props.erasures],
  ];
  const notice = props.yearlyBudgetNotice;
  return (
    <>
      <h1>Consent overview</h1>
      {notice ? (
        <Notice tone="error" id="yearly-budget-notice">
          <strong>
            {notice.due
              ? `The release of ${notice.period} is refused: it would exceed the yearly privacy budget per organization.`
              : `The release of ${notice.period} will be refused when it is due: it would exceed the yearly privacy budget per organization.`}
          </strong>{' '}
          {notice.detail} See the <a href="/console/privacy/budget">privacy budget</a>.
        </Notice>
      ) : null}
      <p class="lead">Whose telemetry may be collected now, and how consent changed over time.</p>
      <div class="cards">
        {cards.map(([label, value]) => (
          <div class="card">
            <div class="value">{formatCount(value)}</div>
            <div class="label">{label}</div>
          </div>
        ))}
      </div>
      <h2>Organizations with active consent over time</h2>
      {props.timeline.points.length === 0 ? (
        <p class="muted">No consent has been recorded yet.</p>
      ) : (
        <>
          <ChartCanvas
            id="consent-timeline"
            label={`Organizations with active consent per ${props.timeline.stepDays === 1 ? 'day' : 'week'}, with the days of grants, revocations and expiries marked; the same figures per ${props.periodLabel} are in the table below`}
            config={consentTimelineChart(props.timeline)}
          />
          <DataTable
            id="consent-periods"
            caption={`Consent per ${props.periodLabel}, newest first`}
            columns={PERIOD_COLUMNS}
            view={tableView(props.timeline.periods, PERIOD_COLUMNS, props.query, {
              defaultSort: { key: 'period', direction: 'desc' },
              pageSize: 13,
              prefix: 'periods-',
            })}
            path="/console/privacy"
            query={props.query}
            empty="No periods yet."
          />
        </>
      )}
      <h2>Reports</h2>
      <ul>
        <li>
          <a href="/console/privacy/reports/consent.csv">Consent report (CSV)</a>: per organization and period, consent history, accepted and rejected events, erasures.
        </li>
        <li>
          <a href="/console/privacy/reports/budget.csv">Privacy-budget ledger (CSV)</a> and <a href="/console/privacy/reports/privacy-loss.csv">cumulative loss per organization (CSV)</a>.
        </li>
        <li>
          <a href="/console/privacy/reports/erasures.csv">Erasure receipts (CSV)</a>.
        </li>
      </ul>
    </>
  );
}
