/**
 * A lone UTF-16 surrogate or a NUL in any free-text field is refused at the schema boundary with a
 * 400 problem that names the field, instead of failing deep inside a write (the audit chain's
 * canonical JSON cannot encode a lone surrogate).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';

const INVALID_TEXTS = { 'lone high surrogate': '\ud800x', 'lone low surrogate': 'a\udc00', NUL: 'a\u0000b' };

describe.each(TEST_DIALECTS)('invalid Unicode on %s', (dialect) => {
  let testApp: TestApp;
  let orgId: string;
  beforeAll(async () => {
    testApp = await createTestApp({ dialect });
    orgId = (await registerConsentingOrg(testApp)).orgId;
  });
  afterAll(() => testApp.dispose());

  const grant = { scope: 'research-telemetry', policyVersion: '2026-1', grantedBy: 'A. Signatory, CISO', policyUrl: 'https://example.com/policy' };
  const cases = () => [
    { method: 'POST', path: '/v1/admin/orgs', body: { name: 'x', sector: 'finance', sizeBand: '250-999', country: 'DE' }, field: 'name' },
    { method: 'POST', path: `/v1/admin/orgs/${orgId}/instances`, body: { label: 'x' }, field: 'label' },
    { method: 'POST', path: '/v1/admin/keys', body: { role: 'researcher', label: 'x' }, field: 'label' },
    { method: 'PUT', path: `/v1/orgs/${orgId}/consent`, body: grant, field: 'policyVersion' },
    { method: 'PUT', path: `/v1/orgs/${orgId}/consent`, body: grant, field: 'grantedBy' },
    { method: 'DELETE', path: `/v1/orgs/${orgId}/consent`, body: { reason: 'x' }, field: 'reason' },
    { method: 'POST', path: `/v1/orgs/${orgId}/erasure`, body: { reason: 'x' }, field: 'reason' },
    { method: 'POST', path: '/v1/admin/releases', body: { period: '2026-W01' }, field: 'period' },
  ];

  it('answers 400 naming the field, for every free-text field of every JSON body', async () => {
    for (const { method, path, body, field } of cases()) {
      for (const [kind, text] of Object.entries(INVALID_TEXTS)) {
        const response = await requestJson(testApp, method, path, { token: ADMIN_TOKEN, body: { ...body, [field]: text } });
        expect(response.status, `${method} ${path} ${field} with a ${kind}: ${response.text}`).toBe(400);
        expect(response.json.type).toBe('/problems/invalid-request');
        expect(response.json.errors.map((error: { path: string }) => error.path)).toContain(field);
      }
    }
  });

  it('answers 400 for a lone surrogate in a query parameter', async () => {
    const response = await requestJson(testApp, 'GET', `/v1/audit?subject=${encodeURIComponent('org:x')}%ED%A0%80`, { token: ADMIN_TOKEN });
    expect(response.status).not.toBe(500);
    const surrogate = await testApp.app.request(`/v1/audit?subject=a${'\ud800'}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(surrogate.status).toBeLessThan(500);
  });

  it('still accepts text with characters outside the BMP', async () => {
    const response = await requestJson(testApp, 'POST', `/v1/orgs/${orgId}/erasure`, { token: ADMIN_TOKEN, body: { reason: 'asked by 🦊 legal' } });
    expect(response.status).toBe(201);
  });
});
