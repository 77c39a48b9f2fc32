import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';

const newOrg = { name: 'Acme Research', sector: 'research', sizeBand: '50-249', country: 'FR' };

describe.each(TEST_DIALECTS)('admin registry on %s', (dialect) => {
  let testApp: TestApp;
  let tokens: Record<'researcher' | 'privacy_officer', string>;

  beforeEach(async () => {
    testApp = await createTestApp({ dialect });
    const issue = async (role: string) =>
      (await requestJson(testApp, 'POST', '/v1/admin/keys', { token: ADMIN_TOKEN, body: { role, label: role } })).json.token as string;
    tokens = { researcher: await issue('researcher'), privacy_officer: await issue('privacy_officer') };
  });
  afterEach(() => testApp.dispose());

  describe('happy paths', () => {
    it('registers and lists organizations', async () => {
      const created = await requestJson(testApp, 'POST', '/v1/admin/orgs', { token: ADMIN_TOKEN, body: newOrg });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ ...newOrg, createdAt: '2026-11-26T12:00:00.000Z' });
      const listed = await requestJson(testApp, 'GET', '/v1/admin/orgs', { token: ADMIN_TOKEN });
      expect(listed.json.items).toEqual([created.json]);
      const asOfficer = await requestJson(testApp, 'GET', '/v1/admin/orgs', { token: tokens.privacy_officer });
      expect(asOfficer.status).toBe(200);
    });

    it('issues an ingest token once, lists instances without it, and revokes idempotently', async () => {
      const org = (await requestJson(testApp, 'POST', '/v1/admin/orgs', { token: ADMIN_TOKEN, body: newOrg })).json;
      const created = await requestJson(testApp, 'POST', `/v1/admin/orgs/${org.id}/instances`, { token: ADMIN_TOKEN, body: { label: 'eu-1' } });
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      expect(created.json.token).toMatch(/^tagg_ing_[A-Za-z0-9_-]{43}$/);
      const listed = await requestJson(testApp, 'GET', `/v1/admin/orgs/${org.id}/instances`, { token: ADMIN_TOKEN });
      expect(listed.json.items).toEqual([created.json.instance]);
      expect(listed.text).not.toContain(created.json.token);
      const path = `/v1/admin/orgs/${org.id}/instances/${created.json.instance.id}`;
      const revoked = await requestJson(testApp, 'DELETE', path, { token: ADMIN_TOKEN });
      expect(revoked.json.revokedAt).toBe('2026-11-26T12:00:00.000Z');
      expect((await requestJson(testApp, 'DELETE', path, { token: ADMIN_TOKEN })).json).toEqual(revoked.json);
    });

    it('issues API keys per role; the hash, not the token, is stored; revocation takes effect at once', async () => {
      const created = await requestJson(testApp, 'POST', '/v1/admin/keys', { token: ADMIN_TOKEN, body: { role: 'researcher', label: 'lab' } });
      expect(created.status).toBe(201);
      expect(created.json.token).toMatch(/^tagg_res_/);
      const stored = await testApp.deps.database.db.selectFrom('api_keys').selectAll().where('id', '=', created.json.key.id).executeTakeFirstOrThrow();
      expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(created.json.token);
      const keys = await requestJson(testApp, 'GET', '/v1/admin/keys', { token: ADMIN_TOKEN });
      expect(keys.json.items.map((key: { role: string }) => key.role).sort()).toEqual(['admin', 'privacy_officer', 'researcher', 'researcher']);
      expect((await requestJson(testApp, 'GET', '/v1/admin/orgs', { token: tokens.privacy_officer })).status).toBe(200);
      const officerKey = keys.json.items.find((key: { role: string }) => key.role === 'privacy_officer');
      expect((await requestJson(testApp, 'DELETE', `/v1/admin/keys/${officerKey.id}`, { token: ADMIN_TOKEN })).status).toBe(200);
      expect((await requestJson(testApp, 'GET', '/v1/admin/orgs', { token: tokens.privacy_officer })).status).toBe(401);
    });

    it('records every registry change in the audit log with key id and role, never a token', async () => {
      const org = (await requestJson(testApp, 'POST', '/v1/admin/orgs', { token: ADMIN_TOKEN, body: newOrg })).json;
      await requestJson(testApp, 'POST', `/v1/admin/orgs/${org.id}/instances`, { token: ADMIN_TOKEN, body: { label: 'eu-1' } });
      const entries = await testApp.deps.database.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
      expect(entries.map((entry) => entry.action)).toEqual([
        'api_key.created',
        'api_key.created',
        'api_key.created',
        'organization.created',
        'instance.created',
      ]);
      expect(entries.at(-1)).toMatchObject({ actor_role: 'admin', subject: expect.stringMatching(/^instance:/) });
      const dump = JSON.stringify(entries);
      expect(dump).not.toContain(ADMIN_TOKEN);
      expect(dump).not.toContain(newOrg.name);
    });
  });

  describe('errors', () => {
    it('400 with the failing field for an invalid organization', async () => {
      const response = await requestJson(testApp, 'POST', '/v1/admin/orgs', {
        token: ADMIN_TOKEN,
        body: { ...newOrg, sector: 'piracy', country: 'XX' },
      });
      expect(response.status).toBe(400);
      expect(response.json.type).toBe('/problems/invalid-request');
      expect(response.json.errors.map((error: { path: string }) => error.path).sort()).toEqual(['country', 'sector']);
    });

    it('400 for a malformed id and 404 for an unknown organization, instance or key', async () => {
      expect((await requestJson(testApp, 'GET', '/v1/admin/orgs/not-a-uuid/instances', { token: ADMIN_TOKEN })).status).toBe(400);
      const unknown = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
      const missingOrg = await requestJson(testApp, 'POST', `/v1/admin/orgs/${unknown}/instances`, { token: ADMIN_TOKEN, body: { label: 'x' } });
      expect(missingOrg.status).toBe(404);
      expect(missingOrg.json.type).toBe('/problems/not-found');
      expect((await requestJson(testApp, 'DELETE', `/v1/admin/keys/${unknown}`, { token: ADMIN_TOKEN })).status).toBe(404);
    });

    it('400 for a role that does not exist and for oversized JSON bodies', async () => {
      expect((await requestJson(testApp, 'POST', '/v1/admin/keys', { token: ADMIN_TOKEN, body: { role: 'root', label: 'x' } })).status).toBe(400);
      const huge = await requestJson(testApp, 'POST', '/v1/admin/orgs', { token: ADMIN_TOKEN, body: { ...newOrg, name: 'x'.repeat(100_000) } });
      expect(huge.status).toBe(413);
    });

    it('unknown routes are problem+json 404s', async () => {
      const response = await requestJson(testApp, 'GET', '/v1/nothing-here');
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    });
  });

  describe('security', () => {
    it('admin routes refuse researchers, privacy officers (for writes), ingest tokens and anonymous callers', async () => {
      const org = await registerConsentingOrg(testApp);
      const attempts: [string, string, unknown?][] = [
        ['POST', '/v1/admin/orgs', newOrg],
        ['POST', `/v1/admin/orgs/${org.orgId}/instances`, { label: 'x' }],
        ['GET', `/v1/admin/orgs/${org.orgId}/instances`],
        ['DELETE', `/v1/admin/orgs/${org.orgId}/instances/${org.instanceId}`],
        ['POST', '/v1/admin/keys', { role: 'admin', label: 'escalate' }],
        ['GET', '/v1/admin/keys'],
      ];
      for (const [method, path, body] of attempts) {
        for (const token of [tokens.researcher, tokens.privacy_officer, org.ingestToken]) {
          const response = await requestJson(testApp, method, path, { token, body });
          expect(response.status, `${method} ${path}`).toBe(403);
          expect(response.json.type).toBe('/problems/forbidden');
        }
        expect((await requestJson(testApp, method, path, { body })).status).toBe(401);
      }
      expect((await requestJson(testApp, 'GET', '/v1/admin/orgs', { token: tokens.researcher })).status).toBe(403);
    });

    it('sends security headers and no internals on errors', async () => {
      const response = await requestJson(testApp, 'GET', '/healthz');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      const jwks = await requestJson(testApp, 'GET', '/.well-known/jwks.json');
      expect(jwks.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(jwks.headers.get('x-content-type-options')).toBe('nosniff');
      const failure = await sendBatch(testApp, 'tagg_ing_x'.padEnd(40, 'x'), [transferEvent()]);
      expect(failure.text).not.toMatch(/at .*\.ts:|SELECT|sqlite|postgres/i);
    });

    it('rate-limits API keys per credential', async () => {
      const limited = await createTestApp({ dialect, config: { apiRatePerMinute: 3 } });
      try {
        const statuses: number[] = [];
        for (let n = 0; n < 4; n += 1) statuses.push((await requestJson(limited, 'GET', '/v1/admin/keys', { token: ADMIN_TOKEN })).status);
        expect(statuses).toEqual([200, 200, 200, 429]);
      } finally {
        await limited.dispose();
      }
    });

    it('leaves ingest to its own limits: an ingest token is not held to the API rate, and a batch may pass 64 KiB', async () => {
      const limited = await createTestApp({ dialect, config: { apiRatePerMinute: 3 } });
      try {
        // Registering the org spends the admin key's three requests.
        const org = await registerConsentingOrg(limited);
        const events = Array.from({ length: 300 }, (_, n) => transferEvent({ eventId: testEventId(n) }));
        expect(JSON.stringify({ schemaVersion: 1, events }).length).toBeGreaterThan(64 * 1024);
        const statuses: number[] = [];
        for (let n = 0; n < 4; n += 1) statuses.push((await sendBatch(limited, org.ingestToken, events)).status);
        expect(statuses).toEqual([200, 200, 200, 200]);
        expect((await requestJson(limited, 'GET', '/v1/admin/keys', { token: ADMIN_TOKEN })).status).toBe(429);
      } finally {
        await limited.dispose();
      }
    });
  });
});

describe('system routes', () => {
  let testApp: TestApp;
  beforeEach(async () => {
    testApp = await createTestApp();
  });
  afterEach(() => testApp.dispose());

  it('healthz, readyz, the OpenAPI 3.1 document, the reference page and problem pages', async () => {
    expect((await requestJson(testApp, 'GET', '/healthz')).json).toEqual({ status: 'ok' });
    expect((await requestJson(testApp, 'GET', '/readyz')).json).toEqual({ status: 'ready', database: 'sqlite' });
    const openapi = await requestJson(testApp, 'GET', '/openapi.json');
    expect(openapi.json.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.json.paths)).toEqual(
      expect.arrayContaining(['/v1/telemetry/batches', '/v1/admin/orgs', '/v1/orgs/{orgId}/consent', '/healthz', '/readyz']),
    );
    expect(openapi.json.paths['/v1/telemetry/batches'].post.requestBody.content['application/json'].schema).toBeDefined();
    const docs = await testApp.app.request('/docs');
    const page = await docs.text();
    // Scalar draws the reference in the browser from /openapi.json, with its renderer served by the service itself.
    expect(page).toContain('/openapi.json');
    expect(page).toContain('src="/docs/assets/scalar-api-reference.js"');
    expect(page).not.toMatch(/<script[^>]+src="https?:/);
    const problem = await testApp.app.request('/problems/consent-required');
    expect(problem.status).toBe(200);
    expect(await problem.text()).toContain('403');
    const schema = await requestJson(testApp, 'GET', '/schemas/telemetry-batch.schema.json');
    expect(schema.json.$id).toBe('/schemas/telemetry-batch.schema.json');
  });

  it('readyz reports 503 when the database is gone', async () => {
    await testApp.deps.database.close();
    const response = await requestJson(testApp, 'GET', '/readyz');
    expect(response.status).toBe(503);
    expect(response.json.type).toBe('/problems/not-ready');
  });
});
