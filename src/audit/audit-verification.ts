/**
 * Recomputes the audit chain from the first entry and reports the first entry that does not fit,
 * with the reason:
 * - `sequence-gap`: a sequence number is missing (an entry was deleted) or out of place;
 * - `prev-hash-mismatch`: the entry does not link to the entry before it (that one was replaced or
 *   re-hashed, or rows were reordered);
 * - `details-not-json` / `details-not-canonical`: the stored details are not the canonical JSON that was hashed;
 * - `hash-mismatch`: the entry's content no longer matches its hash (it was edited);
 * - `anchor-mismatch`: a signed release anchored this entry with another hash (rewritten chain);
 * - `truncated`: a signed release anchors an entry the chain no longer reaches, or a published
 *   release has no `release.published` entry: the newest entries were cut off.
 * A chain alone cannot reveal that its newest entries were cut off; the anchors in signed releases
 * (chain.auditLogHead of each datapackage.json) and the releases table can, up to the last release.
 */
import type { AppDeps } from '../deps';
import { auditEntryHash, canonicalJson, GENESIS_HASH } from './audit-log';
import { readAuditChainPage } from './audit-repository';

export const AUDIT_BREAK_REASONS = [
  'sequence-gap',
  'prev-hash-mismatch',
  'details-not-json',
  'details-not-canonical',
  'hash-mismatch',
  'anchor-mismatch',
  'truncated',
] as const;
export type AuditBreakReason = (typeof AUDIT_BREAK_REASONS)[number];

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

interface ReleaseAnchors {
  /** Audit entries anchored by signed releases: seq -> expected hash and the anchoring release. */
  bySeq: Map<number, { hash: string; releaseId: string }>;
  /** Published releases whose `release.published` entry has not been seen yet. */
  unrecorded: Set<string>;
}

async function readReleaseAnchors(deps: Pick<AppDeps, 'database'>): Promise<ReleaseAnchors> {
  const releases = await deps.database.db.selectFrom('releases').select(['id', 'datapackage']).execute();
  const bySeq = new Map<number, { hash: string; releaseId: string }>();
  for (const release of releases) {
    const head = (JSON.parse(release.datapackage) as { chain?: { auditLogHead?: { seq: number; hash: string } | null } }).chain?.auditLogHead;
    if (head) bySeq.set(head.seq, { hash: head.hash, releaseId: release.id });
  }
  return { bySeq, unrecorded: new Set(releases.map((release) => release.id)) };
}

function releaseIdsRecordedBy(action: string, details: Record<string, unknown>): string[] {
  if (action !== 'release.published' || !Array.isArray(details.releases)) return [];
  return (details.releases as { id?: unknown }[]).flatMap((release) => (typeof release.id === 'string' ? [release.id] : []));
}

export async function verifyAuditChain(deps: Pick<AppDeps, 'database' | 'clock'>): Promise<AuditVerification> {
  const anchors = await readReleaseAnchors(deps);
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
      const anchor = anchors.bySeq.get(seq);
      if (anchor && anchor.hash !== row.hash) {
        return verdict({
          seq,
          reason: 'anchor-mismatch',
          detail: `Release ${anchor.releaseId} signed this entry with another hash: the chain was rewritten from here.`,
        });
      }
      for (const releaseId of releaseIdsRecordedBy(row.action, details)) anchors.unrecorded.delete(releaseId);
      previous = { seq, hash: row.hash };
      head = { seq, hash: row.hash, at: row.at };
    }
    if (rows.length < PAGE_SIZE) break;
  }
  const furthestAnchor = Math.max(0, ...anchors.bySeq.keys());
  if (furthestAnchor > previous.seq) {
    const { releaseId } = anchors.bySeq.get(furthestAnchor)!;
    return verdict({
      seq: previous.seq + 1,
      reason: 'truncated',
      detail: `Release ${releaseId} anchors entry ${furthestAnchor}, but the chain ends at ${previous.seq}: newer entries were removed.`,
    });
  }
  const [unrecorded] = anchors.unrecorded;
  if (unrecorded !== undefined) {
    return verdict({
      seq: previous.seq + 1,
      reason: 'truncated',
      detail: `Release ${unrecorded} is published but no audit entry records it: entries were removed.`,
    });
  }
  return verdict(null);
}
