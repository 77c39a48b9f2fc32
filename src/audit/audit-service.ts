/** Reading the audit trail for people: filtered pages with an opaque cursor. */
import type { AppDeps } from '../deps';
import type { AuditEntry } from './audit-log';
import { type AuditPageRequest, auditEntryFromRow, listAuditRows } from './audit-repository';

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

export async function listAuditEntries(deps: Pick<AppDeps, 'database'>, request: AuditPageRequest): Promise<AuditPage> {
  const rows = await listAuditRows(deps.database.db, request);
  const items = rows.slice(0, request.limit).map(auditEntryFromRow);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > request.limit && last ? String(last.seq) : null };
}
