/**
 * Quarters, the default period, end to end: ingest generalizes events to their quarter, the grace
 * window after the quarter's end, collect-once, the schedule researchers read, due periods, release
 * through the admin API, the package's period and configuration, and retention.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findDuePeriods, releaseDuePeriods } from '../../src/releases/release-period';
import { type ConsentingOrg, registerConsentingOrg, sendBatch, transferEvent } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { countRows } from './release-fixtures';

// 2026-Q4 ends 2027-01-01T00:00Z; with the 48 h grace window it is releasable from 2027-01-03T00:00Z.
const Q4_END = new Date('2027-01-01T00:00:00.000Z');
const Q4_RELEASABLE = new Date('2027-01-03T00:00:00.000Z');

describe.each(TEST_DIALECTS)('quarterly periods on %s', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;

  beforeEach(async () => {
    testApp = await createTestApp({ dialect, environment: { PERIOD: 'quarter' }, start: new Date('2026-10-01T08:00:00.000Z') });
    org = await registerConsentingOrg(testApp);
    testApp.clock.advance(60_000);
  });
  afterEach(() => testApp.dispose());

  const send = (occurredAt: string) => sendBatch(testApp, org.ingestToken, [transferEvent({ occurredAt })]);

  it('collects a quarter, refuses it until its grace window passed, then releases it once and deletes its counters', async () => {
    expect((await send('2026-10-01T08:00:30Z')).json.accepted).toBe(1);
    testApp.clock.set(new Date('2026-12-31T23:00:00.000Z'));
    expect((await send('2026-12-31T22:59:00Z')).json.accepted).toBe(1);
    expect(await countRows(testApp.deps.database, 'counters', '2026-Q4')).toBeGreaterThan(0);

    // Late events for the quarter are accepted during the grace window, and the quarter is not releasable yet.
    testApp.clock.set(new Date(Q4_END.getTime() + 47 * 3_600_000));
    expect((await send('2026-12-31T23:30:00Z')).json.accepted).toBe(1);
    const early = await requestJson(testApp, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: '2026-Q4' } });
    expect(early.status).toBe(409);
    expect(early.json).toMatchObject({ type: '/problems/period-not-releasable', releasableAt: Q4_RELEASABLE.toISOString() });
    expect(early.headers.get('retry-after')).toBe(String(3600));
    expect(await findDuePeriods(testApp.deps)).toEqual([]);

    // After the grace window: late events are too old, the quarter is due and is released once.
    testApp.clock.set(new Date(Q4_RELEASABLE.getTime() + 60_000));
    expect((await send('2026-12-31T23:45:00Z')).json.rejected).toEqual([expect.objectContaining({ code: 'too_old' })]);
    expect((await findDuePeriods(testApp.deps)).map((period) => period.id)).toEqual(['2026-Q4']);
    const released = await requestJson(testApp, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: '2026-Q4' } });
    expect(released.status).toBe(201);
    expect(released.json).toMatchObject({ period: '2026-Q4', created: Q4_RELEASABLE.toISOString(), retentionComplete: true });
    expect(await countRows(testApp.deps.database, 'counters', '2026-Q4')).toBe(0);
    expect(await countRows(testApp.deps.database, 'replay_guards', '2026-Q4')).toBe(0);
    const again = await requestJson(testApp, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: '2026-Q4' } });
    expect(again.json).toMatchObject({ type: '/problems/already-released', retentionComplete: true });
    expect((await send('2026-12-30T10:00:00Z')).json.rejected).toEqual([expect.objectContaining({ code: 'period_released' })]);

    // The package states its period and the configuration it was released under.
    const release = await requestJson(testApp, 'GET', `/v1/releases/${released.json.releases[0].id}`);
    expect(release.json.createdAt).toBe(Q4_RELEASABLE.toISOString());
    expect(release.json.configuration).toMatchObject({
      period: { kind: 'quarter', id: '2026-Q4', start: '2026-10-01T00:00:00.000Z', end: Q4_END.toISOString(), graceHours: 48, maxPeriodsPerYear: 4 },
      yearlyBudget: { rho: 1, maxPeriodsPerYear: 4, periodRho: 0.25, periodRhoSource: 'derived' },
      periodBudget: { rho: 0.25, source: 'derived' },
    });
    const pkg = (await requestJson(testApp, 'GET', `/v1/releases/${released.json.releases[0].id}/datapackage.json`)).json;
    expect(pkg).toMatchObject({ created: Q4_RELEASABLE.toISOString(), dataset: { period: { id: '2026-Q4' } } });
    expect(pkg.name).toMatch(/-2026-q4$/);
    expect(pkg.configuration).toEqual(release.json.configuration);
    expect(pkg.configuration.yearlyBudget.epsilon).toBeLessThan(8);
  });

  it('makes every quarter since the first consent due, oldest first, whether or not anyone contributed', async () => {
    testApp.clock.set(new Date('2027-07-05T00:00:00.000Z'));
    expect((await findDuePeriods(testApp.deps)).map((period) => period.id)).toEqual(['2026-Q4', '2027-Q1', '2027-Q2']);
    const outcome = await releaseDuePeriods(testApp.deps);
    expect(outcome.released.map((result) => result.period)).toEqual(['2026-Q4', '2027-Q1', '2027-Q2']);
    expect(await findDuePeriods(testApp.deps)).toEqual([]);
    // Three quarters at a quarter of the yearly budget each: within the cap.
    expect(outcome.skipped).toEqual([]);
  });

  it('states the period kind and the yearly budget in the catalogue and the methodology cards', async () => {
    const catalogue = await requestJson(testApp, 'GET', '/v1/datasets');
    expect(catalogue.json.period).toEqual({ kind: 'quarter', example: '2026-Q4', graceHours: 48, maxPeriodsPerYear: 4 });
    expect(catalogue.json.yearlyBudget).toMatchObject({ rho: 1, periodRho: 0.25, periodRhoSource: 'derived', maxPeriodsPerYear: 4 });
    expect(catalogue.json.yearlyBudget.epsilon).toBeCloseTo(7.77, 2);
    expect(catalogue.json.links.schedule).toBe('/v1/releases/schedule');
    const card = await requestJson(testApp, 'GET', `/v1/datasets/${catalogue.json.items[0].id}`);
    expect(card.json.methodology.privacy.period.kind).toBe('quarter');
    expect(card.json.methodology.privacy.yearlyBudget).toEqual(catalogue.json.yearlyBudget);
    const page = await testApp.app.request('/console/datasets');
    expect(await page.text()).toContain(`<span id="yearly-budget">${catalogue.json.yearlyBudget.summary}</span>`);
  });
});
