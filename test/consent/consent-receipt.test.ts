import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsentingOrg, type ConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, TEST_START, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { issueApiKey } from './consent-fixtures';

describe.each(TEST_DIALECTS)('consent receipts on %s', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;
  let consentId: string;
  let tokens: { officer: string; researcher: string };

  beforeAll(async () => {
    testApp = await createTestApp({ dialect, config: { controllerName: 'Example Research Trust', controllerContact: 'privacy@example.org', publicBaseUrl: 'https://telemetry.example.org' } });
    org = await registerConsentingOrg(testApp, { consent: false });
    const grant = await requestJson(testApp, 'PUT', `/v1/orgs/${org.orgId}/consent`, {
      token: ADMIN_TOKEN,
      body: {
        scope: 'research-telemetry',
        policyVersion: '2026-01',
        policyUrl: 'https://telemetry.example.org/policy/2026-01',
        grantedBy: 'Jane Roe, CISO',
        collectionMethod: 'signed_agreement',
        evidenceSha256: 'A'.repeat(64),
        expiresAt: '2027-11-26T12:00:00Z',
      },
    });
    consentId = grant.json.id;
    tokens = { officer: (await issueApiKey(testApp, 'privacy_officer')).token, researcher: (await issueApiKey(testApp, 'researcher')).token };
  });
  afterAll(() => testApp.dispose());

  const receiptPath = () => `/v1/orgs/${org.orgId}/consent/${consentId}/receipt`;

  it('describes the record in Kantara consent-receipt terms, with its status now', async () => {
    const response = await requestJson(testApp, 'GET', receiptPath(), { token: tokens.officer });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      version: 'KI-CR-v1.1.0',
      consentReceiptID: consentId,
      consentTimestamp: TEST_START.getTime() / 1000,
      collectionMethod: 'signed_agreement',
      piiPrincipalId: org.orgId,
      piiControllers: [{ piiController: 'Example Research Trust', contact: 'privacy@example.org', url: 'https://telemetry.example.org', onBehalf: false }],
      policyUrl: 'https://telemetry.example.org/policy/2026-01',
      policyVersion: '2026-01',
      scope: 'research-telemetry',
      status: 'active',
      grantedAt: TEST_START.toISOString(),
      expiresAt: '2027-11-26T12:00:00.000Z',
      revokedAt: null,
      evidence: { url: null, sha256: 'a'.repeat(64) },
      issuedAt: TEST_START.toISOString(),
    });
    expect(response.json.services[0].purposes[0]).toMatchObject({ purpose: 'research-telemetry', consentType: 'EXPLICIT', primaryPurpose: true });
  });

  it('shows revocation once the consent is revoked', async () => {
    testApp.clock.advance(60_000);
    await requestJson(testApp, 'DELETE', `/v1/orgs/${org.orgId}/consent`, { token: tokens.officer, body: { reason: 'Contract ended' } });
    const response = await requestJson(testApp, 'GET', receiptPath(), { token: tokens.officer });
    expect(response.json).toMatchObject({ status: 'revoked', revokedAt: new Date(TEST_START.getTime() + 60_000).toISOString() });
    expect(response.json.endsAt).toBe(response.json.revokedAt);
  });

  it('answers unknown or foreign records with 404 and malformed ids with 400, as problem+json', async () => {
    const other = await registerConsentingOrg(testApp);
    const foreign = await requestJson(testApp, 'GET', `/v1/orgs/${other.orgId}/consent/${consentId}/receipt`, { token: tokens.officer });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toBe('application/problem+json');
    expect(foreign.json.type).toBe('/problems/not-found');
    const unknownOrg = await requestJson(testApp, 'GET', `/v1/orgs/00000000-0000-4000-8000-000000000000/consent/${consentId}/receipt`, { token: tokens.officer });
    expect(unknownOrg.json.type).toBe('/problems/not-found');
    const malformed = await requestJson(testApp, 'GET', `/v1/orgs/${org.orgId}/consent/not-a-uuid/receipt`, { token: tokens.officer });
    expect(malformed.status).toBe(400);
    expect(malformed.json.type).toBe('/problems/invalid-request');
  });

  it('admits privacy officers and admins only', async () => {
    expect((await requestJson(testApp, 'GET', receiptPath())).json.type).toBe('/problems/unauthenticated');
    const researcher = await requestJson(testApp, 'GET', receiptPath(), { token: tokens.researcher });
    expect(researcher.status).toBe(403);
    expect(researcher.json.type).toBe('/problems/forbidden');
    const ingest = await requestJson(testApp, 'GET', receiptPath(), { token: org.ingestToken });
    expect(ingest.status).toBe(403);
    expect((await requestJson(testApp, 'GET', receiptPath(), { token: ADMIN_TOKEN })).status).toBe(200);
  });
});
