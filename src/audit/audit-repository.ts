/** Reading the audit log: filtered, keyset-paged by sequence number. Writing is audit-log.ts's alone. */
import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, DB } from '../db/schema';
import type { AuditEntry } from './audit-log';

export type AuditRow = Selectable<AuditLogTable>;

export interface AuditFilter {
  /** Exact action, or a prefix ending in `.*` (`consent.*`). */
  action?: string | undefined;
  subject?: string | undefined;
  /** Inclusive lower and exclusive upper bound on the entry time (ISO-8601 UTC). */
  from?: string | undefined;
  to?: string | undefined;
}

export interface AuditPageRequest extends AuditFilter {
  order: 'asc' | 'desc';
  /** Continue after this sequence number (exclusive), in `order`. */
  afterSeq?: number | undefined;
  limit: number;
}

export function auditEntryFromRow(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    subject: row.subject,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Returns up to `limit + 1` rows so the caller can tell whether another page exists. */
export function listAuditRows(db: Kysely<DB>, request: AuditPageRequest): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (request.action?.endsWith('.*')) {
    const prefix = request.action.slice(0, -1);
    // substr rather than LIKE: action names contain '_', a LIKE wildcard.
    query = query.where((eb) => eb(eb.fn('substr', ['action', eb.val(1), eb.val(prefix.length)]), '=', prefix));
  } else if (request.action) {
    query = query.where('action', '=', request.action);
  }
  if (request.subject) query = query.where('subject', '=', request.subject);
  if (request.from) query = query.where('at', '>=', request.from);
  if (request.to) query = query.where('at', '<', request.to);
  if (request.afterSeq !== undefined) query = query.where('seq', request.order === 'asc' ? '>' : '<', request.afterSeq);
  return query.orderBy('seq', request.order).limit(request.limit + 1).execute();
}

/** The chain in order, one page at a time (verification reads all of it without holding it all). */
export function readAuditChainPage(db: Kysely<DB>, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

export function latestAuditEntryFor(db: Kysely<DB>, action: string): Promise<AuditRow | undefined> {
  return db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}
