/** Consent gating ingest, over every HTTP target: refused without consent, accepted with it, refused at once after revocation. */
import { describe, expect, it } from 'vitest';
import { registerConsentingOrg, sendBatch, transferEvent } from '../support/fixtures';
import { expectProblem } from '../support/http-expectations';
import { HTTP_TARGETS, useHttpTarget } from '../support/http-target';
import { ADMIN_TOKEN, requestJson } from '../support/test-app';

describe.each(HTTP_TARGETS)('consent on %s', (targetName) => {
  const target = useHttpTarget(targetName);

  it('gates ingest on consent, and revocation erases the unreleased contributions at once', async () => {
    const { client, storageSnapshot } = target();
    const org = await registerConsentingOrg(client, { name: 'Consent Org', consent: false });
    const before = await storageSnapshot();
    expectProblem(await sendBatch(client, org.ingestToken, [transferEvent()]), 403, 'consent-required');
    expect((await storageSnapshot()).counters).toEqual(before.counters);

    const grant = await requestJson(client, 'PUT', `/v1/orgs/${org.orgId}/consent`, {
      token: ADMIN_TOKEN,
      body: { scope: 'research-telemetry', policyVersion: '2026-01', grantedBy: 'Jane Roe, CISO' },
    });
    expect(grant.status).toBe(201);
    expect((await sendBatch(client, org.ingestToken, [transferEvent()])).json).toMatchObject({ accepted: 1 });

    const beforeRevocation = await storageSnapshot();
    const revoke = await requestJson(client, 'DELETE', `/v1/orgs/${org.orgId}/consent`, {
      token: ADMIN_TOKEN,
      body: { reason: 'customer withdrew' },
    });
    expect(revoke.status).toBe(200);
    // One counter row and one replay guard were the organization's whole unreleased contribution.
    expect(revoke.json.erasure).toMatchObject({ orgId: org.orgId, periods: ['2026-W48'], rowsRemoved: 2 });
    const afterRevocation = await storageSnapshot();
    expect(beforeRevocation.counters.events - afterRevocation.counters.events).toBe(1);
    expect(beforeRevocation.counters.rows - afterRevocation.counters.rows).toBe(1);
    expect(beforeRevocation.guards - afterRevocation.guards).toBe(1);
    expectProblem(await sendBatch(client, org.ingestToken, [transferEvent()]), 403, 'consent-required');
    const history = await requestJson(client, 'GET', `/v1/orgs/${org.orgId}/consent`, { token: ADMIN_TOKEN });
    expect(history.status).toBe(200);
    expect(history.json.items ?? history.json).toBeDefined();
  });
});
