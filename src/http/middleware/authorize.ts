/**
 * Bearer authentication and role checks. Each route group admits only the roles that need it:
 * ingest tokens reach only the ingest endpoint; API keys reach only their role's routes.
 */
import { createMiddleware } from 'hono/factory';
import type { ApiRole, Principal } from '../../auth/principal';
import { AppError } from '../../errors';
import { authenticate } from '../../registry/registry-service';
import type { AppEnv } from '../app-env';

export type Admission = ApiRole | 'ingest';

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+([A-Za-z0-9._~+/=-]{16,512})\s*$/i.exec(header);
  return match?.[1];
}

export function admits(principal: Principal, admissions: readonly Admission[]): boolean {
  return principal.kind === 'instance' ? admissions.includes('ingest') : admissions.includes(principal.role);
}

/** Resolves the caller; 401 when no valid credential, 403 when its role is not admitted. */
export function requireRole(...admissions: Admission[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    const principal = token ? await authenticate(c.var.deps, token) : undefined;
    if (!principal) {
      throw new AppError('unauthenticated', 'Send a valid, unrevoked token as "Authorization: Bearer <token>".', {}, {
        'www-authenticate': 'Bearer realm="telemetry-aggregator"',
      });
    }
    if (!admits(principal, admissions)) {
      throw new AppError('forbidden', `This route requires one of: ${admissions.join(', ')}.`);
    }
    c.set('principal', principal);
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
