/**
 * The consent report: per organization and period, its consent state and history, what ingest did
 * with its events (accepted, duplicates, refused for lack of consent, rejected by reason) and
 * whether that period's contributions were erased. One row per organization and period in the
 * window; an organization with no traffic in the window still gets one row (period empty), so the
 * report lists every registered organization.
 */
import { organizationConsentStatusAt } from '../consent/consent-coverage';
import { listAllConsents } from '../consent/consent-repository';
import { listErasures } from '../consent/erasure-repository';
import type { Consent } from '../db/schema';
import type { AppDeps } from '../deps';
import { REJECTION_CODES } from '../ingest/ingest-batch';
import { listOrganizations } from '../registry/registry-repository';
import { groupBy } from './group-by';
import { listIngestTallies } from './report-repository';
import { byName, type ReportTable } from './report-table';
import { periodOverlaps, type ReportWindow } from './report-window';

/** Ingest outcomes with a column of their own; any other outcome still counts in `rejected_total`. */
const COUNTED_OUTCOMES = ['accepted', 'duplicate', 'consent_required', ...REJECTION_CODES] as const;
type CountedOutcome = (typeof COUNTED_OUTCOMES)[number];

export const CONSENT_REPORT_COLUMNS = [
  'org_id',
  'org_name',
  'sector',
  'consent_status',
  'consent_history',
  'period',
  ...COUNTED_OUTCOMES,
  'rejected_total',
  'erased',
  'erasures',
  'erased_rows',
] as const;

export type ConsentReportRow = { [K in 'org_id' | 'org_name' | 'sector' | 'consent_status' | 'consent_history' | 'period']: string } & {
  [K in CountedOutcome | 'rejected_total' | 'erasures' | 'erased_rows']: number;
} & { erased: boolean };

export type ConsentReportTotals = { [K in CountedOutcome | 'rejected_total' | 'erasures' | 'erased_rows']: number };

export interface ConsentReport extends ReportTable<ConsentReportRow> {
  window: ReportWindow;
  statusAt: string;
  totals: ConsentReportTotals;
}

/** Refusals and rejections: everything but accepted events and harmless retries. */
const NOT_REJECTED = new Set(['accepted', 'duplicate']);

/** A compact, readable history: one clause per grant, oldest first. */
export function describeConsentHistory(consents: readonly Consent[]): string {
  return consents
    .map((consent) => {
      const ends = [
        consent.revoked_at ? `revoked ${consent.revoked_at}` : null,
        consent.expires_at ? `${consent.revoked_at && consent.revoked_at < consent.expires_at ? 'would expire' : 'expires'} ${consent.expires_at}` : null,
      ].filter(Boolean);
      return `granted ${consent.granted_at} (policy ${consent.policy_version}, ${consent.collection_method})${ends.length ? `; ${ends.join('; ')}` : ''}`;
    })
    .join(' | ');
}

/** JSON keys in the CSV's column order, so both forms read the same. */
function inColumnOrder(row: ConsentReportRow): ConsentReportRow {
  return Object.fromEntries(CONSENT_REPORT_COLUMNS.map((column) => [column, row[column]])) as ConsentReportRow;
}

function zeroCounts(): ConsentReportTotals {
  return Object.fromEntries([...COUNTED_OUTCOMES, 'rejected_total', 'erasures', 'erased_rows'].map((key) => [key, 0])) as ConsentReportTotals;
}

export async function buildConsentReport(deps: Pick<AppDeps, 'database' | 'clock'>, window: ReportWindow): Promise<ConsentReport> {
  const { db } = deps.database;
  const nowIso = deps.clock.now().toISOString();
  const statusAt = window.to !== null && window.to < nowIso ? window.to : nowIso;
  const [organizations, consents, tallies, erasures] = await Promise.all([
    listOrganizations(db),
    listAllConsents(db),
    listIngestTallies(db),
    listErasures(db, { from: window.from ?? undefined, to: window.to ?? undefined }),
  ]);

  const consentsByOrg = groupBy(consents, (consent) => consent.org_id);
  const erasuresByOrg = groupBy(erasures, (erasure) => erasure.org_id);
  const talliesByOrg = groupBy(
    tallies.filter((tally) => periodOverlaps(tally.period, window)),
    (tally) => tally.orgId,
  );

  const rows: ConsentReportRow[] = [];
  const totals = zeroCounts();
  for (const organization of [...organizations].sort(byName)) {
    const history = (consentsByOrg.get(organization.id) ?? []).filter((consent) => window.to === null || consent.granted_at < window.to);
    const orgErasures = erasuresByOrg.get(organization.id) ?? [];
    const erasedPeriods = new Set(orgErasures.flatMap((erasure) => JSON.parse(erasure.periods) as string[]));
    const erasedRows = orgErasures.reduce((sum, erasure) => sum + Number(erasure.rows_removed), 0);
    const base = {
      org_id: organization.id,
      org_name: organization.name,
      sector: organization.sector,
      consent_status: organizationConsentStatusAt(history, statusAt),
      consent_history: describeConsentHistory(history),
    };
    totals.erasures += orgErasures.length;
    totals.erased_rows += erasedRows;

    const byPeriod = groupBy(talliesByOrg.get(organization.id) ?? [], (tally) => tally.period);
    const periods = [...byPeriod.keys()].sort();
    if (periods.length === 0) periods.push('');
    for (const [index, period] of periods.entries()) {
      const counts = zeroCounts();
      // Organization-wide erasure figures go on the first row only, so column sums stay right.
      counts.erasures = index === 0 ? orgErasures.length : 0;
      counts.erased_rows = index === 0 ? erasedRows : 0;
      for (const tally of byPeriod.get(period) ?? []) {
        if ((COUNTED_OUTCOMES as readonly string[]).includes(tally.outcome)) counts[tally.outcome as CountedOutcome] += tally.events;
        if (!NOT_REJECTED.has(tally.outcome)) counts.rejected_total += tally.events;
      }
      for (const key of [...COUNTED_OUTCOMES, 'rejected_total'] as const) totals[key] += counts[key];
      rows.push(inColumnOrder({ ...base, period, ...counts, erased: period !== '' && erasedPeriods.has(period) }));
    }
  }
  return { columns: CONSENT_REPORT_COLUMNS, rows, totals, window, statusAt };
}

/** The CSV form: the rows, then one totals row (blank identity columns), so a spreadsheet shows the sums. */
export function consentReportCsvTable(report: ConsentReport): ReportTable<ConsentReportRow> {
  const totalsRow: ConsentReportRow = {
    org_id: '',
    org_name: 'All organizations (total)',
    sector: '',
    consent_status: '',
    consent_history: '',
    period: '',
    ...report.totals,
    erased: false,
  };
  return { columns: report.columns, rows: [...report.rows, inColumnOrder(totalsRow)] };
}
