/** Health, readiness, the OpenAPI document, its reference page, problem pages and schemas, on every HTTP target. */
import { describe, expect, it } from 'vitest';
import { HTTP_TARGETS, useHttpTarget } from '../support/http-target';
import { requestJson } from '../support/test-app';

const DATABASE_OF_TARGET = { sqlite: 'sqlite', postgres: 'postgres', workers: 'd1' } as const;

describe.each(HTTP_TARGETS)('system routes on %s', (targetName) => {
  const target = useHttpTarget(targetName);

  it('healthz is live, and readyz names the database with its migrations applied', async () => {
    const { client } = target();
    expect((await requestJson(client, 'GET', '/healthz')).json).toEqual({ status: 'ok' });
    const ready = await requestJson(client, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready', database: DATABASE_OF_TARGET[targetName] });
  });

  it('serves the OpenAPI 3.1 document, its reference page without external scripts, problem pages and JSON Schemas', async () => {
    const { client } = target();
    const openapi = await requestJson(client, 'GET', '/openapi.json');
    expect(openapi.json.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.json.paths)).toEqual(
      expect.arrayContaining(['/v1/telemetry/batches', '/v1/admin/orgs', '/v1/orgs/{orgId}/consent', '/healthz', '/readyz']),
    );
    expect(openapi.json.paths['/v1/telemetry/batches'].post.requestBody.content['application/json'].schema).toBeDefined();
    const docs = await client.app.request('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(await docs.text()).not.toMatch(/<script[^>]+src="https?:/);
    const problem = await client.app.request('/problems/consent-required');
    expect(problem.status).toBe(200);
    expect(await problem.text()).toContain('403');
    const schema = await requestJson(client, 'GET', '/schemas/telemetry-batch.schema.json');
    expect(schema.json.$id).toBe('/schemas/telemetry-batch.schema.json');
  });
});
