/**
 * The coalition generator: repeatable from a seed, shaped like a real coalition (many small
 * organizations, a few large ones sending most of the traffic, sectors that differ, AI content that
 * grows), and every event valid on the wire with its identifier fields filled.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDENTIFIER_FIELDS, telemetryBatchSchemaV2 } from '../../src/ingest/event-schema';
import { ORG_SIZE_BANDS, SECTORS } from '../../src/datasets/vocabulary';
import { createSeededRandomSource } from '../../src/privacy/random-source';
import {
  aiContentShare,
  type Coalition,
  createCoalition,
  createSimulationRandom,
  drawEventCount,
  generateTransferEvents,
  planCoalitionTimeline,
  type SimulatedTransferEvent,
} from '../../src/simulation';

const START = new Date('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

function coalitionOf(seed: number, organizations = 300) {
  const random = createSimulationRandom(createSeededRandomSource(seed));
  return { random, coalition: createCoalition(random, { organizations, start: START }) };
}

function trafficOf(seed: number, coalition: Coalition, from: Date, meanPerOrganization: number) {
  const random = createSimulationRandom(createSeededRandomSource(seed));
  const to = new Date(from.getTime() + 7 * DAY);
  return coalition.organizations.map((organization) =>
    generateTransferEvents(random, coalition, organization, { from, to, count: drawEventCount(random, organization, meanPerOrganization) }),
  );
}

const isAi = (event: SimulatedTransferEvent) => !['non_ai', 'unknown'].includes(event.content.classification);
const share = (events: readonly SimulatedTransferEvent[], predicate: (event: SimulatedTransferEvent) => boolean) =>
  events.filter(predicate).length / Math.max(1, events.length);

describe('coalition generator', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is repeatable from a seed and draws only from the injected source', () => {
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random must not be used');
    });
    const first = coalitionOf(7);
    const second = coalitionOf(7);
    expect(second.coalition).toEqual(first.coalition);
    expect(trafficOf(9, second.coalition, START, 20)).toEqual(trafficOf(9, first.coalition, START, 20));
    expect(coalitionOf(8).coalition).not.toEqual(first.coalition);
  });

  it('has many small organizations and a few large ones that send most of the traffic', () => {
    const { coalition } = coalitionOf(1);
    const organizations = coalition.organizations;
    const weights = organizations.map((organization) => organization.trafficWeight).sort((a, b) => b - a);
    expect(weights.reduce((sum, weight) => sum + weight, 0) / weights.length).toBeCloseTo(1, 6);
    const top10Percent = weights.slice(0, weights.length / 10).reduce((sum, weight) => sum + weight, 0) / weights.length;
    expect(top10Percent).toBeGreaterThan(0.5); // the top tenth sends more than half
    expect(weights[weights.length / 2]!).toBeLessThan(0.3); // the median organization sends far less than the mean
    const small = organizations.filter((organization) => ['1-49', '50-249'].includes(organization.sizeBand)).length;
    expect(small / organizations.length).toBeGreaterThan(0.5);
    expect(new Set(organizations.map((organization) => organization.sizeBand))).toEqual(new Set(ORG_SIZE_BANDS));
    expect(new Set(organizations.map((organization) => organization.sector)).size).toBeGreaterThanOrEqual(SECTORS.length - 3);
    expect(new Set(organizations.map((organization) => organization.country)).size).toBeGreaterThan(10);
    expect(new Set(organizations.map((organization) => organization.name)).size).toBe(organizations.length);
  });

  it('sends valid events with every identifier field filled, inside the window and in time order', () => {
    const { coalition } = coalitionOf(2, 60);
    const perOrganization = trafficOf(3, coalition, START, 30);
    const events = perOrganization.flat();
    expect(events.length).toBeGreaterThan(1000);
    expect(telemetryBatchSchemaV2.safeParse({ schemaVersion: 2, events }).success).toBe(true);
    for (const event of events) {
      for (const [object, fields] of Object.entries(IDENTIFIER_FIELDS)) {
        for (const field of fields) expect((event as unknown as Record<string, Record<string, unknown>>)[object]?.[field], `${object}.${field}`).toBeTruthy();
      }
      const at = Date.parse(event.occurredAt);
      expect(at >= START.getTime() && at < START.getTime() + 7 * DAY).toBe(true);
    }
    for (const list of perOrganization) {
      expect(list.map((event) => event.occurredAt)).toEqual([...list.map((event) => event.occurredAt)].sort());
    }
    expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
  });

  it('lets sectors differ and AI content grow over time', () => {
    const { coalition } = coalitionOf(4, 400);
    const later = new Date(START.getTime() + 730 * DAY);
    const first = trafficOf(5, coalition, START, 40).flat();
    const second = trafficOf(5, coalition, later, 40).flat();
    expect(share(second, isAi)).toBeGreaterThan(share(first, isAi) + 0.1);
    for (const organization of coalition.organizations) {
      expect(aiContentShare(coalition, organization, later)).toBeGreaterThanOrEqual(aiContentShare(coalition, organization, START));
    }

    const bySector = (sector: string) => coalition.organizations.filter((organization) => organization.sector === sector);
    const meanShare = (sector: string) => {
      const members = bySector(sector);
      return members.reduce((sum, organization) => sum + aiContentShare(coalition, organization, START), 0) / members.length;
    };
    expect(meanShare('technology')).toBeGreaterThan(2 * meanShare('government'));
    const mfaRate = (sector: string) => {
      const habits = bySector(sector).flatMap((organization) => organization.protocols);
      return habits.filter((habit) => habit.controls.mfa).length / habits.length;
    };
    expect(mfaRate('finance')).toBeGreaterThan(mfaRate('education') + 0.2);
    // Model artifacts are large, generated code small.
    const medianSize = (classification: string) => {
      const sizes = first.filter((event) => event.content.classification === classification).map((event) => event.transfer.sizeBytes).sort((a, b) => a - b);
      return sizes[Math.floor(sizes.length / 2)]!;
    };
    expect(medianSize('model_artifact')).toBeGreaterThan(1000 * medianSize('ai_generated_code'));
  });

  it('plans joins over time, a few revocations after joining, and one erasure by a member who stays', () => {
    const random = createSimulationRandom(createSeededRandomSource(11));
    const timeline = planCoalitionTimeline(random, 300);
    const founding = timeline.consentAt.filter((at) => at === 0).length;
    const never = timeline.consentAt.filter((at) => at === undefined).length;
    const late = timeline.consentAt.filter((at): at is number => at !== undefined && at > 0);
    expect(founding / 300).toBeGreaterThan(0.5);
    expect(never).toBeGreaterThan(0);
    expect(late.length).toBeGreaterThan(50);
    expect(Math.max(...late)).toBeLessThan(0.7);
    expect(timeline.revocations.length).toBe(6);
    for (const revocation of timeline.revocations) {
      expect(revocation.at).toBeGreaterThan(timeline.consentAt[revocation.organization]!);
      expect(revocation.at).toBeLessThan(1);
    }
    const erasure = timeline.erasure!;
    expect(timeline.consentAt[erasure.organization]).toBeLessThanOrEqual(erasure.at);
    expect(timeline.revocations.map((revocation) => revocation.organization)).not.toContain(erasure.organization);
  });
});
