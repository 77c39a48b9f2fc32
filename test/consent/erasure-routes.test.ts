/** Error and security cases of the erasure and revocation routes (happy paths: erasure.test.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsentingOrg, type ConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { issueApiKey } from './consent-fixtures';

describe.each(TEST_DIALECTS)('erasure routes: errors and security on %s', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;
  let researcher: string;

  beforeAll(async () => {
    testApp = await createTestApp({ dialect });
    org = await registerConsentingOrg(testApp);
    researcher = (await issueApiKey(testApp, 'researcher')).token;
  });
  afterAll(() => testApp.dispose());

  const routes = () =>
    [
      ['POST', `/v1/orgs/${org.orgId}/erasure`, { reason: 'x' }],
      ['DELETE', `/v1/orgs/${org.orgId}/consent`, { reason: 'x' }],
    ] as const;

  it('needs a credential (401), refuses researchers and ingest tokens (403) and changes nothing', async () => {
    for (const [method, path, body] of routes()) {
      const anonymous = await requestJson(testApp, method, path, { body });
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.json.type).toBe('/problems/unauthenticated');
      for (const token of [researcher, org.ingestToken]) {
        const refused = await requestJson(testApp, method, path, { token, body });
        expect(refused.status, path).toBe(403);
        expect(refused.json.type).toBe('/problems/forbidden');
      }
    }
    expect(await testApp.deps.database.db.selectFrom('erasures').selectAll().execute()).toEqual([]);
    const consent = await testApp.deps.database.db.selectFrom('consents').select('revoked_at').executeTakeFirstOrThrow();
    expect(consent.revoked_at).toBeNull();
  });

  it('answers an unknown organization with 404 and a malformed body with 400', async () => {
    const unknown = await requestJson(testApp, 'POST', '/v1/orgs/00000000-0000-4000-8000-000000000000/erasure', { token: ADMIN_TOKEN, body: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.json.type).toBe('/problems/not-found');
    const badReason = await requestJson(testApp, 'POST', `/v1/orgs/${org.orgId}/erasure`, { token: ADMIN_TOKEN, body: { reason: 'x'.repeat(1001) } });
    expect(badReason.status).toBe(400);
    expect(badReason.json.type).toBe('/problems/invalid-request');
    expect(badReason.json.errors[0].path).toBe('reason');
    const noReason = await requestJson(testApp, 'DELETE', `/v1/orgs/${org.orgId}/consent`, { token: ADMIN_TOKEN, body: {} });
    expect(noReason.status).toBe(400);
    const malformedOrg = await requestJson(testApp, 'POST', '/v1/orgs/nope/erasure', { token: ADMIN_TOKEN, body: {} });
    expect(malformedOrg.status).toBe(400);
  });

  it('accepts an erasure request without a body', async () => {
    const response = await testApp.app.request(`/v1/orgs/${org.orgId}/erasure`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ orgId: org.orgId, rowsRemoved: 0 });
  });

  it('keeps identifiers and tokens out of the logs and the audit trail', async () => {
    await requestJson(testApp, 'DELETE', `/v1/orgs/${org.orgId}/consent`, { token: ADMIN_TOKEN, body: { reason: 'Done' } });
    const audit = JSON.stringify(await testApp.deps.database.db.selectFrom('audit_log').selectAll().execute());
    const logs = testApp.logLines.join('\n');
    for (const secret of [ADMIN_TOKEN, researcher, org.ingestToken]) {
      expect(audit).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toContain(org.orgId);
  });
});
