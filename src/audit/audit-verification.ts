/**
 * Recomputes the audit chain from the first entry and reports the first entry that does not fit,
 * with the reason:
 * - `sequence-gap`: a sequence number is missing (an entry was deleted) or out of place;
 * - `prev-hash-mismatch`: the entry does not link to the entry before it (that one was replaced or
 *   re-hashed, or rows were reordered);
 * - `details-not-json` / `details-not-canonical`: the stored details are not the canonical JSON that was hashed;
 * - `hash-mismatch`: the entry's content no longer matches its hash (it was edited);
 * - `anchor-mismatch`: the entry records a release (`release.published`) whose signed package
 *   anchors an audit hash that no earlier entry has: the chain below it was rewritten;
 * - `truncated`: a published release has no `release.published` entry: the newest entries were cut off.
 * A chain alone cannot reveal that its newest entries were cut off; the anchors in signed releases
 * (chain.auditLogHead of each datapackage.json) and the releases table can, up to the last release.
 *
 * A package anchors the entry that was newest when it was built by that entry's hash alone (its
 * sequence number would tell researchers how many audited events happened between two releases).
 * The anchored entry precedes the entry that records the release, so the check is made there: by
 * then the anchored hash must have been seen. Packages written before anchors dropped the sequence
 * number carry `{seq, hash}`; only the hash is used for them too.
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
  /** The audit hash each signed release anchors, by release id. */
  byRelease: Map<string, string>;
  /** Published releases whose `release.published` entry has not been seen yet. */
  unrecorded: Set<string>;
}

async function readReleaseAnchors(deps: Pick<AppDeps, 'database'>): Promise<ReleaseAnchors> {
  const releases = await deps.database.db.selectFrom('releases').select(['id', 'datapackage']).execute();
  const byRelease = new Map<string, string>();
  for (const release of releases) {
    const head = (JSON.parse(release.datapackage) as { chain?: { auditLogHead?: { hash: string } | null } }).chain?.auditLogHead;
    if (head) byRelease.set(release.id, head.hash);
  }
  return { byRelease, unrecorded: new Set(releases.map((release) => release.id)) };
}

function releaseIdsRecordedBy(action: string, details: Record<string, unknown>): string[] {
  if (action !== 'release.published' || !Array.isArray(details.releases)) return [];
  return (details.releases as { id?: unknown }[]).flatMap((release) => (typeof release.id === 'string' ? [release.id] : []));
}

export async function verifyAuditChain(deps: Pick<AppDeps, 'database' | 'clock'>): Promise<AuditVerification> {
  const anchors = await readReleaseAnchors(deps);
  // Every hash seen so far (a set of strings: 64 bytes an entry, fine for millions of entries).
  const seenHashes = new Set<string>();
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
      for (const releaseId of releaseIdsRecordedBy(row.action, details)) {
        const anchored = anchors.byRelease.get(releaseId);
        if (anchored !== undefined && !seenHashes.has(anchored)) {
          return verdict({
            seq,
            reason: 'anchor-mismatch',
            detail: `Release ${releaseId} signed an audit hash that no entry before this one has: the chain below this entry was rewritten.`,
          });
        }
        anchors.unrecorded.delete(releaseId);
      }
      seenHashes.add(row.hash);
      previous = { seq, hash: row.hash };
      head = { seq, hash: row.hash, at: row.at };
    }
    if (rows.length < PAGE_SIZE) break;
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
