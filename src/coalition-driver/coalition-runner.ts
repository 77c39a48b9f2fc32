/**
 * Plays a simulated coalition against a running service, over HTTP only: registers every
 * organization and an instance for it, grants consent as organizations join, revokes it for a few
 * (their instances keep sending for a while and are refused, as a real product would be), asks for
 * one erasure, and sends every organization's traffic through the product SDK, tick by tick.
 *
 * Two kinds of time:
 * - `simulated`: the service runs on a clock the caller moves (the demo). Events are dated inside
 *   their tick, the clock is moved to each tick's end before they are sent, and each period is
 *   released through the admin API as soon as its grace window has passed.
 * - `live`: the service runs on the real clock (`npm run simulate` against any instance). A live
 *   service accepts only events of its open period, so each tick's events are generated for the
 *   simulated span (AI content still grows tick by tick) and dated at the present; nothing is
 *   released (the service's scheduler does that when periods fall due).
 */
import { createTelemetryClient, type FlushOutcome, TelemetryApiError, type TelemetryClient } from '../sdk/telemetry-client';
import type { Coalition, SimulatedOrganization } from '../simulation/coalition';
import type { CoalitionTimeline } from '../simulation/coalition-timeline';
import { type SimulationTick, tickAt } from '../simulation/simulation-schedule';
import type { SimulationRandom } from '../simulation/simulation-random';
import { drawEventCount, generateTransferEvents, type SimulatedTransferEvent } from '../simulation/transfer-traffic';
import type { AdminClient, PeriodReleaseSummary } from './service-admin-client';

export type SimulationTime =
  | { kind: 'simulated'; moveTo(at: Date): void; graceMs: number }
  | { kind: 'live'; now(): Date };

export interface CoalitionProgress {
  phase: 'registering' | 'sending' | 'releasing' | 'done';
  /** Ticks finished, of `ticks`. */
  tick: number;
  ticks: number;
  period: string;
  eventsSent: number;
  eventsPlanned: number;
  periodsReleased: number;
}

export interface CoalitionRunOptions {
  baseUrl: string;
  admin: AdminClient;
  coalition: Coalition;
  timeline: CoalitionTimeline;
  random: SimulationRandom;
  ticks: readonly SimulationTick[];
  /** The coalition's mean events per organization and period; each organization sends its traffic weight times this. */
  meanEventsPerOrganizationPerPeriod: number;
  time: SimulationTime;
  /** Organizations sending at the same time (default 6). */
  concurrency?: number;
  /** Events per request (default 500). */
  batchSize?: number;
  fetch?: typeof fetch;
  onProgress?: (progress: CoalitionProgress) => void;
}

export interface CoalitionRunSummary {
  organizations: number;
  /** Organizations that granted consent at some point, revoked it, and asked for an erasure. */
  consenting: number;
  revoked: number;
  erasures: number;
  periods: string[];
  events: {
    planned: number;
    sent: number;
    accepted: number;
    duplicates: number;
    /** Events not counted, by reason: per-event codes (`consent_not_active`, ...) and whole-batch problem types (`consent-required`, ...). */
    rejected: Record<string, number>;
  };
  /** Identifier fields the service reported dropping, by contract path. */
  droppedFields: Record<string, number>;
  releases: PeriodReleaseSummary[];
}

interface Member {
  organization: SimulatedOrganization;
  orgId: string;
  client: TelemetryClient;
  joinTick: number | undefined;
  /** The tick at whose start consent is revoked; the instance still sends during it, and is refused. */
  revokeTick: number | undefined;
}

const CONSENT_POLICY_VERSION = 'research-telemetry-v1';

async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}

function sendsDuring(member: Member, tick: number): boolean {
  return member.joinTick !== undefined && member.joinTick <= tick && (member.revokeTick === undefined || tick <= member.revokeTick);
}

/** Why a batch failed for good: the problem type's name, or `network-error`. */
function refusalReason(error: unknown): string {
  if (error instanceof TelemetryApiError) return error.problem?.type.replace(/^.*\/problems\//, '') ?? `http-${error.status}`;
  return 'network-error';
}

export async function runCoalition(options: CoalitionRunOptions): Promise<CoalitionRunSummary> {
  const { admin, coalition, timeline, random, ticks, time } = options;
  if (ticks.length === 0) throw new RangeError('runCoalition: no ticks');
  const concurrency = options.concurrency ?? 6;
  const periods = [...new Map(ticks.map((tick) => [tick.period.id, tick.period])).values()];
  const ticksPerPeriod = ticks.length / periods.length;
  const summary: CoalitionRunSummary = {
    organizations: coalition.organizations.length,
    consenting: 0,
    revoked: 0,
    erasures: 0,
    periods: periods.map((period) => period.id),
    events: { planned: 0, sent: 0, accepted: 0, duplicates: 0, rejected: {} },
    droppedFields: {},
    releases: [],
  };
  const progress: CoalitionProgress = {
    phase: 'registering',
    tick: 0,
    ticks: ticks.length,
    period: ticks[0]!.period.id,
    eventsSent: 0,
    eventsPlanned: 0,
    periodsReleased: 0,
  };
  const report = (changes: Partial<CoalitionProgress>) => {
    Object.assign(progress, changes);
    options.onProgress?.({ ...progress });
  };
  const moveTo = (at: Date) => {
    if (time.kind === 'simulated') time.moveTo(at);
  };

  // Everything random is drawn up front, in a fixed order, so a seed gives the same run.
  const revokeTicks = new Map(timeline.revocations.map((revocation) => [revocation.organization, tickAt(revocation.at, ticks.length)]));
  const erasureTick = timeline.erasure ? tickAt(timeline.erasure.at, ticks.length) : undefined;
  const joinTicks = timeline.consentAt.map((at) => (at === undefined ? undefined : tickAt(at, ticks.length)));
  const meanPerTick = options.meanEventsPerOrganizationPerPeriod / ticksPerPeriod;
  const plannedCounts = ticks.map((tick) =>
    coalition.organizations.map((organization) => {
      const count = drawEventCount(random, organization, meanPerTick);
      const join = joinTicks[organization.index];
      const revoke = revokeTicks.get(organization.index);
      if (revoke === tick.index) return Math.max(1, count); // the instance does not know of the revocation: it sends, and is refused
      return join !== undefined && join <= tick.index && (revoke === undefined || tick.index < revoke) ? count : 0;
    }),
  );
  summary.events.planned = plannedCounts.flat().reduce((sum, count) => sum + count, 0);
  report({ eventsPlanned: summary.events.planned });

  moveTo(ticks[0]!.from);
  const members: Member[] = [];
  await forEachConcurrently(coalition.organizations, concurrency, async (organization) => {
    const { id: orgId } = await admin.createOrganization({
      name: organization.name,
      sector: organization.sector,
      sizeBand: organization.sizeBand,
      country: organization.country,
    });
    const { token } = await admin.createInstance(orgId, `${organization.name} production`);
    members[organization.index] = {
      organization,
      orgId,
      client: createTelemetryClient({
        baseUrl: options.baseUrl,
        token,
        batchSize: options.batchSize ?? 500,
        flushIntervalMs: 0,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
      joinTick: joinTicks[organization.index],
      revokeTick: revokeTicks.get(organization.index),
    };
  });

  const released = new Set<string>();
  const releaseDue = async (at: Date) => {
    if (time.kind !== 'simulated') return;
    for (const period of periods) {
      if (released.has(period.id) || period.end.getTime() + time.graceMs > at.getTime()) continue;
      report({ phase: 'releasing', period: period.id });
      summary.releases.push(await admin.releasePeriod(period.id));
      released.add(period.id);
      report({ periodsReleased: released.size });
    }
  };

  const addOutcome = (outcome: FlushOutcome) => {
    summary.events.accepted += outcome.accepted;
    summary.events.duplicates += outcome.duplicates;
    for (const rejection of outcome.rejected) summary.events.rejected[rejection.code] = (summary.events.rejected[rejection.code] ?? 0) + 1;
    for (const [field, count] of Object.entries(outcome.droppedFields)) summary.droppedFields[field] = (summary.droppedFields[field] ?? 0) + count;
  };

  for (const tick of ticks) {
    moveTo(tick.from);
    await releaseDue(tick.from);
    report({ phase: 'sending', period: tick.period.id });
    for (const member of members) {
      if (member.joinTick === tick.index) {
        await admin.grantConsent(member.orgId, { policyVersion: CONSENT_POLICY_VERSION, grantedBy: `Privacy officer, ${member.organization.name}` });
        summary.consenting += 1;
      }
      if (member.revokeTick === tick.index) {
        await admin.revokeConsent(member.orgId, 'The organization left the research coalition.');
        summary.revoked += 1;
      }
      if (timeline.erasure?.organization === member.organization.index && erasureTick === tick.index) {
        await admin.requestErasure(member.orgId, 'The organization asked for its unreleased contributions to be erased.');
        summary.erasures += 1;
      }
    }
    moveTo(tick.to);
    const senders = members.filter((member) => sendsDuring(member, tick.index) && plannedCounts[tick.index]![member.organization.index]! > 0);
    // Drawn in organization order before anything is sent, so concurrency cannot change what is drawn.
    const batches = senders.map((member) => ({
      member,
      events: generateTransferEvents(random, coalition, member.organization, {
        from: tick.from,
        to: tick.to,
        count: plannedCounts[tick.index]![member.organization.index]!,
      }),
    }));
    await forEachConcurrently(batches, concurrency, async ({ member, events }) => {
      if (time.kind === 'live') dateAtPresent(events, time.now());
      for (const event of events) member.client.enqueue(event);
      const outcome = await member.client.flush();
      addOutcome(outcome);
      for (const error of outcome.errors) {
        const reason = refusalReason(error);
        if (reason === 'network-error' || reason.startsWith('http-')) throw error;
      }
      if (outcome.failed > 0) {
        const reason = refusalReason(outcome.errors[0]);
        summary.events.rejected[reason] = (summary.events.rejected[reason] ?? 0) + outcome.failed;
      }
      summary.events.sent += events.length;
      report({ eventsSent: summary.events.sent });
    });
    report({ tick: tick.index + 1 });
  }

  if (time.kind === 'simulated') {
    const lastDue = Math.max(...periods.map((period) => period.end.getTime() + time.graceMs)) + 60_000;
    moveTo(new Date(lastDue));
    await releaseDue(new Date(lastDue));
  }
  await Promise.all(members.map((member) => member.client.close()));
  report({ phase: 'done' });
  return summary;
}

/** Live services accept only their open period: events are dated a second or two after `now`, in their order. */
function dateAtPresent(events: SimulatedTransferEvent[], now: Date): void {
  const start = now.getTime() + 1000;
  events.forEach((event, index) => {
    event.occurredAt = new Date(start + Math.floor((2000 * index) / Math.max(1, events.length))).toISOString();
  });
}
