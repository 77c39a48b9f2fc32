/** The admin registry's refusals, over every HTTP target: each a problem+json with its stable type. */
import { describe, expect, it } from 'vitest';
import { expectProblem } from '../support/http-expectations';
import { HTTP_TARGETS, useHttpTarget } from '../support/http-target';
import { ADMIN_TOKEN, requestJson } from '../support/test-app';

const newOrg = { name: 'Acme Research', sector: 'research', sizeBand: '50-249', country: 'FR' };

describe.each(HTTP_TARGETS)('admin registry errors on %s', (targetName) => {
  const target = useHttpTarget(targetName);

  it('400 with the failing fields for an invalid organization', async () => {
    const response = await requestJson(target().client, 'POST', '/v1/admin/orgs', {
      token: ADMIN_TOKEN,
      body: { ...newOrg, sector: 'piracy', country: 'XX' },
    });
    expectProblem(response, 400, 'invalid-request');
    expect(response.json.errors.map((error: { path: string }) => error.path).sort()).toEqual(['country', 'sector']);
  });

  it('400 for a malformed id and 404 for an unknown organization, instance or key', async () => {
    const { client } = target();
    expectProblem(await requestJson(client, 'GET', '/v1/admin/orgs/not-a-uuid/instances', { token: ADMIN_TOKEN }), 400, 'invalid-request');
    const unknown = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    expectProblem(
      await requestJson(client, 'POST', `/v1/admin/orgs/${unknown}/instances`, { token: ADMIN_TOKEN, body: { label: 'x' } }),
      404,
      'not-found',
    );
    expectProblem(await requestJson(client, 'DELETE', `/v1/admin/keys/${unknown}`, { token: ADMIN_TOKEN }), 404, 'not-found');
  });

  it('400 for a role that does not exist, 413 for an oversized JSON body', async () => {
    const { client } = target();
    expectProblem(await requestJson(client, 'POST', '/v1/admin/keys', { token: ADMIN_TOKEN, body: { role: 'root', label: 'x' } }), 400, 'invalid-request');
    const huge = await requestJson(client, 'POST', '/v1/admin/orgs', { token: ADMIN_TOKEN, body: { ...newOrg, name: 'x'.repeat(100_000) } });
    expectProblem(huge, 413, 'payload-too-large');
  });
});
