import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { ConfigError } from '../../src/config';
import { loadDatasetSpecs, REGISTERED_DATASET_FILES } from '../../src/datasets/dataset-registry';
import type { PeriodReleaseResult } from '../../src/releases/release-period';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { NEXT_PERIOD, PERIOD, publishTestPeriod, TEST_RELEASE_CONFIG } from './release-fixtures';
import { expectProblem } from '../support/http-expectations';


describe('researcher API errors', () => {
  let testApp: TestApp;
  let published: PeriodReleaseResult;

  beforeAll(async () => {
    testApp = await createTestApp({ config: TEST_RELEASE_CONFIG });
    published = await publishTestPeriod(testApp);
  });
  afterAll(() => testApp.dispose());

  it('unknown or malformed dataset ids', async () => {
    expectProblem(await requestJson(testApp, 'GET', '/v1/datasets/no-such-dataset'), 404, 'not-found');
    expectProblem(await requestJson(testApp, 'GET', '/v1/datasets/no-such-dataset/releases'), 404, 'not-found');
    expectProblem(await requestJson(testApp, 'GET', '/v1/datasets/Not_Valid!'), 400, 'invalid-request');
  });

  it('unknown or malformed release ids and file names', async () => {
    const id = published.releases[0]!.id;
    expectProblem(await requestJson(testApp, 'GET', '/v1/releases/0f8fad5b-d9cb-469f-a165-70867728950e'), 404, 'not-found');
    expectProblem(await requestJson(testApp, 'GET', '/v1/releases/0f8fad5b-d9cb-469f-a165-70867728950e/data.csv'), 404, 'not-found');
    expectProblem(await requestJson(testApp, 'GET', '/v1/releases/not-a-uuid'), 400, 'invalid-request');
    expectProblem(await requestJson(testApp, 'GET', `/v1/releases/${id}/secrets.json`), 400, 'invalid-request');
    expectProblem(await requestJson(testApp, 'GET', `/v1/releases/${id}/..%2F..%2Fetc%2Fpasswd`), 400, 'invalid-request');
    expectProblem(await requestJson(testApp, 'GET', '/v1/signing-keys/not-a-kid.pem'), 400, 'invalid-request');
    expectProblem(await requestJson(testApp, 'GET', `/v1/signing-keys/${'A'.repeat(43)}.pem`), 404, 'not-found');
  });

  it('admin release: malformed bodies and periods', async () => {
    expectProblem(await requestJson(testApp, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: {} }), 400, 'invalid-request');
    const malformed = await requestJson(testApp, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: '2026-13' } });
    expectProblem(malformed, 400, 'invalid-request');
    expect(malformed.json.errors).toEqual([{ path: 'period', message: expect.stringMatching(/week period id/) }]);
  });

  it('admin release: a released period is refused with 409 already-released', async () => {
    const response = await requestJson(testApp, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: PERIOD } });
    expectProblem(response, 409, 'already-released');
    expect(response.json.period).toBe(PERIOD);
  });

  it('admin release: a period still open for late events is refused with 409 period-not-releasable', async () => {
    const response = await requestJson(testApp, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: NEXT_PERIOD } });
    expectProblem(response, 409, 'period-not-releasable');
    expect(response.json.releasableAt).toBe('2026-12-09T00:00:00.000Z');
  });

  it('admin release: a release in progress is refused with 409 conflict, the real Retry-After, and how to take it over', async () => {
    // A lock taken a minute ago, by a process that may have died: it expires 14 minutes from now.
    const startedAt = new Date(testApp.deps.clock.now().getTime() - 60_000).toISOString();
    await testApp.deps.database.db.insertInto('period_releases').values({ period: '2026-W45', started_at: startedAt, completed_at: null, status: 'started' }).execute();
    const response = await requestJson(testApp, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: '2026-W45' } });
    expectProblem(response, 409, 'conflict');
    expect(response.headers.get('retry-after')).toBe(String(14 * 60));
    expect(response.json).toMatchObject({ period: '2026-W45', lockStartedAt: startedAt, lockExpiresAt: new Date(Date.parse(startedAt) + 15 * 60_000).toISOString() });
    expect(response.json.detail).toMatch(/its lock expires at \S+, after which the next attempt/);
    expect(response.json.detail).toMatch(/npm run release -- --period 2026-W45 --resume/);
    expect(response.json.detail).toMatch(/"takeOverStartedLock": true/);
  });

  it('a dataset spec whose privacy plan cannot be computed stops the app from being built', () => {
    const [spec] = loadDatasetSpecs({ 'ai-transfer-volume.json': REGISTERED_DATASET_FILES['ai-transfer-volume.json'] });
    const unplannable = { ...spec!, byteUnit: 'B' as const, bounds: { ...spec!.bounds, maxBytesPerCell: 2 ** 50 } };
    expect(() => createApp({ ...testApp.deps, datasets: [unplannable] })).toThrow(ConfigError);
    expect(() => createApp({ ...testApp.deps, datasets: [unplannable] })).toThrow(/dataset ai-transfer-volume: no privacy plan/);
  });
});
