import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit-verification';
import { insertCounterRows } from '../support/counter-rows';
import { registerConsentingOrg, type ConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import {
  contributorOf,
  counterSnapshot,
  EARLY_PERIOD,
  eventsAt,
  guardSnapshot,
  LATE_INSTANT,
  LATE_PERIOD,
  markReleased,
  SCENARIO_START,
  sendOrFail,
} from './consent-fixtures';

const RELEASE_ID = '7d444840-9dc0-11d1-b245-5ffdce74fad2';

describe.each(TEST_DIALECTS)('revocation erases unreleased contributions on %s', (dialect) => {
  let testApp: TestApp;
  let orgs: ConsentingOrg[];

  beforeEach(async () => {
    testApp = await createTestApp({ dialect, start: SCENARIO_START });
    orgs = [];
    for (const name of ['Alpha', 'Beta', 'Gamma']) orgs.push(await registerConsentingOrg(testApp, { name }));
    testApp.clock.advance(3600_000);
    for (const org of orgs) await sendOrFail(testApp, org, eventsAt('2026-11-17T09:30:00Z', 6));
    testApp.clock.set(LATE_INSTANT);
    for (const org of orgs) await sendOrFail(testApp, org, eventsAt('2026-11-24T09:00:00Z', 5));
    await markReleased(testApp, EARLY_PERIOD, RELEASE_ID);
  });
  afterEach(() => testApp.dispose());

  const revoke = (orgId: string, token = ADMIN_TOKEN) =>
    requestJson(testApp, 'DELETE', `/v1/orgs/${orgId}/consent`, { token, body: { reason: 'Contract ended' } });

  it("removes exactly the organization's rows in unreleased periods and nothing of anyone else", async () => {
    const [alpha] = orgs as [ConsentingOrg];
    const alphaLate = contributorOf(testApp, alpha.orgId, LATE_PERIOD);
    const alphaEarly = contributorOf(testApp, alpha.orgId, EARLY_PERIOD);
    const countersBefore = await counterSnapshot(testApp);
    const guardsBefore = await guardSnapshot(testApp);
    expect(countersBefore.get(alphaLate)?.length).toBe(4);
    expect(guardsBefore.get(alphaLate)?.length).toBe(5);

    const response = await revoke(alpha.orgId);
    expect(response.status).toBe(200);
    expect(response.json.revokedConsentIds).toHaveLength(1);
    expect(response.json.erasure).toMatchObject({
      orgId: alpha.orgId,
      consentId: response.json.revokedConsentIds[0],
      periods: [LATE_PERIOD],
      rowsRemoved: 4 + 5,
      requestedAt: LATE_INSTANT.toISOString(),
      completedAt: LATE_INSTANT.toISOString(),
      releasesIncluding: [{ releaseId: RELEASE_ID, datasetId: 'ai-content-flows', period: EARLY_PERIOD }],
    });

    const countersAfter = await counterSnapshot(testApp);
    const guardsAfter = await guardSnapshot(testApp);
    expect(countersAfter.has(alphaLate)).toBe(false);
    expect(guardsAfter.has(alphaLate)).toBe(false);
    // The released period keeps the organization's rows; every other contributor is untouched, row for row.
    for (const [contributor, rows] of countersBefore) {
      if (contributor !== alphaLate) expect(countersAfter.get(contributor), contributor).toEqual(rows);
    }
    for (const [contributor, rows] of guardsBefore) {
      if (contributor !== alphaLate) expect(guardsAfter.get(contributor), contributor).toEqual(rows);
    }
    expect(countersAfter.get(alphaEarly)).toEqual(countersBefore.get(alphaEarly));
    expect(countersAfter.size).toBe(countersBefore.size - 1);
  });

  it('writes the revocation, the receipt and both audit entries together, and the chain still verifies', async () => {
    const [alpha] = orgs as [ConsentingOrg];
    const response = await revoke(alpha.orgId);
    const receipt = await testApp.deps.database.db.selectFrom('erasures').selectAll().executeTakeFirstOrThrow();
    expect(receipt).toMatchObject({ id: response.json.erasure.id, org_id: alpha.orgId, rows_removed: 9 });
    expect(JSON.parse(receipt.periods)).toEqual([LATE_PERIOD]);

    const tail = await testApp.deps.database.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(2).execute();
    const [erasureEntry, revocationEntry] = tail;
    expect(revocationEntry).toMatchObject({ action: 'consent.revoked', subject: `org:${alpha.orgId}`, actor_role: 'admin' });
    expect(erasureEntry).toMatchObject({ action: 'erasure.completed', subject: `org:${alpha.orgId}`, at: revocationEntry?.at });
    expect(JSON.parse(erasureEntry?.details ?? '{}')).toEqual({
      erasureId: receipt.id,
      cause: 'revocation',
      periods: [LATE_PERIOD],
      releasesIncluding: [RELEASE_ID],
    });
    expect(JSON.parse(revocationEntry?.details ?? '{}')).toMatchObject({ erasureId: receipt.id, reason: 'Contract ended' });
    expect((await verifyAuditChain(testApp.deps)).valid).toBe(true);
  });

  it('is idempotent, and a repeat erases rows that raced the first revocation', async () => {
    const [alpha, beta] = orgs as [ConsentingOrg, ConsentingOrg];
    await revoke(alpha.orgId);
    const auditCount = async () => Number((await testApp.deps.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const entriesAfterFirst = await auditCount();
    const snapshot = await counterSnapshot(testApp);

    const again = await revoke(alpha.orgId);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ revokedConsentIds: [], erasure: null });
    expect(await auditCount()).toBe(entriesAfterFirst);
    expect(await counterSnapshot(testApp)).toEqual(snapshot);

    // An ingest that read the consent before the revocation committed could still land a row.
    const straggler = contributorOf(testApp, alpha.orgId, LATE_PERIOD);
    const template = await testApp.deps.database.db
      .selectFrom('counters')
      .selectAll()
      .where('contributor', '=', contributorOf(testApp, beta.orgId, LATE_PERIOD))
      .limit(1)
      .executeTakeFirstOrThrow();
    const { period, contributor: _, events, bytes, ...cell } = template;
    await insertCounterRows(testApp.deps.database, [{ period, contributor: straggler, cell, events: Number(events), bytes: Number(bytes) }]);
    const sweep = await revoke(alpha.orgId);
    expect(sweep.json.revokedConsentIds).toEqual([]);
    expect(sweep.json.erasure).toMatchObject({ consentId: null, periods: [LATE_PERIOD], rowsRemoved: 1 });
    expect((await counterSnapshot(testApp)).has(straggler)).toBe(false);
  });

  it('stops ingest at once: the next batch is refused and stores nothing', async () => {
    const [alpha] = orgs as [ConsentingOrg];
    await revoke(alpha.orgId);
    const snapshot = await counterSnapshot(testApp);
    const refused = await requestJson(testApp, 'POST', '/v1/telemetry/batches', {
      token: alpha.ingestToken,
      body: { schemaVersion: 1, events: eventsAt('2026-11-24T09:59:00Z', 2) },
    });
    expect(refused.status).toBe(403);
    expect(refused.json.type).toBe('/problems/consent-required');
    expect(await counterSnapshot(testApp)).toEqual(snapshot);
  });

  it('an explicit erasure request removes the unreleased rows, keeps the consent and writes a receipt every time', async () => {
    const [, beta] = orgs as [ConsentingOrg, ConsentingOrg];
    const betaLate = contributorOf(testApp, beta.orgId, LATE_PERIOD);
    const first = await requestJson(testApp, 'POST', `/v1/orgs/${beta.orgId}/erasure`, { token: ADMIN_TOKEN, body: { reason: 'Misconfigured instance' } });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ orgId: beta.orgId, consentId: null, periods: [LATE_PERIOD], rowsRemoved: 9 });
    expect((await counterSnapshot(testApp)).has(betaLate)).toBe(false);

    const history = await requestJson(testApp, 'GET', `/v1/orgs/${beta.orgId}/consent`, { token: ADMIN_TOKEN });
    expect(history.json.items[0].status).toBe('active');

    const second = await requestJson(testApp, 'POST', `/v1/orgs/${beta.orgId}/erasure`, { token: ADMIN_TOKEN });
    expect(second.status).toBe(201);
    expect(second.json).toMatchObject({ periods: [], rowsRemoved: 0 });
    expect(second.json.id).not.toBe(first.json.id);
  });
});
