/**
 * Recomputes the audit chain from the first entry and reports the first entry that does not fit,
 * with the reason:
 * - `sequence-gap`: a sequence number is missing (an entry was deleted) or out of place;
 * - `prev-hash-mismatch`: the entry does not link to the entry before it (that one was replaced or
 *   re-hashed, or rows were reordered);
 * - `details-not-json` / `details-not-canonical`: the stored details are not the canonical JSON that was hashed;
 * - `hash-mismatch`: the entry's content no longer matches its hash (it was edited).
 * A chain cannot reveal that its newest entries were cut off; compare the reported head with one
 * recorded elsewhere (a printed report, a release, a ticket) for that.
 */
import type { AppDeps } from '../deps';
import { auditEntryHash, canonicalJson, GENESIS_HASH } from './audit-log';
import { readAuditChainPage } from './audit-repository';

export type AuditBreakReason = 'sequence-gap' | 'prev-hash-mismatch' | 'details-not-json' | 'details-not-canonical' | 'hash-mismatch';

export interface AuditBreak {
  seq: number;
  reason: AuditBreakReason;
  detail: string;
}

export interface AuditVerification {
  valid: boolean;
  entriesChecked: number;
  /** The last entry checked: on a valid chain, the head to record elsewhere. */
  head: { seq: number; hash: string; at: string } | null;
  firstBroken: AuditBreak | null;
  verifiedAt: string;
}

const PAGE_SIZE = 1000;

export async function verifyAuditChain(deps: Pick<AppDeps, 'database' | 'clock'>): Promise<AuditVerification> {
  let previous = { seq: 0, hash: GENESIS_HASH };
  let head: AuditVerification['head'] = null;
  let checked = 0;
  const verdict = (firstBroken: AuditBreak | null): AuditVerification => ({
    valid: firstBroken === null,
    entriesChecked: checked,
    head,
    firstBroken,
    verifiedAt: deps.clock.now().toISOString(),
  });

  for (;;) {
    const rows = await readAuditChainPage(deps.database.db, previous.seq, PAGE_SIZE);
    for (const row of rows) {
      const seq = Number(row.seq);
      checked += 1;
      if (seq !== previous.seq + 1) {
        return verdict({
          seq,
          reason: 'sequence-gap',
          detail: `Expected entry ${previous.seq + 1} after ${previous.seq}, found ${seq}: entries are missing.`,
        });
      }
      if (row.prev_hash !== previous.hash) {
        return verdict({
          seq,
          reason: 'prev-hash-mismatch',
          detail: `The entry does not link to entry ${previous.seq}: that entry was changed, replaced or moved after this one was written.`,
        });
      }
      let details: Record<string, unknown>;
      try {
        details = JSON.parse(row.details) as Record<string, unknown>;
      } catch {
        return verdict({ seq, reason: 'details-not-json', detail: 'The stored details are not valid JSON: the entry was edited.' });
      }
      if (canonicalJson(details) !== row.details) {
        return verdict({ seq, reason: 'details-not-canonical', detail: 'The stored details differ from the canonical JSON that was hashed: the entry was edited.' });
      }
      const recomputed = auditEntryHash({
        seq,
        at: row.at,
        actorId: row.actor_id,
        actorRole: row.actor_role,
        action: row.action,
        subject: row.subject,
        details,
        prevHash: row.prev_hash,
      });
      if (recomputed !== row.hash) {
        return verdict({ seq, reason: 'hash-mismatch', detail: 'The entry\'s content does not match its hash: it was edited after it was written.' });
      }
      previous = { seq, hash: row.hash };
      head = { seq, hash: row.hash, at: row.at };
    }
    if (rows.length < PAGE_SIZE) return verdict(null);
  }
}
