import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodReleaseResult } from '../../src/releases/release-period';
import { registerConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson } from '../support/test-app';
import { publishTestPeriod, TEST_RELEASE_CONFIG } from './release-fixtures';

type Caller = 'anonymous' | 'invalid' | 'ingest' | 'researcher' | 'privacy_officer' | 'admin';

async function setUp(datasetsPublic: boolean) {
  const testApp = await createTestApp({ config: { ...TEST_RELEASE_CONFIG, datasetsPublic } });
  const published = await publishTestPeriod(testApp);
  const issue = async (role: string) =>
    (await requestJson(testApp, 'POST', '/v1/admin/keys', { token: ADMIN_TOKEN, body: { role, label: role } })).json.token as string;
  const org = await registerConsentingOrg(testApp);
  const tokens: Record<Caller, string | undefined> = {
    anonymous: undefined,
    invalid: 'tagg_res_this-token-was-never-issued-0123456789',
    ingest: org.ingestToken,
    researcher: await issue('researcher'),
    privacy_officer: await issue('privacy_officer'),
    admin: ADMIN_TOKEN,
  };
  return { testApp, published, tokens };
}

const readPaths = (published: PeriodReleaseResult) => {
  const id = published.releases[0]!.id;
  return [
    '/v1/datasets',
    '/v1/datasets/ai-transfer-volume',
    '/v1/datasets/ai-transfer-volume/releases',
    `/v1/releases/${id}`,
    `/v1/releases/${id}/datapackage.json`,
    `/v1/releases/${id}/data.csv`,
  ];
};

describe('researcher API access when datasets are public (the default)', () => {
  let context: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    context = await setUp(true);
  });
  afterAll(() => context.testApp.dispose());

  it('anyone may read; a presented credential must be valid and not an ingest token', async () => {
    const expected: Record<Caller, number> = { anonymous: 200, invalid: 401, ingest: 403, researcher: 200, privacy_officer: 200, admin: 200 };
    for (const path of readPaths(context.published)) {
      for (const [caller, status] of Object.entries(expected) as [Caller, number][]) {
        const response = await requestJson(context.testApp, 'GET', path, { token: context.tokens[caller] });
        expect({ path, caller, status: response.status }).toEqual({ path, caller, status });
      }
    }
  });

  it('the signing keys are public whatever the credential', async () => {
    expect((await requestJson(context.testApp, 'GET', '/.well-known/jwks.json')).status).toBe(200);
  });

  it('only admins may release a period', async () => {
    const expected: Record<Caller, number> = { anonymous: 401, invalid: 401, ingest: 403, researcher: 403, privacy_officer: 403, admin: 409 };
    for (const [caller, status] of Object.entries(expected) as [Caller, number][]) {
      const response = await requestJson(context.testApp, 'POST', '/v1/admin/releases', { token: context.tokens[caller], body: { period: '2026-W48' } });
      expect({ caller, status: response.status }).toEqual({ caller, status });
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('release files cannot be used to script the service origin', async () => {
    const id = context.published.releases[0]!.id;
    const response = await context.testApp.app.request(`/v1/releases/${id}/data.json`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });
});

describe('researcher API access when datasets are not public', () => {
  let context: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    context = await setUp(false);
  });
  afterAll(() => context.testApp.dispose());

  it('requires a researcher, privacy officer or admin key', async () => {
    const expected: Record<Caller, number> = { anonymous: 401, invalid: 401, ingest: 403, researcher: 200, privacy_officer: 200, admin: 200 };
    for (const path of readPaths(context.published)) {
      for (const [caller, status] of Object.entries(expected) as [Caller, number][]) {
        const response = await requestJson(context.testApp, 'GET', path, { token: context.tokens[caller] });
        expect({ path, caller, status: response.status }).toEqual({ path, caller, status });
        if (status !== 200) expect(response.headers.get('content-type')).toBe('application/problem+json');
      }
    }
  });

  it('files are cached privately, never by shared caches', async () => {
    const id = context.published.releases[0]!.id;
    const response = await requestJson(context.testApp, 'GET', `/v1/releases/${id}/data.csv`, { token: context.tokens.researcher });
    expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(response.headers.get('vary')).toMatch(/Authorization/i);
  });

  it('the signing keys stay public so anyone holding a file can verify it', async () => {
    expect((await requestJson(context.testApp, 'GET', '/.well-known/jwks.json')).status).toBe(200);
  });
});
