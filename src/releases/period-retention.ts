/**
 * Retention after release: a released period's counters and replay guards are deleted, because
 * nothing will ever read them again (ingest refuses the period, the release is published). The value
 * ids of `counter_values` stay: shared vocabulary words, other periods' counters use them, and none
 * says anything about an organization (docs/releases.md, Storage of counters).
 *
 * The deletes run after the release commits, in chunks, each its own short statement: one delete
 * of millions of rows would hold SQLite's single writer lock for seconds (ingest would time out
 * with 503s) and exceed what one D1 batch may do. On embedded SQLite, when the period holds nearly all
 * the counters (the usual case: only the next period's first days are stored beside it), they are
 * cleared at once instead, keeping the few other rows, which holds the lock for a fraction of a
 * second (see clearPeriodCountersAtOnce). This is safe to split off: the release never
 * depends on the deletes, and if the process dies midway, `purgeReleasedPeriods` (run before every
 * scheduled release) finishes the job. An audit entry records when a period's data was gone.
 *
 * Its counts are the rows the finishing run deleted. When that run finishes an interrupted purge, the
 * interrupted run's deletes committed chunk by chunk and left no record, so the entry says
 * `countsArePartial: true` rather than present a smaller figure as the whole purge.
 */
import { writeWithAudit } from '../audit/audit-log';
import type { AppDeps } from '../deps';
import { clearPeriodCountersAtOnce, deletePeriodCountersChunk, deletePeriodReplayGuardsChunk, listReleasedPeriodsWithData } from './release-repository';

export const RETENTION_CHUNK_ROWS = 20_000;
/**
 * On embedded SQLite, a period's counters are cleared in one transaction (clearPeriodCountersAtOnce)
 * when the other periods hold at most this many chunks' worth of rows: copying those out and back
 * holds the writer lock for about as long as deleting that many chunks.
 */
const CLEAR_AT_ONCE_MAX_KEPT_CHUNKS = 5;

export interface RetentionResult {
  period: string;
  countersDeleted: number;
  replayGuardsDeleted: number;
}

type RetentionDeps = Pick<AppDeps, 'database' | 'clock' | 'logger'>;

/** Deletes all of the period's counters and replay guards. Idempotent. */
export async function purgePeriodData(
  deps: RetentionDeps,
  period: string,
  options: {
    chunkRows?: number;
    onChunk?: (deleted: number) => void;
    /** Finishing a purge an earlier run began: rows it deleted are not in this run's counts. */
    resumesInterruptedPurge?: boolean;
  } = {},
): Promise<RetentionResult> {
  const chunk = options.chunkRows ?? RETENTION_CHUNK_ROWS;
  const { db } = deps.database;
  let countersDeleted = 0;
  let replayGuardsDeleted = 0;
  const cleared = await clearPeriodCountersAtOnce(deps.database, period, chunk * CLEAR_AT_ONCE_MAX_KEPT_CHUNKS);
  if (cleared !== undefined) {
    countersDeleted += cleared;
    options.onChunk?.(countersDeleted);
  }
  for (let deleted = await deletePeriodCountersChunk(db, period, chunk); deleted > 0; deleted = await deletePeriodCountersChunk(db, period, chunk)) {
    countersDeleted += deleted;
    options.onChunk?.(countersDeleted + replayGuardsDeleted);
  }
  for (let deleted = await deletePeriodReplayGuardsChunk(db, period, chunk); deleted > 0; deleted = await deletePeriodReplayGuardsChunk(db, period, chunk)) {
    replayGuardsDeleted += deleted;
    options.onChunk?.(countersDeleted + replayGuardsDeleted);
  }
  await writeWithAudit(deps.database, deps.clock, {
    actorId: null,
    actorRole: 'system',
    action: 'release.retention_completed',
    subject: `period:${period}`,
    details: { period, countersDeleted, replayGuardsDeleted, ...(options.resumesInterruptedPurge ? { countsArePartial: true } : {}) },
  });
  return { period, countersDeleted, replayGuardsDeleted };
}

/** Finishes the retention of every released period that still holds data (after a crash mid-purge). */
export async function purgeReleasedPeriods(deps: RetentionDeps): Promise<RetentionResult[]> {
  const results: RetentionResult[] = [];
  for (const period of await listReleasedPeriodsWithData(deps.database.db)) {
    deps.logger.warn('finishing retention of a released period', { period });
    results.push(await purgePeriodData(deps, period, { resumesInterruptedPurge: true }));
  }
  return results;
}
