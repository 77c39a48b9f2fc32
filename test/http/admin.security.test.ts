/**
 * Who reaches what, security headers, no internals in errors, and the API rate limits. The role
 * matrix and the headers are the contract on every HTTP target; the rate-limit cases need a small
 * configured rate, so they run in-process on each database.
 */
import { describe, expect, it } from 'vitest';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent } from '../support/fixtures';
import { expectRoleMatrix } from '../support/http-expectations';
import { HTTP_TARGETS, useHttpTarget } from '../support/http-target';
import { ADMIN_TOKEN, createTestApp, requestJson } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';

describe.each(HTTP_TARGETS)('access and headers on %s', (targetName) => {
  const target = useHttpTarget(targetName);

  it('each role reaches only its own routes: 401 for anonymous callers, 403 for the wrong role', async () => {
    await expectRoleMatrix(target().client, { datasetsPublic: true });
  });

  it('sends security headers, opens only public artefacts cross-origin, and shows no internals on errors', async () => {
    const { client } = target();
    const response = await requestJson(client, 'GET', '/healthz');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('strict-transport-security')).toContain('max-age=');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    const jwks = await requestJson(client, 'GET', '/.well-known/jwks.json');
    expect(jwks.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(jwks.headers.get('x-content-type-options')).toBe('nosniff');
    const failure = await sendBatch(client, 'tagg_ing_x'.padEnd(40, 'x'), [transferEvent()]);
    expect(failure.status).toBe(401);
    expect(failure.text).not.toMatch(/at .*\.ts:|SELECT|sqlite|postgres|\bD1\b/i);
  });
});

describe.each(TEST_DIALECTS)('API rate limits on %s', (dialect) => {
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
