/** The consent overview: how many organizations are in which state, and consent events over time. */
import type { OrganizationConsentStatus } from '../../consent/consent-coverage';
import { ChartCanvas } from '../shared/console-layout';
import { type ConsentTimeline, consentTimelineChart } from './consent-timeline';

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

export function OverviewPage(props: OverviewData) {
  const cards: [string, number][] = [
    ['Organizations', props.organizations],
    ['Active consents', props.statusCounts.active],
    ['Revoked', props.statusCounts.revoked],
    ['Expired', props.statusCounts.expired],
    ['Never consented', props.statusCounts.none],
    ['Erasures', props.erasures],
  ];
  return (
    <>
      <h1>Consent overview</h1>
      {props.yearlyBudgetNotice ? (
        <div class="notice error" role="alert" id="yearly-budget-notice">
          <strong>
            {props.yearlyBudgetNotice.due
              ? `The release of ${props.yearlyBudgetNotice.period} is refused: it would exceed the yearly privacy budget per organization.`
              : `The release of ${props.yearlyBudgetNotice.period} will be refused when it is due: it would exceed the yearly privacy budget per organization.`}
          </strong>{' '}
          {props.yearlyBudgetNotice.detail} See the <a href="/console/privacy/budget">privacy budget</a>.
        </div>
      ) : null}
      <p class="lead">Whose telemetry may be collected now, and how consent changed over time.</p>
      <div class="cards">
        {cards.map(([label, value]) => (
          <div class="card">
            <div class="value">{value}</div>
            <div class="label">{label}</div>
          </div>
        ))}
      </div>
      <h2>Grants and revocations per {props.periodLabel}</h2>
      {props.timeline.periods.length === 0 ? (
        <p class="muted">No consent has been recorded yet.</p>
      ) : (
        <ChartCanvas id="consent-timeline" label={`Consent grants, revocations and expiries per ${props.periodLabel}`} config={consentTimelineChart(props.timeline)} />
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
