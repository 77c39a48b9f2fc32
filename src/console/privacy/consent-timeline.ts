/**
 * Consent events per release period (grants, revocations, expiries that have happened), for the
 * overview chart. Pure: records and a clock reading in, a Chart.js bar configuration out.
 */
import type { Consent } from '../../db/schema';
import { type PeriodGranularity, periodContaining } from '../../periods/period';

export interface ConsentTimeline {
  periods: string[];
  grants: number[];
  revocations: number[];
  expiries: number[];
}

export function consentTimeline(consents: readonly Consent[], granularity: PeriodGranularity, nowIso: string): ConsentTimeline {
  const counts = new Map<string, { grants: number; revocations: number; expiries: number }>();
  const bump = (instant: string, key: 'grants' | 'revocations' | 'expiries') => {
    const period = periodContaining(new Date(instant), granularity).id;
    const entry = counts.get(period) ?? { grants: 0, revocations: 0, expiries: 0 };
    entry[key] += 1;
    counts.set(period, entry);
  };
  for (const consent of consents) {
    bump(consent.granted_at, 'grants');
    if (consent.revoked_at) bump(consent.revoked_at, 'revocations');
    // An expiry counts once it has happened, and only if the grant was not revoked first.
    else if (consent.expires_at && consent.expires_at <= nowIso) bump(consent.expires_at, 'expiries');
  }
  const periods = [...counts.keys()].sort();
  return {
    periods,
    grants: periods.map((period) => counts.get(period)?.grants ?? 0),
    revocations: periods.map((period) => counts.get(period)?.revocations ?? 0),
    expiries: periods.map((period) => counts.get(period)?.expiries ?? 0),
  };
}

export const CHART_COLORS = {
  blue: '#0969da',
  red: '#cf222e',
  grey: '#8c959f',
  green: '#1a7f37',
  palette: ['#0969da', '#bf8700', '#8250df', '#1a7f37', '#cf222e', '#1b7c83', '#953800', '#57606a'],
};

export function consentTimelineChart(timeline: ConsentTimeline) {
  return {
    type: 'bar',
    data: {
      labels: timeline.periods,
      datasets: [
        { label: 'Grants', data: timeline.grants, backgroundColor: CHART_COLORS.blue },
        { label: 'Revocations', data: timeline.revocations, backgroundColor: CHART_COLORS.red },
        { label: 'Expiries', data: timeline.expiries, backgroundColor: CHART_COLORS.grey },
      ],
    },
    options: {
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'consent records' } } },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}
