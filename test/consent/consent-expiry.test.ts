/** Expiry ends consent at the expiry instant exactly as revocation does: the ingest gate reads the same coverage rule. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerConsentingOrg, sendBatch, type ConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, TEST_START, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { eventsAt } from './consent-fixtures';

const EXPIRES_AT = new Date(TEST_START.getTime() + 3600_000);

describe.each(TEST_DIALECTS)('consent expiry on %s', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;

  beforeEach(async () => {
    testApp = await createTestApp({ dialect });
    org = await registerConsentingOrg(testApp, { consent: false });
    const grant = await requestJson(testApp, 'PUT', `/v1/orgs/${org.orgId}/consent`, {
      token: ADMIN_TOKEN,
      body: { scope: 'research-telemetry', policyVersion: '2026-01', grantedBy: 'Jane Roe, CISO', expiresAt: EXPIRES_AT.toISOString() },
    });
    expect(grant.status).toBe(201);
  });
  afterEach(() => testApp.dispose());

  it('accepts events up to the instant before expiry', async () => {
    testApp.clock.set(new Date(EXPIRES_AT.getTime() - 1));
    const response = await sendBatch(testApp, org.ingestToken, eventsAt(new Date(EXPIRES_AT.getTime() - 60_000).toISOString(), 2));
    expect(response.status).toBe(200);
    expect(response.json.accepted).toBe(2);
  });

  it('refuses the whole batch from the expiry instant on and stores nothing but the refusal count', async () => {
    testApp.clock.set(EXPIRES_AT);
    const response = await sendBatch(testApp, org.ingestToken, eventsAt(new Date(EXPIRES_AT.getTime() - 60_000).toISOString(), 3));
    expect(response.status).toBe(403);
    expect(response.json.type).toBe('/problems/consent-required');
    const counters = await testApp.deps.database.db.selectFrom('counters').selectAll().execute();
    expect(counters).toEqual([]);
    const tallies = await testApp.deps.database.db.selectFrom('ingest_tallies').selectAll().where('org_id', '=', org.orgId).execute();
    expect(tallies.map((tally) => [tally.outcome, Number(tally.events)])).toEqual([['consent_required', 3]]);
  });

  it('rejects events dated at or after expiry even while a later grant is active', async () => {
    // A new grant after expiry does not cover the gap: only events inside a grant's window count.
    testApp.clock.set(new Date(EXPIRES_AT.getTime() + 3600_000));
    await requestJson(testApp, 'PUT', `/v1/orgs/${org.orgId}/consent`, {
      token: ADMIN_TOKEN,
      body: { scope: 'research-telemetry', policyVersion: '2026-02', grantedBy: 'Jane Roe, CISO' },
    });
    testApp.clock.advance(60_000);
    const inGap = eventsAt(new Date(EXPIRES_AT.getTime() + 60_000).toISOString(), 1);
    const beforeExpiry = eventsAt(new Date(EXPIRES_AT.getTime() - 60_000).toISOString(), 1);
    const response = await sendBatch(testApp, org.ingestToken, [...inGap, ...beforeExpiry]);
    expect(response.status).toBe(200);
    expect(response.json.accepted).toBe(1);
    expect(response.json.rejected).toEqual([expect.objectContaining({ index: 0, code: 'consent_not_active' })]);
  });

  it('reports the record as expired in history and receipt, and lets no revocation erase what expiry did not', async () => {
    testApp.clock.set(EXPIRES_AT);
    const history = await requestJson(testApp, 'GET', `/v1/orgs/${org.orgId}/consent`, { token: ADMIN_TOKEN });
    expect(history.json.items[0].status).toBe('expired');
    const receipt = await requestJson(testApp, 'GET', `/v1/orgs/${org.orgId}/consent/${history.json.items[0].id}/receipt`, { token: ADMIN_TOKEN });
    expect(receipt.json).toMatchObject({ status: 'expired', endsAt: EXPIRES_AT.toISOString(), expiresAt: EXPIRES_AT.toISOString() });
    const revoke = await requestJson(testApp, 'DELETE', `/v1/orgs/${org.orgId}/consent`, { token: ADMIN_TOKEN, body: { reason: 'late' } });
    expect(revoke.json).toMatchObject({ revokedConsentIds: [], erasure: null });
  });
});
