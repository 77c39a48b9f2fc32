/**
 * The ingest pipeline for one batch from one product instance:
 *   consent gate -> minimize (drop identifier and unknown fields) -> validate -> time checks ->
 *   generalize -> pseudonymize -> dedup -> one atomic counter write.
 * One bad event never rejects the batch; it is reported by index with a code. Nothing of a rejected
 * event is stored except a per-reason count.
 */
import { hasConsentAt } from '../consent/consent-coverage';
import { listConsents } from '../consent/consent-repository';
import { isTransientStoreError } from '../db/database';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { findOrganization } from '../registry/registry-repository';
import { type BatchWriteInput, buildBatchWrite, type StagedEvent, type TallyIncrement, writeBatchSynchronously } from './counter-writes';
import { MINIMIZED_EVENT_SCHEMAS, type MinimizedEvent, type MinimizedEventV2, type SchemaVersion } from './event-schema';
import { generalizeEvent } from './generalize';
import { type DroppedFieldCounts, minimizeEvent } from './minimize-event';
import { eventDayOf, isOutsideDedupWindow, legacyGuardDay } from './replay-guard-window';
import { type Period, periodContaining } from '../periods/period';
import type { RandomSource } from '../privacy/random-source';
import { createPseudonymizer } from '../secrets/pseudonymizer';

export const REJECTION_CODES = [
  'invalid_event',
  'consent_not_active',
  'period_released',
  'too_old',
  'in_future',
  'outside_dedup_window',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface RejectedEvent {
  index: number;
  code: RejectionCode;
  detail: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedEvent[];
  droppedFields: DroppedFieldCounts;
}

type IngestDeps = Pick<AppDeps, 'database' | 'clock' | 'random' | 'secrets' | 'config'>;

const REJECTION_DETAIL: Record<Exclude<RejectionCode, 'invalid_event' | 'outside_dedup_window'>, string> = {
  consent_not_active: 'The event time is outside every research-telemetry consent of the organization.',
  period_released: 'The period containing the event has already been released; late events cannot be added.',
  too_old: 'The period containing the event is closed for ingest (its grace window has passed).',
  in_future: 'The event time is more than 5 minutes ahead of the server clock.',
};

/** Says what to do next: the window is the operator's DEDUP_WINDOW_HOURS. */
function outsideDedupWindowDetail(dedupWindowMs: number): string {
  return (
    `The event time is more than ${dedupWindowMs / 3_600_000} h old, outside the dedup window, where a retry of it could no longer be ` +
    'recognized; it was not counted. Send events within that many hours of their event time; an event this old cannot be submitted.'
  );
}

const MAX_WRITE_ATTEMPTS = 3;

/** A batch write's id: 48 random bits, never 0 (the id of guards stored before migration 0006). */
function randomBatchId(random: RandomSource): number {
  const bytes = new Uint8Array(6);
  random.fillRandomBytes(bytes);
  const id = bytes.reduce((value, byte) => value * 256 + byte, 0);
  return id === 0 ? 1 : id;
}

export async function ingestBatch(
  deps: IngestDeps,
  source: { orgId: string },
  rawEvents: readonly unknown[],
  schemaVersion: SchemaVersion,
): Promise<IngestResult> {
  const { database, clock, config } = deps;
  const now = clock.now();
  const nowIso = now.toISOString();
  const currentPeriod = periodContaining(now, config.period).id;

  const [organization, consents, legacyDay] = await Promise.all([
    findOrganization(database.db, source.orgId),
    listConsents(database.db, source.orgId),
    legacyGuardDay(database.db),
  ]);
  if (!organization) throw new AppError('unauthenticated', 'The credential is not valid.');
  if (!hasConsentAt(consents, nowIso)) {
    await recordTallies(deps, source.orgId, [{ period: currentPeriod, outcome: 'consent_required', events: rawEvents.length }]);
    throw new AppError(
      'consent-required',
      'The organization has no active research-telemetry consent; nothing of this batch was stored.',
    );
  }

  const pseudonymizer = createPseudonymizer(deps.secrets.pseudonymKey);
  const droppedFields: DroppedFieldCounts = {};
  const rejected: RejectedEvent[] = [];
  const tallies = new Map<string, TallyIncrement>();
  const countTally = (period: string, outcome: string) => {
    const key = `${period}\u0000${outcome}`;
    const tally = tallies.get(key) ?? { period, outcome, events: 0 };
    tally.events += 1;
    tallies.set(key, tally);
  };
  const details: Record<Exclude<RejectionCode, 'invalid_event'>, string> = { ...REJECTION_DETAIL, outside_dedup_window: outsideDedupWindowDetail(config.dedupWindowMs) };
  const reject = (index: number, period: string, code: RejectionCode, detail = details[code as keyof typeof details]) => {
    rejected.push({ index, code, detail });
    countTally(period, code);
  };

  const eventSchema = MINIMIZED_EVENT_SCHEMAS[schemaVersion];
  const candidates: { index: number; event: MinimizedEvent | MinimizedEventV2; occurredAt: Date; period: Period }[] = [];
  rawEvents.forEach((raw, index) => {
    const parsed = eventSchema.safeParse(minimizeEvent(raw, droppedFields, schemaVersion));
    if (!parsed.success) {
      const detail = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.map(String).join('.') || '(event)'}: ${issue.message}`)
        .join('; ');
      reject(index, currentPeriod, 'invalid_event', detail);
      return;
    }
    const occurredAt = new Date(parsed.data.occurredAt);
    candidates.push({ index, event: parsed.data, occurredAt, period: periodContaining(occurredAt, config.period) });
  });

  const candidatePeriods = [...new Set(candidates.map(({ period }) => period.id))];
  const released = new Set(
    candidatePeriods.length === 0
      ? []
      : (await database.db.selectFrom('period_releases').select('period').where('period', 'in', candidatePeriods).execute()).map(
          (row) => row.period,
        ),
  );

  const staged: StagedEvent[] = [];
  const seenInBatch = new Set<string>();
  let duplicatesInBatch = 0;
  const profile = { sector: organization.sector, sizeBand: organization.size_band };
  // One pseudonym per period, not per event: a batch nearly always falls in one or two periods.
  const contributorByPeriod = new Map<string, string>();
  const contributorFor = (periodId: string) => {
    let contributor = contributorByPeriod.get(periodId);
    if (contributor === undefined) {
      contributor = pseudonymizer.contributor(source.orgId, periodId);
      contributorByPeriod.set(periodId, contributor);
    }
    return contributor;
  };
  for (const { index, event, occurredAt, period } of candidates) {
    if (occurredAt.getTime() > now.getTime() + config.maxClockSkewMs) reject(index, currentPeriod, 'in_future');
    else if (released.has(period.id)) reject(index, period.id, 'period_released');
    else if (now.getTime() >= period.end.getTime() + config.graceWindowMs) reject(index, period.id, 'too_old');
    else if (isOutsideDedupWindow(occurredAt, now, config.dedupWindowMs)) reject(index, period.id, 'outside_dedup_window');
    else if (!hasConsentAt(consents, occurredAt.toISOString())) reject(index, period.id, 'consent_not_active');
    else {
      const eventHash = pseudonymizer.eventHash(source.orgId, event.eventId);
      const eventDay = eventDayOf(occurredAt);
      // The same key as the replay guard's, so how events are split into batches changes nothing.
      const guardKey = `${eventDay}:${eventHash.toString('latin1')}`;
      if (seenInBatch.has(guardKey)) {
        duplicatesInBatch += 1;
        countTally(period.id, 'duplicate');
        continue;
      }
      seenInBatch.add(guardKey);
      staged.push({
        eventHash,
        period: period.id,
        contributor: contributorFor(period.id),
        cell: generalizeEvent(event, profile),
        sizeBytes: event.transfer.sizeBytes,
        eventDay,
      });
    }
  }

  const accepted = await writeBatch(deps, source.orgId, staged, [...tallies.values()], legacyDay);
  if (accepted === 0 && staged.length > 0 && !hasConsentAt(await listConsents(database.db, source.orgId), clock.now().toISOString())) {
    // The consent was revoked between the gate above and the write, which then stored nothing.
    await recordTallies(deps, source.orgId, [{ period: currentPeriod, outcome: 'consent_required', events: staged.length }]);
    throw new AppError('consent-required', 'The organization\'s consent ended while this batch was written; nothing of it was stored.');
  }
  return {
    accepted,
    duplicates: staged.length - accepted + duplicatesInBatch,
    rejected,
    droppedFields,
  };
}

/**
 * One atomic write: prepared statements in one synchronous transaction on embedded SQLite, the
 * set-based plan elsewhere. Transient conflicts (deadlock, busy) are retried before surfacing as 503. */
async function writeBatch(
  deps: IngestDeps,
  orgId: string,
  events: StagedEvent[],
  knownTallies: TallyIncrement[],
  legacyDay?: number,
): Promise<number> {
  if (events.length === 0 && knownTallies.length === 0) return 0;
  const { database } = deps;
  for (let attempt = 1; ; attempt += 1) {
    const input: BatchWriteInput = {
      batchId: randomBatchId(deps.random),
      orgId,
      writtenAt: deps.clock.now().toISOString(),
      events,
      knownTallies,
      legacyGuardDay: legacyDay,
    };
    try {
      if (database.runSynchronousTransaction) {
        return await database.runSynchronousTransaction((sqlite) => writeBatchSynchronously(sqlite, input));
      }
      const plan = buildBatchWrite(database.db, database.dialect, input);
      const results = await database.executeAtomically(plan.queries);
      return plan.acceptedResultIndex < 0 ? 0 : (results[plan.acceptedResultIndex]?.rows.length ?? 0);
    } catch (error) {
      if (attempt >= MAX_WRITE_ATTEMPTS || !isTransientStoreError(error)) throw error;
    }
  }
}

async function recordTallies(deps: IngestDeps, orgId: string, tallies: TallyIncrement[]): Promise<void> {
  await writeBatch(deps, orgId, [], tallies);
}
