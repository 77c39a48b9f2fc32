/**
 * One structured log line per request: request id, method, route pattern (not the raw URL, whose
 * query string may carry values), status and duration. Never bodies, headers or client addresses.
 */
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { Clock, Logger } from '../../deps';
import type { AppEnv } from '../app-env';

export function requestLog(logger: Logger, clock: Clock) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = clock.now().getTime();
    await next();
    logger.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      route: routePath(c),
      status: c.res.status,
      durationMs: clock.now().getTime() - started,
    });
  });
}
