/**
 * Expectations every HTTP suite shares: the problem+json shape, and the role matrix (which
 * principal reaches which route), so no suite restates them by hand.
 */
import { expect } from 'vitest';
import type { Admission } from '../../src/http/middleware/authorize';
import { registerConsentingOrg } from './fixtures';
import { ADMIN_TOKEN, requestJson, type TestApp } from './test-app';

type JsonResponse = { status: number; headers: Headers; json: unknown };

/** An RFC 9457 problem with the service's stable `type` for `code`, a title, a detail and a request id. */
export function expectProblem(response: JsonResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ type: `/problems/${code}`, status });
  const problem = response.json as { title?: unknown; detail?: unknown; requestId?: unknown };
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  expect(problem.requestId).toMatch(/^[0-9a-f-]{36}$/);
}

export type Principal = 'anonymous' | Admission;
export const PRINCIPALS: readonly Principal[] = ['anonymous', 'admin', 'privacy_officer', 'researcher', 'ingest'];

/** One bearer token per principal (none for anonymous), issued through the admin API. */
export async function issuePrincipalTokens(client: Pick<TestApp, 'app'>): Promise<Record<Principal, string | undefined> & { orgId: string }> {
  const issue = async (role: 'privacy_officer' | 'researcher') => {
    const response = await requestJson(client, 'POST', '/v1/admin/keys', { token: ADMIN_TOKEN, body: { role, label: `matrix ${role}` } });
    expect(response.status).toBe(201);
    return response.json.token as string;
  };
  const org = await registerConsentingOrg(client, { name: 'Role Matrix Org' });
  return {
    anonymous: undefined,
    admin: ADMIN_TOKEN,
    privacy_officer: await issue('privacy_officer'),
    researcher: await issue('researcher'),
    ingest: org.ingestToken,
    orgId: org.orgId,
  };
}

export interface RouteAdmission {
  method: string;
  path: (orgId: string) => string;
  body?: unknown;
  /** The principals the route admits; everyone else gets 403 (or 401 when anonymous). */
  admits: readonly Admission[];
}

/** Ids that exist nowhere: routes that change state are probed on them, so a permitted call changes nothing. */
const UNKNOWN_ID = '00000000-0000-4000-8000-00000000dead';

/**
 * Who may call what (researchers read published datasets only; with DATASETS_PUBLIC they are open).
 * Keep in step with the `requireRole` middleware of each route.
 */
export const ROLE_MATRIX: readonly RouteAdmission[] = [
  { method: 'GET', path: () => '/v1/admin/orgs', admits: ['admin', 'privacy_officer'] },
  { method: 'POST', path: () => '/v1/admin/orgs', body: {}, admits: ['admin'] },
  { method: 'GET', path: (org) => `/v1/admin/orgs/${org}/instances`, admits: ['admin'] },
  { method: 'POST', path: () => `/v1/admin/orgs/${UNKNOWN_ID}/instances`, body: { label: 'x' }, admits: ['admin'] },
  { method: 'DELETE', path: (org) => `/v1/admin/orgs/${org}/instances/${UNKNOWN_ID}`, admits: ['admin'] },
  { method: 'GET', path: () => '/v1/admin/keys', admits: ['admin'] },
  { method: 'POST', path: () => '/v1/admin/keys', body: { role: 'nobody' }, admits: ['admin'] },
  { method: 'DELETE', path: () => `/v1/admin/keys/${UNKNOWN_ID}`, admits: ['admin'] },
  { method: 'POST', path: () => '/v1/admin/releases', body: { period: '1999-W01' }, admits: ['admin'] },
  { method: 'GET', path: () => '/v1/audit', admits: ['admin', 'privacy_officer'] },
  { method: 'GET', path: () => '/v1/audit/verify', admits: ['admin', 'privacy_officer'] },
  { method: 'GET', path: () => '/v1/reports/budget', admits: ['admin', 'privacy_officer'] },
  { method: 'GET', path: () => '/v1/reports/budget/organizations', admits: ['admin', 'privacy_officer'] },
  { method: 'GET', path: () => '/v1/reports/erasures', admits: ['admin', 'privacy_officer'] },
  { method: 'GET', path: () => '/v1/reports/consent', admits: ['admin', 'privacy_officer'] },
  { method: 'GET', path: () => '/v1/reports/plan?orgs=300', admits: ['privacy_officer'] },
  { method: 'GET', path: (org) => `/v1/orgs/${org}/consent`, admits: ['admin', 'privacy_officer'] },
  { method: 'PUT', path: () => `/v1/orgs/${UNKNOWN_ID}/consent`, body: {}, admits: ['admin', 'privacy_officer'] },
  { method: 'DELETE', path: () => `/v1/orgs/${UNKNOWN_ID}/consent`, body: {}, admits: ['admin', 'privacy_officer'] },
  { method: 'GET', path: (org) => `/v1/orgs/${org}/consent/${UNKNOWN_ID}/receipt`, admits: ['admin', 'privacy_officer'] },
  { method: 'POST', path: () => `/v1/orgs/${UNKNOWN_ID}/erasure`, body: {}, admits: ['admin', 'privacy_officer'] },
  { method: 'GET', path: () => '/v1/datasets', admits: ['admin', 'privacy_officer', 'researcher'] },
  { method: 'POST', path: () => '/v1/telemetry/batches', body: { schemaVersion: 1, events: [] }, admits: ['ingest'] },
];

/**
 * Calls every route of ROLE_MATRIX as every principal: anonymous callers get 401 (unless the route
 * is open), principals the route does not admit 403 `forbidden`, and admitted ones anything but 401/403.
 */
export async function expectRoleMatrix(client: Pick<TestApp, 'app'>, options: { datasetsPublic: boolean }): Promise<void> {
  const tokens = await issuePrincipalTokens(client);
  for (const route of ROLE_MATRIX) {
    const path = route.path(tokens.orgId);
    const isOpen = options.datasetsPublic && route.path('') === '/v1/datasets';
    for (const principal of PRINCIPALS) {
      const response = await requestJson(client, route.method, path, { token: tokens[principal], body: route.body });
      const label = `${route.method} ${path} as ${principal}`;
      // An open route admits anonymous callers; a presented credential must still be one the route admits.
      const admitted = principal === 'anonymous' ? isOpen : route.admits.includes(principal);
      if (admitted) {
        expect([401, 403], label).not.toContain(response.status);
      } else if (principal === 'anonymous') {
        expect(response.status, label).toBe(401);
        expect(response.json?.type, label).toBe('/problems/unauthenticated');
      } else {
        expect(response.status, label).toBe(403);
        expect(response.json?.type, label).toBe('/problems/forbidden');
      }
    }
  }
}
