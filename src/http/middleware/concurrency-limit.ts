/**
 * A bound on the requests served at once. The public dataset routes and the consoles need no
 * credential, so no per-credential bucket can limit them; this bound keeps a flood of them from
 * taking every connection and the store's attention from ingest. Past the bound: 503 with
 * Retry-After, at once, without touching the store.
 */
import { createMiddleware } from 'hono/factory';
import { AppError } from '../../errors';
import type { AppEnv } from '../app-env';

const RETRY_AFTER_SECONDS = 1;

export function createConcurrencyLimit(options: { maxInFlight: number; applies: (path: string) => boolean }) {
  let inFlight = 0;
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!options.applies(c.req.path)) return next();
    if (inFlight >= options.maxInFlight) {
      throw new AppError(
        'at-capacity',
        `This process is serving ${options.maxInFlight} public requests already. Retry after ${RETRY_AFTER_SECONDS} s.`,
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
        { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
    }
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
    }
  });
}
