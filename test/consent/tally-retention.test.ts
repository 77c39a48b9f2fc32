/**
 * The exact per-organization ingest tallies are not kept forever: the release job's retention step
 * deletes those of periods that ended more than TALLY_RETENTION_DAYS ago, and an erasure deletes the
 * organization's tallies (its receipt keeps the releases it needed them for).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { releaseDuePeriods } from '../../src/releases/release-period';
import { purgeExpiredTallies } from '../../src/releases/tally-retention';
import { registerConsentingOrg, type ConsentingOrg, transferEvent } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { AFTER_GRACE, PERIOD, SYSTEM_ACTOR, TEST_RELEASE_CONFIG } from '../releases/release-fixtures';
import { sendOrFail } from './consent-fixtures';

const DAY_MS = 86_400_000;

describe.each(TEST_DIALECTS)('ingest tally retention on %s', (dialect) => {
  let testApp: TestApp;
  let alpha: ConsentingOrg;
  let beta: ConsentingOrg;

  beforeEach(async () => {
    testApp = await createTestApp({ dialect, config: { ...TEST_RELEASE_CONFIG, tallyRetentionDays: 30 } });
    alpha = await registerConsentingOrg(testApp, { name: 'Alpha' });
    beta = await registerConsentingOrg(testApp, { name: 'Beta' });
    for (const org of [alpha, beta]) await sendOrFail(testApp, org, [transferEvent(), transferEvent()]);
  });
  afterEach(() => testApp.dispose());

  const tallies = () => testApp.deps.database.db.selectFrom('ingest_tallies').selectAll().orderBy('org_id').execute();

  it('deletes the tallies of periods that ended more than the retention ago, with an audit entry', async () => {
    expect((await tallies()).length).toBe(2);
    // PERIOD (2026-W48) ends 2026-11-30T00:00Z; 29 days later it is still kept.
    testApp.clock.set(new Date(Date.parse('2026-11-30T00:00:00Z') + 29 * DAY_MS));
    expect(await purgeExpiredTallies(testApp.deps)).toEqual({ periods: [], rowsDeleted: 0 });
    expect((await tallies()).length).toBe(2);

    testApp.clock.set(new Date(Date.parse('2026-11-30T00:00:00Z') + 30 * DAY_MS));
    expect(await purgeExpiredTallies(testApp.deps)).toEqual({ periods: [PERIOD], rowsDeleted: 2 });
    expect(await tallies()).toEqual([]);
    const audit = await testApp.deps.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'retention.tallies_purged').execute();
    expect(audit.length).toBe(1);
  });

  it('runs as part of the scheduled release job', async () => {
    testApp.clock.set(new Date(AFTER_GRACE.getTime() + 31 * DAY_MS));
    await releaseDuePeriods(testApp.deps, { actor: SYSTEM_ACTOR });
    expect(await tallies()).toEqual([]);
  });

  it("deletes an organization's tallies of the erased periods on erasure", async () => {
    const response = await requestJson(testApp, 'DELETE', `/v1/orgs/${alpha.orgId}/consent`, { token: ADMIN_TOKEN, body: { reason: 'Contract ended' } });
    expect(response.status).toBe(200);
    expect(response.json.erasure.periods).toEqual([PERIOD]);
    const left = await tallies();
    expect(left.map((row) => row.org_id)).toEqual([beta.orgId]);
  });
});
