import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetCatalogueOf } from '../../src/releases/dataset-catalogue';
import { jwkThumbprint, sha256Hex } from '../../src/releases/release-signing';
import type { PeriodReleaseResult } from '../../src/releases/release-period';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { AFTER_GRACE, crowd, insertCounters, PERIOD, publishTestPeriod, TEST_RELEASE_CONFIG } from './release-fixtures';

describe.each(TEST_DIALECTS)('researcher API happy paths on %s', (dialect) => {
  let testApp: TestApp;
  let published: PeriodReleaseResult;

  beforeAll(async () => {
    testApp = await createTestApp({ dialect, config: TEST_RELEASE_CONFIG });
    published = await publishTestPeriod(testApp);
  });
  afterAll(() => testApp.dispose());

  const volume = () => published.releases.find((release) => release.datasetId === 'ai-transfer-volume')!;

  it('GET /v1/datasets lists every dataset with its privacy plan and latest release', async () => {
    const response = await requestJson(testApp, 'GET', '/v1/datasets');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const ids = datasetCatalogueOf(testApp.deps).datasets.map((dataset) => dataset.spec.id);
    expect(response.json.items.map((item: { id: string }) => item.id)).toEqual(ids);
    const item = response.json.items[0];
    expect(item.privacy).toMatchObject({ mechanism: 'discrete_gaussian', k: 3 });
    // Public keys: no selection threshold; every declared key has a row (5 content classes x 10 protocols x 2 boundaries).
    expect(item.privacy).toMatchObject({ keys: 'public', publicKeyCount: 100, selectionThreshold: null, selectionNoiseSd: null });
    expect(item.measures.map((measure: { name: string }) => measure.name)).toEqual(['transfer_count', 'distinct_organizations', 'clamped_byte_sum']);
    for (const measure of item.measures) expect(measure.noiseSd).toBeGreaterThan(0);
    expect(item.latestRelease).toMatchObject({ id: volume().id, period: PERIOD, packageSha256: volume().packageSha256 });
    expect(response.json.periodBudget.rhoCharged).toBeLessThanOrEqual(TEST_RELEASE_CONFIG.periodBudgetRho!);
  });

  it('GET /v1/datasets/{id} is a methodology card: counted, bounds and why, privacy, intervals, biases', async () => {
    const response = await requestJson(testApp, 'GET', '/v1/datasets/ai-transfer-volume');
    expect(response.status).toBe(200);
    const { methodology, plan } = response.json;
    expect(methodology.counted).toMatch(/AI-related/);
    expect(methodology.filters).toEqual([expect.stringMatching(/^classification is one of /)]);
    expect(methodology.bounds).toMatchObject({ maxCellsPerOrganization: 10, maxTransfersPerCell: 200 });
    expect(methodology.bounds.rationale.length).toBeGreaterThan(50);
    expect(methodology.intervals).toMatch(/bounded value/);
    expect(methodology.intervals).toMatch(/not an interval for the true/);
    expect(methodology.knownBiases.join(' ')).toMatch(/Clamping/);
    expect(methodology.knownBiases.join(' ')).toMatch(/L0 sampling/);
    expect(methodology.privacy.selection).toMatch(/noisy organization count is below 3/);
    expect(methodology.privacy.selection).toMatch(/never the true one/);
    expect(methodology.knownBiases.join(' ')).toMatch(/Post-processing/);
    expect(plan.selection).toBeNull();
    expect(plan.suppression).toMatchObject({ minNoisyOrganizations: 3, measure: 'distinct_organizations' });
  });

  it('GET /v1/datasets/{id}/releases lists the releases with links', async () => {
    const response = await requestJson(testApp, 'GET', '/v1/datasets/ai-transfer-volume/releases');
    expect(response.status).toBe(200);
    expect(response.json.items).toHaveLength(1);
    expect(response.json.items[0]).toMatchObject({ id: volume().id, period: PERIOD, previousReleaseId: null });
    expect(response.json.items[0].links.csv).toBe(`/v1/releases/${volume().id}/data.csv`);
  });

  it('GET /v1/releases/{id} describes the files, the signature and the chain link', async () => {
    const response = await requestJson(testApp, 'GET', `/v1/releases/${volume().id}`);
    expect(response.status).toBe(200);
    expect(response.json.signature).toMatchObject({ alg: 'EdDSA', crv: 'Ed25519' });
    expect(response.json.files.map((file: { path: string }) => file.path)).toEqual(['datapackage.json', 'data.csv', 'data.json', 'data.parquet', 'noisy-measurements.csv', 'provenance.intoto.jsonl', 'spdx.json']);
    for (const file of response.json.files) {
      const body = await testApp.app.request(file.url);
      const bytes = new Uint8Array(await body.arrayBuffer());
      expect(bytes.byteLength).toBe(file.bytes);
      expect(await sha256Hex(bytes)).toBe(file.sha256);
    }
  });

  it('serves immutable files with strong ETags, a year of caching, 304 on If-None-Match and open CORS', async () => {
    for (const name of ['datapackage.json', 'data.csv', 'data.json', 'noisy-measurements.csv', 'data.parquet', 'spdx.json', 'provenance.intoto.jsonl', 'datapackage.json.sig', 'datapackage.json.sig.b64']) {
      const path = `/v1/releases/${volume().id}/${name}`;
      const first = await testApp.app.request(path);
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect(etag).toBe(`"${await sha256Hex(new Uint8Array(await first.arrayBuffer()))}"`);
      expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(first.headers.get('access-control-allow-origin')).toBe('*');
      const again = await testApp.app.request(path, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      const other = await testApp.app.request(path, { headers: { 'if-none-match': '"0000"' } });
      expect(other.status).toBe(200);
    }
    const csv = await testApp.app.request(`/v1/releases/${volume().id}/data.csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('period,content_class,protocol,boundary,measure,status,suppression_reason,value,noise_sd,ci95_low,ci95_high');
    // Public keys: a row per declared key (100) and measure (3), published or suppressed.
    expect(lines.length).toBe(1 + volume().rows);
    expect(volume().rows).toBe(300);
    const noisy = (await (await testApp.app.request(`/v1/releases/${volume().id}/noisy-measurements.csv`)).text()).trim().split('\n');
    expect(noisy[0]).toBe('period,content_class,protocol,boundary,measure,status,noisy_value,noise_sd,ci95_low,ci95_high');
    expect(noisy.length).toBe(1 + 300);
    const signature = await testApp.app.request(`/v1/releases/${volume().id}/datapackage.json.sig`);
    expect(new Uint8Array(await signature.arrayBuffer()).byteLength).toBe(64);
  });

  it('answers CORS preflight for cross-origin reads', async () => {
    const response = await testApp.app.request(`/v1/releases/${volume().id}/data.csv`, {
      method: 'OPTIONS',
      headers: { origin: 'https://notebook.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toMatch(/GET/);
  });

  it('GET /.well-known/jwks.json publishes the signing key with its RFC 7638 thumbprint as kid, and a PEM of it', async () => {
    const response = await requestJson(testApp, 'GET', '/.well-known/jwks.json');
    expect(response.status).toBe(200);
    const [key] = response.json.keys;
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(key.kid).toBe(await jwkThumbprint(key));
    expect(key.kid).toBe(volume() && (await requestJson(testApp, 'GET', `/v1/releases/${volume().id}`)).json.signature.kid);
    const pem = await testApp.app.request(`/v1/signing-keys/${key.kid}.pem`);
    expect(pem.status).toBe(200);
    expect(await pem.text()).toMatch(/^-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA/);
  });

  it('documents every release route in the OpenAPI document', async () => {
    const response = await requestJson(testApp, 'GET', '/openapi.json');
    expect(response.status).toBe(200);
    for (const path of [
      '/v1/datasets',
      '/v1/datasets/{datasetId}',
      '/v1/datasets/{datasetId}/releases',
      '/v1/releases/{releaseId}',
      '/v1/releases/{releaseId}/{file}',
      '/v1/admin/releases',
      '/.well-known/jwks.json',
      '/v1/signing-keys/{file}',
    ]) {
      expect(Object.keys(response.json.paths)).toContain(path);
    }
  });

  it('POST /v1/admin/releases releases a due period for an admin', async () => {
    await insertCounters(testApp.testDatabase.database, crowd(20, { period: '2026-W47' }));
    testApp.clock.set(AFTER_GRACE);
    const response = await requestJson(testApp, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: '2026-W47' } });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ period: '2026-W47', resumed: false, countersDeleted: 20 });
    expect(response.json.releases).toHaveLength(datasetCatalogueOf(testApp.deps).datasets.length);
    // Released after 2026-W48, so it extends each dataset's chain from the W48 release.
    const link = response.json.releases.find((release: { datasetId: string }) => release.datasetId === 'ai-transfer-volume');
    expect(link.previousReleaseId).toBe(volume().id);
    const audit = await testApp.deps.database.db.selectFrom('audit_log').selectAll().where('subject', '=', 'period:2026-W47').executeTakeFirstOrThrow();
    expect(audit.actor_role).toBe('admin');
  });
});
