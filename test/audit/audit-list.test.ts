import { periodBudgetRhoCap } from '../../src/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUDGET_CONFIGURED, recordPrivacyConfiguration } from '../../src/audit/privacy-configuration';
import { registerConsentingOrg, type ConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { issueApiKey } from '../consent/consent-fixtures';

describe.each(TEST_DIALECTS)('audit log listing on %s', (dialect) => {
  let testApp: TestApp;
  let orgs: ConsentingOrg[];
  let officer: string;
  let researcher: string;

  beforeAll(async () => {
    testApp = await createTestApp({ dialect });
    officer = (await issueApiKey(testApp, 'privacy_officer')).token;
    researcher = (await issueApiKey(testApp, 'researcher')).token;
    orgs = [];
    for (const name of ['A', 'B', 'C']) {
      testApp.clock.advance(3600_000);
      orgs.push(await registerConsentingOrg(testApp, { name }));
    }
    testApp.clock.advance(3600_000);
    await requestJson(testApp, 'DELETE', `/v1/orgs/${orgs[1]?.orgId}/consent`, { token: officer, body: { reason: 'test' } });
  });
  afterAll(() => testApp.dispose());

  const list = (query: string, token = officer) => requestJson(testApp, 'GET', `/v1/audit${query}`, { token });

  it('pages newest first with an opaque cursor and a Link header, without gaps or repeats', async () => {
    const seen: number[] = [];
    let query = '?limit=4';
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await list(query);
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((entry: { seq: number }) => entry.seq));
      if (!page.json.nextCursor) {
        expect(page.headers.get('link')).toBeNull();
        break;
      }
      expect(page.headers.get('link')).toContain(`cursor=${page.json.nextCursor}`);
      query = `?limit=4&cursor=${page.json.nextCursor}`;
    }
    // 3 keys, 3 x (organization, instance, consent), a revocation and its erasure.
    expect(seen).toEqual(Array.from({ length: 14 }, (_, index) => 14 - index));
  });

  it('lists oldest first on request, with every field of the entry', async () => {
    const page = await list('?order=asc&limit=2');
    expect(page.json.items[0]).toMatchObject({ seq: 1, actorId: null, actorRole: 'system', action: 'api_key.created', details: { role: 'admin' } });
    expect(page.json.items[1].prevHash).toBe(page.json.items[0].hash);
  });

  it('filters by action, action prefix, subject and time', async () => {
    const grants = await list('?action=consent.granted');
    expect(grants.json.items.map((entry: { subject: string }) => entry.subject)).toEqual(orgs.map((org) => `org:${org.orgId}`).reverse());
    const consentActions = await list('?action=consent.*');
    expect(new Set(consentActions.json.items.map((entry: { action: string }) => entry.action))).toEqual(new Set(['consent.granted', 'consent.revoked']));
    const bySubject = await list(`?subject=org:${orgs[1]?.orgId}&order=asc`);
    expect(bySubject.json.items.map((entry: { action: string }) => entry.action)).toEqual([
      'organization.created',
      'consent.granted',
      'consent.revoked',
      'erasure.completed',
    ]);
    const window = await list('?from=2026-11-26T13:30:00Z&to=2026-11-26T14:30:00Z&order=asc');
    expect(window.json.items.map((entry: { action: string }) => entry.action)).toEqual(['organization.created', 'instance.created', 'consent.granted']);
  });

  it('exports the page as CSV with the same fields', async () => {
    const csv = await requestJson(testApp, 'GET', '/v1/audit?action=erasure.completed&format=csv', { token: officer });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, row] = csv.text.trim().split('\r\n');
    expect(header).toBe('seq,at,actor_id,actor_role,action,subject,details,prev_hash,hash');
    expect(row).toContain('erasure.completed');
    const viaAccept = await requestJson(testApp, 'GET', '/v1/audit?limit=1', { token: officer, headers: { accept: 'text/csv' } });
    expect(viaAccept.headers.get('content-type')).toMatch(/^text\/csv/);
  });

  it('rejects bad parameters with problem+json', async () => {
    for (const query of ['?limit=0', '?limit=501', '?cursor=abc', '?action=DROP%20TABLE', '?from=yesterday', '?order=sideways', '?format=xml']) {
      const response = await list(query);
      expect(response.status, query).toBe(400);
      expect(response.json.type, query).toBe('/problems/invalid-request');
    }
  });

  it('admits privacy officers and admins only', async () => {
    for (const path of ['/v1/audit', '/v1/audit/verify']) {
      const anonymous = await requestJson(testApp, 'GET', path);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.json.type).toBe('/problems/unauthenticated');
      for (const token of [researcher, orgs[0]!.ingestToken]) {
        const refused = await requestJson(testApp, 'GET', path, { token });
        expect(refused.status, path).toBe(403);
        expect(refused.json.type).toBe('/problems/forbidden');
      }
      expect((await requestJson(testApp, 'GET', path, { token: ADMIN_TOKEN })).status).toBe(200);
    }
  });

  it('records the privacy configuration once, and again only when it changes', async () => {
    const deps = testApp.deps;
    expect(await recordPrivacyConfiguration(deps)).toBe(true);
    expect(await recordPrivacyConfiguration(deps)).toBe(false);
    expect(await recordPrivacyConfiguration({ ...deps, config: { ...deps.config, yearlyBudgetRho: 2, periodBudgetRho: 0.2 } })).toBe(true);
    const entries = await list(`?action=${BUDGET_CONFIGURED}&order=asc`);
    // The test app pins PERIOD=week: the default yearly rho 1 allows 1/53 a week.
    expect(entries.json.items.map((entry: { details: { yearlyBudgetRho: number; periodBudgetRho: number } }) => entry.details)).toMatchObject([
      { yearlyBudgetRho: 1, periodBudgetRho: periodBudgetRhoCap(1, 'week'), periodBudgetSource: 'derived', period: 'week' },
      { yearlyBudgetRho: 2, periodBudgetRho: 0.2 },
    ]);
    expect(entries.json.items[0]).toMatchObject({ actorRole: 'system', subject: 'config:privacy-budget' });
    expect((await requestJson(testApp, 'GET', '/v1/audit/verify', { token: officer })).json.valid).toBe(true);
  });
});
