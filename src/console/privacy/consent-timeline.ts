/**
 * Consent over continuous time, for the overview: how many organizations had active research
 * consent on each day (or week, over long spans), with the days of grants, revocations and expiries
 * marked, and the same per release period as a table. Quiet stretches stay on the axis: every day
 * from the first grant to now is a point. Pure: records and a clock reading in, data out.
 */
import { hasConsentAt } from '../../consent/consent-coverage';
import type { Consent } from '../../db/schema';
import { type PeriodGranularity, periodsBetween } from '../../periods/period';
import { groupBy } from '../../reports/group-by';
import { PALETTE } from '../shared/palette';

const DAY_MS = 86_400_000;
/** Beyond this many days the chart steps a week at a time, so a long history stays readable. */
const DAILY_LIMIT = 400;

export interface ConsentTimelinePoint {
  /** The day (UTC), `YYYY-MM-DD`; active counts are taken at its end. */
  day: string;
  active: number;
  grants: number;
  revocations: number;
  expiries: number;
}

export interface ConsentPeriodRow {
  period: string;
  active_at_end: number;
  grants: number;
  revocations: number;
  expiries: number;
}

export interface ConsentTimeline {
  points: ConsentTimelinePoint[];
  periods: ConsentPeriodRow[];
  /** Days per point: 1, or 7 over long spans. */
  stepDays: number;
}

interface ChangeEvent {
  at: string;
  kind: 'grants' | 'revocations' | 'expiries';
}

function changeEvents(consents: readonly Consent[], nowIso: string): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  for (const consent of consents) {
    if (consent.granted_at <= nowIso) events.push({ at: consent.granted_at, kind: 'grants' });
    if (consent.revoked_at && consent.revoked_at <= nowIso) events.push({ at: consent.revoked_at, kind: 'revocations' });
    // An expiry counts once it has happened, and only if the grant was not revoked first.
    else if (consent.expires_at && consent.expires_at <= nowIso) events.push({ at: consent.expires_at, kind: 'expiries' });
  }
  return events;
}

function activeAt(histories: readonly (readonly Consent[])[], instantIso: string): number {
  let count = 0;
  for (const history of histories) if (hasConsentAt(history, instantIso)) count += 1;
  return count;
}

export function consentTimeline(consents: readonly Consent[], granularity: PeriodGranularity, nowIso: string): ConsentTimeline {
  const events = changeEvents(consents, nowIso);
  if (events.length === 0) return { points: [], periods: [], stepDays: 1 };
  const histories = [...groupBy(consents, (consent) => consent.org_id).values()];
  const first = events.reduce((earliest, event) => (event.at < earliest ? event.at : earliest), nowIso);
  const start = Date.parse(`${first.slice(0, 10)}T00:00:00.000Z`);
  const now = Date.parse(nowIso);
  const stepDays = (now - start) / DAY_MS > DAILY_LIMIT ? 7 : 1;
  const stepMs = stepDays * DAY_MS;
  const points: ConsentTimelinePoint[] = [];
  for (let from = start; from <= now; from += stepMs) {
    const to = Math.min(from + stepMs, now);
    const fromIso = new Date(from).toISOString();
    const toIso = new Date(to).toISOString();
    const inStep = events.filter((event) => event.at >= fromIso && (event.at < toIso || (to === now && event.at <= toIso)));
    points.push({
      day: fromIso.slice(0, 10),
      active: activeAt(histories, toIso),
      grants: inStep.filter((event) => event.kind === 'grants').length,
      revocations: inStep.filter((event) => event.kind === 'revocations').length,
      expiries: inStep.filter((event) => event.kind === 'expiries').length,
    });
  }
  const periods = periodsBetween(new Date(start), new Date(now), granularity).map((period): ConsentPeriodRow => {
    const fromIso = period.start.toISOString();
    const endIso = (period.end.getTime() < now ? period.end : new Date(now)).toISOString();
    const inPeriod = events.filter((event) => event.at >= fromIso && event.at < period.end.toISOString());
    return {
      period: period.id,
      active_at_end: activeAt(histories, endIso),
      grants: inPeriod.filter((event) => event.kind === 'grants').length,
      revocations: inPeriod.filter((event) => event.kind === 'revocations').length,
      expiries: inPeriod.filter((event) => event.kind === 'expiries').length,
    };
  });
  return { points, periods, stepDays };
}

/** Markers sit on the line at the days the changes happened; days without one have no marker. */
function markers(points: readonly ConsentTimelinePoint[], kind: 'grants' | 'revocations' | 'expiries') {
  return points.map((point) => (point[kind] > 0 ? point.active : null));
}

export function consentTimelineChart(timeline: ConsentTimeline) {
  const { points } = timeline;
  const marker = (label: string, kind: 'grants' | 'revocations' | 'expiries', color: string, pointStyle: string) => ({
    type: 'line',
    label,
    data: markers(points, kind),
    showLine: false,
    pointStyle,
    pointRadius: 5,
    borderColor: color,
    backgroundColor: color,
  });
  return {
    type: 'line',
    data: {
      labels: points.map((point) => point.day),
      datasets: [
        {
          label: 'Organizations with active consent',
          data: points.map((point) => point.active),
          stepped: true,
          borderColor: PALETTE.blue,
          backgroundColor: 'rgba(9, 105, 218, 0.12)',
          fill: true,
          pointRadius: 0,
        },
        marker('Days with grants', 'grants', PALETTE.green, 'triangle'),
        marker('Days with revocations', 'revocations', PALETTE.red, 'crossRot'),
        marker('Days with expiries', 'expiries', PALETTE.grey, 'rect'),
      ],
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { ticks: { maxTicksLimit: 8, autoSkip: true, maxRotation: 0 }, title: { display: true, text: timeline.stepDays === 1 ? 'day (UTC)' : 'week starting (UTC)' } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'organizations' } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}
