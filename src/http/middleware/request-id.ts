/**
 * The request id: a fresh UUID, or the caller's `X-Request-Id` only when it is a UUID. A free-form
 * client value would land verbatim in logs and problem bodies, so anything else is replaced.
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requestId(generate: () => string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const offered = c.req.header('x-request-id');
    const id = offered !== undefined && UUID.test(offered) ? offered.toLowerCase() : generate();
    c.set('requestId', id);
    await next();
    c.res.headers.set('x-request-id', id);
  });
}
