/** Unknown routes, bad credentials and an unready store, answered as problem+json. */
import { describe, expect, it } from 'vitest';
import { expectProblem } from '../support/http-expectations';
import { HTTP_TARGETS, useHttpTarget } from '../support/http-target';
import { createTestApp, requestJson } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';

describe.each(HTTP_TARGETS)('system errors on %s', (targetName) => {
  const target = useHttpTarget(targetName);

  it('renders unknown routes and bad credentials as problem+json', async () => {
    const { client } = target();
    expectProblem(await requestJson(client, 'GET', '/no/such/route'), 404, 'not-found');
    expectProblem(await requestJson(client, 'GET', '/v1/admin/orgs'), 401, 'unauthenticated');
    expectProblem(await requestJson(client, 'GET', '/v1/admin/orgs', { token: 'tagg_adm_not-a-real-token' }), 401, 'unauthenticated');
  });
});

describe.each(TEST_DIALECTS)('readiness on %s', (dialect) => {
  it('readyz reports 503 when the database is gone', async () => {
    const testApp = await createTestApp({ dialect });
    await testApp.deps.database.close();
    const response = await requestJson(testApp, 'GET', '/readyz');
    expectProblem(response, 503, 'not-ready');
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
