/**
 * Erasure against a release that has started but not published. The outcome is exact either way:
 * - the revocation lands while the release runs: the period's rows are erased, the receipt lists
 *   the period, and the release reads and computes again without them before it can write;
 * - the release completes between the erasure's planning and its write: the erasure plans again, so
 *   its receipt leaves the published period out and lists the new releases as possibly including it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildErasureUnit, readErasureReceipt, writeWithFreshErasurePlan } from '../../src/consent/erasure-service';
import { writeWithAudit } from '../../src/audit/audit-log';
import { releasePeriod } from '../../src/releases/release-period';
import { AFTER_GRACE, crowd, insertCounters, PERIOD, SYSTEM_ACTOR, TEST_RELEASE_CONFIG } from '../releases/release-fixtures';
import { registerConsentingOrg, type ConsentingOrg, transferEvent } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { contributorOf, sendOrFail } from './consent-fixtures';

describe.each(TEST_DIALECTS)('erasure while a release of the period is running on %s', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;

  beforeEach(async () => {
    testApp = await createTestApp({ dialect, config: TEST_RELEASE_CONFIG });
    org = await registerConsentingOrg(testApp, { name: 'Withdrawing Org' });
    await sendOrFail(testApp, org, [transferEvent(), transferEvent(), transferEvent()]);
    await insertCounters(testApp.testDatabase.database, crowd(12));
    testApp.clock.set(AFTER_GRACE);
  });
  afterEach(() => testApp.dispose());

  const organizationRows = async () =>
    (
      await testApp.deps.database.db
        .selectFrom('counters')
        .select('contributor')
        .where('period', '=', PERIOD)
        .where('contributor', '=', contributorOf(testApp, org.orgId, PERIOD))
        .execute()
    ).length;

  it('erases the period of a started release, and the release recomputes without the rows before writing', async () => {
    expect(await organizationRows()).toBeGreaterThan(0);
    const rowsAtEachWrite: number[] = [];
    let revocation: Awaited<ReturnType<typeof requestJson>> | undefined;
    const result = await releasePeriod(testApp.deps, {
      period: PERIOD,
      actor: SYSTEM_ACTOR,
      beforeWrite: async () => {
        if (!revocation) {
          // The release holds its lock ('started') and has computed its noisy results from counters
          // that still hold the organization's rows: revoke now.
          const lock = await testApp.deps.database.db.selectFrom('period_releases').selectAll().where('period', '=', PERIOD).executeTakeFirst();
          expect(lock?.status).toBe('started');
          revocation = await requestJson(testApp, 'DELETE', `/v1/orgs/${org.orgId}/consent`, { token: ADMIN_TOKEN, body: { reason: 'Withdrawn' } });
        }
        rowsAtEachWrite.push(await organizationRows());
      },
    });

    expect(revocation?.status).toBe(200);
    expect(revocation?.json.erasure).toMatchObject({ periods: [PERIOD], releasesIncluding: [] });
    expect(revocation?.json.erasure.rowsRemoved).toBeGreaterThan(0);
    // The first write was refused by the erasure guard; the results that were written came from a
    // second reading, taken after the erasure.
    expect(rowsAtEachWrite).toEqual([0, 0]);
    expect(testApp.logLines.some((line) => line.includes('an erasure removed rows of this period'))).toBe(true);
    expect(result.releases.length).toBeGreaterThan(0);
  });

  it('plans again when the release completes between planning and writing the erasure', async () => {
    let plans = 0;
    const erasureId = await writeWithFreshErasurePlan(testApp.deps, org.orgId, async (plan) => {
      plans += 1;
      if (plans === 1) {
        expect(plan.periods).toEqual([PERIOD]);
        await releasePeriod(testApp.deps, { period: PERIOD, actor: SYSTEM_ACTOR });
      }
      const principal = { kind: 'api-key', keyId: 'test', role: 'admin' } as const;
      const unit = buildErasureUnit(testApp.deps, principal, { orgId: org.orgId, consentId: null, at: testApp.clock.now().toISOString(), plan, cause: 'request' });
      await writeWithAudit(testApp.deps.database, testApp.deps.clock, unit.auditEvent, unit.queries);
      return unit.erasureId;
    });
    expect(plans).toBe(2);
    const receipt = await readErasureReceipt(testApp.deps, erasureId);
    expect(receipt.periods).toEqual([]);
    expect(receipt.rowsRemoved).toBe(0);
    expect(receipt.releasesIncluding.map((release) => release.period)).toContain(PERIOD);
    expect(receipt.releasesIncluding.length).toBeGreaterThan(0);
  });
});
