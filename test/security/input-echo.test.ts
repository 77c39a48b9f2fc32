/**
 * What a request submits in its path or headers never comes back: prototype property names are not
 * resources, a client-chosen request id is adopted only when it is a UUID, and a problem's
 * `instance` is the route pattern, not the raw path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../support/test-app';

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const CANARY = 'CANARYe41b';

describe('lookups by a path segment', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(() => testApp.dispose());

  it('answers 404 for every Object.prototype property name', async () => {
    expect(PROTOTYPE_NAMES).toContain('__proto__');
    const templates = [
      '/schemas/{}',
      '/problems/{}',
      '/console/assets/{}',
      '/v1/datasets/{}',
      '/v1/datasets/{}/releases',
      '/v1/releases/{}',
      '/v1/signing-keys/{}',
    ];
    for (const name of PROTOTYPE_NAMES) {
      for (const template of templates) {
        const path = template.replace('{}', name);
        const response = await testApp.app.request(path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        // A malformed segment may fail validation (400) first; what matters is that none answers 200.
        expect([400, 404], `${path} answered ${response.status}`).toContain(response.status);
        const text = await response.text();
        expect(text).not.toContain('[native code]');
      }
    }
  });
});

describe('request ids and problem instances', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(() => testApp.dispose());

  it('never echoes a canary sent in the path or in X-Request-Id, in bodies, headers or logs', async () => {
    const paths = [
      `/${CANARY}`,
      `/v1/datasets/${CANARY}`,
      `/v1/releases/${CANARY}`,
      `/v1/releases/00000000-0000-4000-8000-000000000001/${CANARY}`,
      `/v1/orgs/${CANARY}/consent`,
      `/v1/admin/orgs/${CANARY}/instances`,
      `/v1/admin/keys/${CANARY}`,
      `/v1/signing-keys/${CANARY}.pem`,
      `/problems/${CANARY}`,
      `/schemas/${CANARY}`,
    ];
    for (const path of paths) {
      for (const method of ['GET', 'DELETE', 'POST']) {
        const response = await testApp.app.request(path, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-request-id': `${CANARY}-request`, 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: '{}' } : {}),
        });
        const text = await response.text();
        expect(text, `${method} ${path}`).not.toContain(CANARY);
        expect([...response.headers.values()].join('\n'), `${method} ${path} headers`).not.toContain(CANARY);
        if (response.headers.get('content-type')?.includes('problem+json')) {
          const problem = JSON.parse(text) as { instance?: string; requestId?: string };
          expect(problem.requestId).toMatch(/^[0-9a-f-]{36}$/);
          if (problem.instance !== undefined) expect(problem.instance).not.toContain(CANARY);
        }
      }
    }
    expect(testApp.logLines.join('\n')).not.toContain(CANARY);
  });

  it('uses the route pattern as the problem instance', async () => {
    const response = await testApp.app.request('/v1/admin/orgs/8c1b0c53-0f6b-4bf5-9a3c-7c1c6f1b2a10/instances', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { instance: string }).instance).toBe('/v1/admin/orgs/:orgId/instances');
  });

  it('adopts a client request id only when it is a UUID', async () => {
    const uuid = '3f2c8a4e-1b7d-4c9e-8a5f-0d6e2b9c7a41';
    const adopted = await testApp.app.request('/v1/no-such-route', { headers: { 'x-request-id': uuid } });
    expect(adopted.headers.get('x-request-id')).toBe(uuid);
    expect(((await adopted.json()) as { requestId: string }).requestId).toBe(uuid);
    const replaced = await testApp.app.request('/v1/no-such-route', { headers: { 'x-request-id': 'abc_def-123' } });
    expect(replaced.headers.get('x-request-id')).not.toBe('abc_def-123');
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
