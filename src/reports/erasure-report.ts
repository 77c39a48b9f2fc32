/** Erasure receipts as a report: what was erased, when, at whose request, and which releases predate it. */
import { listErasures } from '../consent/erasure-repository';
import { erasureReceiptView } from '../consent/erasure-service';
import type { AppDeps } from '../deps';
import { listOrganizations } from '../registry/registry-repository';
import type { ReportTable } from './report-table';
import type { ReportWindow } from './report-window';

export const ERASURE_REPORT_COLUMNS = [
  'erasure_id',
  'org_id',
  'org_name',
  'consent_id',
  'requested_at',
  'completed_at',
  'requested_by',
  'periods',
  'rows_removed',
  'releases_including',
] as const;

export type ErasureReportRow = {
  erasure_id: string;
  org_id: string;
  org_name: string;
  consent_id: string | null;
  requested_at: string;
  completed_at: string | null;
  requested_by: string;
  periods: string;
  rows_removed: number;
  releases_including: string;
};

export interface ErasureReport extends ReportTable<ErasureReportRow> {
  window: ReportWindow;
}

export async function buildErasureReport(
  deps: Pick<AppDeps, 'database'>,
  window: ReportWindow,
  filter: { orgId?: string | undefined } = {},
): Promise<ErasureReport> {
  const { db } = deps.database;
  const [erasures, organizations] = await Promise.all([
    listErasures(db, { orgId: filter.orgId, from: window.from ?? undefined, to: window.to ?? undefined }),
    listOrganizations(db),
  ]);
  const names = new Map(organizations.map((organization) => [organization.id, organization.name]));
  const rows = erasures.map(erasureReceiptView).map(
    (receipt): ErasureReportRow => ({
      erasure_id: receipt.id,
      org_id: receipt.orgId,
      org_name: names.get(receipt.orgId) ?? '',
      consent_id: receipt.consentId,
      requested_at: receipt.requestedAt,
      completed_at: receipt.completedAt,
      requested_by: receipt.requestedBy,
      periods: receipt.periods.join(' '),
      rows_removed: receipt.rowsRemoved,
      releases_including: receipt.releasesIncluding.map((release) => `${release.releaseId} (${release.datasetId} ${release.period})`).join('; '),
    }),
  );
  return { columns: ERASURE_REPORT_COLUMNS, rows, window };
}
