/**
 * Rate limits that cannot be reset from outside: buckets per authenticated principal, failed
 * authentications limited per client address in a bounded LRU map, and an in-flight bound on the
 * public routes and consoles. The clock is injected and never moves unless a test moves it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StaticAsset } from '../../src/deps';
import { createFixedClock } from '../../src/deps';
import { AuthenticationFailureLimiter, LruMap } from '../../src/http/middleware/rate-limit';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../support/test-app';

describe('LruMap', () => {
  it('evicts the least recently used entry, one at a time, and counts a read as use', () => {
    const map = new LruMap<string, number>(3);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect(map.get('a')).toBe(1); // a is now the most recent; b the oldest
    map.set('d', 4);
    expect(map.keys()).toEqual(['c', 'a', 'd']);
    map.set('e', 5);
    expect(map.keys()).toEqual(['a', 'd', 'e']);
    expect(map.size).toBe(3);
    expect(map.has('b')).toBe(false);
  });
});

describe('API rate limits', () => {
  let testApp: TestApp;
  afterEach(() => testApp.dispose());

  const get = (path: string, headers: Record<string, string>) => testApp.app.request(path, { headers });

  it('keeps a principal limited while 50,050 junk tokens fail', { timeout: 120_000 }, async () => {
    testApp = await createTestApp({ config: { apiRatePerMinute: 3, authFailuresPerMinute: 30 } });
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'cf-connecting-ip': '198.51.100.1' };
    for (let i = 0; i < 3; i += 1) expect((await get('/v1/admin/orgs', admin)).status).toBe(200);
    expect((await get('/v1/admin/orgs', admin)).status).toBe(429);

    const statuses = new Map<number, number>();
    for (let i = 0; i < 50_050; i += 1) {
      const response = await get('/v1/admin/orgs', { authorization: `Bearer junk-token-${i.toString().padStart(12, '0')}`, 'cf-connecting-ip': '203.0.113.50' });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
    // The first 30 are looked up and fail; the rest are refused before any lookup.
    expect(Object.fromEntries(statuses)).toEqual({ 401: 30, 429: 50_020 });

    const after = await get('/v1/admin/orgs', admin);
    expect(after.status).toBe(429);
    expect(Number(after.headers.get('retry-after'))).toBeGreaterThan(0);
    testApp.clock.advance(60_000);
    expect((await get('/v1/admin/orgs', admin)).status).toBe(200);
  });

  it('forgets failing clients least recently used first when more addresses fail than it tracks', () => {
    const clock = createFixedClock(new Date('2026-11-26T12:00:00Z'));
    const failures = new AuthenticationFailureLimiter(clock, 1, 1_000);
    failures.recordFailure('203.0.113.1');
    for (let i = 0; i < 999; i += 1) failures.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    expect(() => failures.assertAllowed('203.0.113.1')).toThrow(/failed authentications/);
    // Checking counts as use, so the oldest entry is now 10.0.0.0, and a new address evicts only it.
    failures.recordFailure('192.0.2.200');
    expect(failures.trackedClients).toBe(1_000);
    expect(() => failures.assertAllowed('203.0.113.1')).toThrow(/failed authentications/);
    expect(() => failures.assertAllowed('10.0.0.1')).toThrow(/failed authentications/);
    expect(() => failures.assertAllowed('10.0.0.0')).not.toThrow();
  });

  it('refuses a client after too many failures before looking its tokens up, and not other clients', async () => {
    testApp = await createTestApp({ config: { authFailuresPerMinute: 5 } });
    const attacker = '203.0.113.9';
    for (let i = 0; i < 5; i += 1) {
      expect((await get('/v1/admin/orgs', { authorization: `Bearer junk-token-000000000${i}`, 'cf-connecting-ip': attacker })).status).toBe(401);
    }
    const refused = await get('/v1/admin/orgs', { authorization: `Bearer ${ADMIN_TOKEN}`, 'cf-connecting-ip': attacker });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('12');
    const problem = (await refused.json()) as { detail: string };
    expect(problem.detail).toMatch(/retry in 12 s/);
    // The same credential from another address is served: the failure limit is per client.
    expect((await get('/v1/admin/orgs', { authorization: `Bearer ${ADMIN_TOKEN}`, 'cf-connecting-ip': '198.51.100.2' })).status).toBe(200);
    testApp.clock.advance(12_000);
    expect((await get('/v1/admin/orgs', { authorization: `Bearer ${ADMIN_TOKEN}`, 'cf-connecting-ip': attacker })).status).toBe(200);
  });

  it('gives ingest tokens and API keys their own buckets, keyed by principal', async () => {
    testApp = await createTestApp({ config: { apiRatePerMinute: 2 } });
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    // The same credential with different header spellings is one principal, one bucket.
    expect((await get('/v1/admin/orgs', admin)).status).toBe(200);
    expect((await get('/v1/admin/orgs', { authorization: `bearer   ${ADMIN_TOKEN}` })).status).toBe(200);
    expect((await get('/v1/admin/orgs', { authorization: `Bearer ${ADMIN_TOKEN} ` })).status).toBe(429);
  });
});

describe('in-flight bound on public routes and consoles', () => {
  let testApp: TestApp;
  afterEach(() => testApp.dispose());

  it('answers 503 with Retry-After past the bound, and serves again once requests finish', async () => {
    testApp = await createTestApp({ config: { publicMaxInFlight: 2 } });
    const gates: (() => void)[] = [];
    const body: StaticAsset = { body: 'x', contentType: 'text/javascript' };
    testApp.deps.assets = {
      get: () =>
        new Promise<StaticAsset>((resolve) => {
          gates.push(() => resolve(body));
        }),
    };
    const held = [testApp.app.request('/console/assets/first.js'), testApp.app.request('/console/assets/second.js')];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gates.length).toBe(2);

    const refused = await testApp.app.request('/v1/datasets');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { type: string }).type).toBe('/problems/at-capacity');
    // Authenticated and operational routes are not public and not bounded by it.
    expect((await testApp.app.request('/healthz')).status).toBe(200);
    expect((await testApp.app.request('/v1/admin/orgs', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);

    for (const release of gates) release();
    expect((await Promise.all(held)).map((response) => response.status)).toEqual([200, 200]);
    expect((await testApp.app.request('/v1/datasets')).status).toBe(200);
  });
});
