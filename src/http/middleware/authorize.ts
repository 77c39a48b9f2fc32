/**
 * Bearer authentication and role checks. Each route group admits only the roles that need it:
 * ingest tokens reach only the ingest endpoint; API keys reach only their role's routes.
 *
 * `authenticateBearer` runs once for every /v1 request that presents an Authorization header: a
 * client with too many recent failures is refused before its token is looked up, a failed lookup
 * is counted against its address, and a valid token sets the principal that the rate limit per
 * credential and the role checks below then use.
 */
import { createMiddleware } from 'hono/factory';
import type { ApiRole, Principal } from '../../auth/principal';
import { AppError } from '../../errors';
import { authenticate } from '../../registry/registry-service';
import type { AppEnv } from '../app-env';
import { clientAddressOf } from '../client-address';
import type { AuthenticationFailureLimiter } from './rate-limit';

export type Admission = ApiRole | 'ingest';

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+([A-Za-z0-9._~+/=-]{16,512})\s*$/i.exec(header);
  return match?.[1];
}

export function admits(principal: Principal, admissions: readonly Admission[]): boolean {
  return principal.kind === 'instance' ? admissions.includes('ingest') : admissions.includes(principal.role);
}

function unauthenticated(): AppError {
  return new AppError('unauthenticated', 'Send a valid, unrevoked token as "Authorization: Bearer <token>".', {}, {
    'www-authenticate': 'Bearer realm="telemetry-aggregator"',
  });
}

/** Resolves a presented bearer token to the principal, limiting failures per client address. */
export function authenticateBearer(failures: AuthenticationFailureLimiter) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined) return next();
    const client = clientAddressOf(c);
    failures.assertAllowed(client);
    const token = bearerToken(header);
    const principal = token ? await authenticate(c.var.deps, token) : undefined;
    if (!principal) {
      failures.recordFailure(client);
      throw unauthenticated();
    }
    c.set('principal', principal);
    await next();
  });
}

/** 401 when no valid credential was presented, 403 when its role is not admitted. */
export function requireRole(...admissions: Admission[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get('principal') as Principal | undefined;
    if (!principal) throw unauthenticated();
    if (!admits(principal, admissions)) {
      throw new AppError('forbidden', `This route requires one of: ${admissions.join(', ')}.`);
    }
    await next();
  });
}

/** Like requireRole, but lets anonymous callers through when `isOpen` says the route is public. */
export function optionalRole(isOpen: (c: { var: AppEnv['Variables'] }) => boolean, ...admissions: Admission[]) {
  const required = requireRole(...admissions);
  return createMiddleware<AppEnv>(async (c, next) => {
    if (isOpen(c) && !c.req.header('authorization')) return next();
    return required(c, next);
  });
}
