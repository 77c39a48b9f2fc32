/**
 * The dedup window. A replay guard (one row per accepted event, keyed by the event's keyed hash)
 * is what lets a retried event be counted once; keeping every guard until its period is released
 * would make storage grow with the period (a quarter) rather than with the traffic a retry can
 * still arrive in. So guards live DEDUP_WINDOW_HOURS from their event's time, and are keyed by
 * (event hour, event hash): a retry carries its event's own time, so it finds its guard.
 *   - ingest rejects events whose event time is older than the window (`outside_dedup_window`);
 *   - guards whose hour lies wholly before the window are purged by the release job.
 * An event whose guard was purged is therefore older than the window and can no longer be accepted:
 * nothing is counted twice. Guards are bucketed by whole hours so the purge is a range delete.
 *
 * Guards stored before the window existed (migration 0004) carry the upgrade's hour negated, since
 * their event's hour is unknown: while any are left, the write probes that hour for each event's
 * hash too, and the purge drops them once the upgrade itself has left the window.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema';
import type { AppDeps } from '../deps';

const HOUR_MS = 3_600_000;
/** Rows per delete statement, so that one purge never holds the write lock (or a D1 request) for long. */
const PURGE_CHUNK_ROWS = 50_000;

/** The hour bucket of a replay guard: whole hours since the epoch of the event's time. */
export function eventHourOf(occurredAt: Date): number {
  return Math.floor(occurredAt.getTime() / HOUR_MS);
}

/** Whether an event this old falls outside the dedup window at `now` (and must be rejected). */
export function isOutsideDedupWindow(occurredAt: Date, now: Date, dedupWindowMs: number): boolean {
  return occurredAt.getTime() < now.getTime() - dedupWindowMs;
}

/**
 * The first hour bucket still kept: every event of an earlier bucket happened before
 * `now - window` and is rejected at ingest, so its guard is never consulted again.
 */
export function firstKeptEventHour(now: Date, dedupWindowMs: number): number {
  return eventHourOf(new Date(now.getTime() - dedupWindowMs));
}

/** Deletes the guards that left the dedup window, in chunks; returns how many. Idempotent. */
export async function purgeExpiredReplayGuards(deps: Pick<AppDeps, 'database' | 'clock' | 'config'>): Promise<number> {
  const { db } = deps.database;
  const keptFrom = firstKeptEventHour(deps.clock.now(), deps.config.dedupWindowMs);
  let deleted = 0;
  for (;;) {
    // The key leads with the hour: each chunk is a range at the start of the key index.
    const result = await sql`DELETE FROM replay_guards WHERE (event_hour, event_hash) IN (
        SELECT event_hour, event_hash FROM replay_guards
        WHERE event_hour < ${keptFrom} AND (event_hour >= 0 OR -event_hour < ${keptFrom})
        ORDER BY event_hour, event_hash LIMIT ${PURGE_CHUNK_ROWS})`.execute(db);
    const rows = Number(result.numAffectedRows ?? 0);
    deleted += rows;
    if (rows < PURGE_CHUNK_ROWS) return deleted;
  }
}

/**
 * The (negated) hour of the guards stored before migration 0004, while any are left: the first
 * entry of the key index, so this costs one probe.
 */
export async function legacyGuardHour(db: Kysely<DB>): Promise<number | undefined> {
  const row = await db.selectFrom('replay_guards').select('event_hour').where('event_hour', '<', 0).orderBy('event_hour').limit(1).executeTakeFirst();
  return row === undefined ? undefined : Number(row.event_hour);
}
