/**
 * The append-only, hash-chained audit trail. Each entry's hash covers its content and the previous
 * entry's hash (SHA-256 over the RFC 8785 canonical JSON of the entry), so editing, deleting or
 * reordering any row breaks every later link. An entry is written in the same atomic unit as the
 * change it records; if another writer took the next sequence number first, the whole unit is
 * rolled back and retried on the new head.
 */
import canonicalize from 'canonicalize';
import type { CompiledQuery } from 'kysely';
import { sha256Hex } from '../auth/tokens';
import { isUniqueViolation } from '../db/constraint-errors';
import type { Database } from '../db/database';
import type { Clock } from '../deps';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEvent {
  actorId: string | null;
  actorRole: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

export interface AuditEntry extends AuditEvent {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value cannot be canonicalized');
  return text;
}

/** The hash of an entry: SHA-256 over the canonical JSON of every field except the hash itself. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return sha256Hex(
    canonicalJson({
      seq: entry.seq,
      at: entry.at,
      actorId: entry.actorId,
      actorRole: entry.actorRole,
      action: entry.action,
      subject: entry.subject,
      details: entry.details,
      prevHash: entry.prevHash,
    }),
  );
}

/** An entry in the audit_log table's layout, details as the canonical JSON that was hashed (also the CSV export's columns). */
export function auditLogRow(entry: AuditEntry) {
  return {
    seq: entry.seq,
    at: entry.at,
    actor_id: entry.actorId,
    actor_role: entry.actorRole,
    action: entry.action,
    subject: entry.subject,
    details: canonicalJson(entry.details),
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

const MAX_APPEND_ATTEMPTS = 8;

/**
 * Runs `changes` (built fresh on every attempt) and appends the event (or several events, in order,
 * for a change that is more than one auditable act, such as a revocation and the erasure it causes)
 * to the audit chain, all or nothing. Returns the appended entries (`entry` is the last one) and the
 * results of the change queries.
 */
export async function writeWithAudit(
  database: Database,
  clock: Clock,
  event: AuditEvent | readonly AuditEvent[],
  changes: () => CompiledQuery[] = () => [],
): Promise<{ entry: AuditEntry; entries: AuditEntry[]; results: Awaited<ReturnType<Database['executeAtomically']>> }> {
  const events: readonly AuditEvent[] = Array.isArray(event) ? event : [event as AuditEvent];
  if (events.length === 0) throw new Error('writeWithAudit needs at least one audit event');
  for (let attempt = 1; ; attempt += 1) {
    const head = await database.db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const at = clock.now().toISOString();
    const entries: AuditEntry[] = [];
    let previous = { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH };
    for (const each of events) {
      const unhashed = { ...each, seq: previous.seq + 1, at, prevHash: previous.hash };
      const entry: AuditEntry = { ...unhashed, hash: auditEntryHash(unhashed) };
      entries.push(entry);
      previous = entry;
    }
    const appends = entries.map((entry) => database.db.insertInto('audit_log').values(auditLogRow(entry)).compile());
    try {
      const all = await database.executeAtomically([...changes(), ...appends]);
      return { entry: entries[entries.length - 1] as AuditEntry, entries, results: all.slice(0, all.length - appends.length) };
    } catch (error) {
      const lostRaceForHead = isUniqueViolation(error) && /audit_log/.test((error as Error).message);
      if (attempt >= MAX_APPEND_ATTEMPTS || !lostRaceForHead) throw error;
    }
  }
}
