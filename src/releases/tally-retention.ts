/**
 * Retention of the ingest tallies: exact accepted/rejected event counts per organization and
 * period, kept for the consent report. They are not telemetry, but they are exact figures per
 * organization, so they are not kept forever: once a period ended more than TALLY_RETENTION_DAYS
 * ago its tallies are deleted by the release job's retention step (and an organization's tallies go
 * with its erasure, see erasure-repository.ts).
 */
import { sql } from 'kysely';
import { writeWithAudit } from '../audit/audit-log';
import type { AppDeps } from '../deps';
import { parseAnyPeriodId } from '../periods/period';

const DAY_MS = 86_400_000;

export interface TallyRetentionResult {
  periods: string[];
  rowsDeleted: number;
}

/** Deletes the tallies of every period that ended more than the retention ago. Idempotent. */
export async function purgeExpiredTallies(deps: Pick<AppDeps, 'database' | 'clock' | 'config'>): Promise<TallyRetentionResult> {
  const { db } = deps.database;
  const cutoff = deps.clock.now().getTime() - deps.config.tallyRetentionDays * DAY_MS;
  const stored = await db.selectFrom('ingest_tallies').select('period').distinct().execute();
  const expired = stored
    .map((row) => row.period)
    .filter((id) => {
      const period = parseAnyPeriodId(id);
      return period !== undefined && period.end.getTime() <= cutoff;
    })
    .sort();
  if (expired.length === 0) return { periods: [], rowsDeleted: 0 };
  const json = JSON.stringify(expired);
  const list = deps.database.dialect === 'postgres' ? sql`SELECT jsonb_array_elements_text(${json}::jsonb)` : sql`SELECT value FROM json_each(${json})`;
  const { results } = await writeWithAudit(
    deps.database,
    deps.clock,
    {
      actorId: null,
      actorRole: 'system',
      action: 'retention.tallies_purged',
      subject: 'ingest_tallies',
      details: { periods: expired, retentionDays: deps.config.tallyRetentionDays },
    },
    () => [db.deleteFrom('ingest_tallies').where(sql<boolean>`period IN (${list})`).compile()],
  );
  const rowsDeleted = Number(results[0]?.numAffectedRows ?? 0);
  return { periods: expired, rowsDeleted };
}
