/**
 * The dedup window. A replay guard (one row per accepted event, keyed by the event's keyed hash)
 * is what lets a retried event be counted once; keeping every guard until its period is released
 * would make storage grow with the period (a quarter) rather than with the traffic a retry can
 * still arrive in. So guards live DEDUP_WINDOW_HOURS from their event's time, and are keyed by
 * (event day, event hash): a retry carries its event's own time, so it finds its guard.
 *   - ingest rejects events whose event time is older than the window (`outside_dedup_window`);
 *   - guards whose day lies wholly before the window are purged by the release job.
 * An event whose guard was purged is therefore older than the window and can no longer be accepted:
 * nothing is counted twice. Guards are bucketed by UTC day so the purge is a range delete; a day and
 * not an hour, so that storage never holds an organization's activity hour by hour (everything else
 * is kept per period). A guard lives at most the window plus one day.
 *
 * Guards stored before the window existed (migration 0004) carry the upgrade's day negated, since
 * their event's day is unknown: while any are left, the write probes that day for each event's
 * hash too, and the purge drops them once the upgrade itself has left the window.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema';
import type { AppDeps } from '../deps';

const DAY_MS = 86_400_000;
/** Rows per delete statement, so that one purge never holds the write lock (or a D1 request) for long. */
const PURGE_CHUNK_ROWS = 50_000;

/** The day bucket of a replay guard: whole UTC days since the epoch of the event's time. */
export function eventDayOf(occurredAt: Date): number {
  return Math.floor(occurredAt.getTime() / DAY_MS);
}

/** Whether an event this old falls outside the dedup window at `now` (and must be rejected). */
export function isOutsideDedupWindow(occurredAt: Date, now: Date, dedupWindowMs: number): boolean {
  return occurredAt.getTime() < now.getTime() - dedupWindowMs;
}

/**
 * The first day bucket still kept: every event of an earlier bucket happened before
 * `now - window` and is rejected at ingest, so its guard is never consulted again.
 */
export function firstKeptEventDay(now: Date, dedupWindowMs: number): number {
  return eventDayOf(new Date(now.getTime() - dedupWindowMs));
}

/** Deletes the guards that left the dedup window, in chunks; returns how many. Idempotent. */
export async function purgeExpiredReplayGuards(deps: Pick<AppDeps, 'database' | 'clock' | 'config'>): Promise<number> {
  const { db } = deps.database;
  const keptFrom = firstKeptEventDay(deps.clock.now(), deps.config.dedupWindowMs);
  let deleted = 0;
  for (;;) {
    // The key leads with the day: each chunk is a range at the start of the key index.
    const result = await sql`DELETE FROM replay_guards WHERE (event_day, event_hash) IN (
        SELECT event_day, event_hash FROM replay_guards
        WHERE event_day < ${keptFrom} AND (event_day >= 0 OR -event_day < ${keptFrom})
        ORDER BY event_day, event_hash LIMIT ${PURGE_CHUNK_ROWS})`.execute(db);
    const rows = Number(result.numAffectedRows ?? 0);
    deleted += rows;
    if (rows < PURGE_CHUNK_ROWS) return deleted;
  }
}

/**
 * Stores known to hold no guard from before migration 0004. Only that migration writes such guards,
 * and it runs before the service serves, so once none is left none comes back: the ingest hot path
 * stops probing for them.
 */
const withoutLegacyGuards = new WeakSet<Kysely<DB>>();

/**
 * The (negated) day of the guards stored before migration 0004, while any are left: the first
 * entry of the key index, so this costs one probe, and none once they are gone.
 */
export async function legacyGuardDay(db: Kysely<DB>): Promise<number | undefined> {
  if (withoutLegacyGuards.has(db)) return undefined;
  const row = await db.selectFrom('replay_guards').select('event_day').where('event_day', '<', 0).orderBy('event_day').limit(1).executeTakeFirst();
  if (row === undefined) withoutLegacyGuards.add(db);
  return row === undefined ? undefined : Number(row.event_day);
}
