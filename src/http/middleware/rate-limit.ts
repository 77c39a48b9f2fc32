/**
 * Token-bucket rate limiting, in memory, keyed by credential. Each process (or Workers isolate)
 * keeps its own buckets, so with N processes the effective limit is up to N times the setting;
 * the README says so. The clock is injected so tests can drain and refill buckets deterministically.
 */
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import type { Clock } from '../../deps';
import { AppError } from '../../errors';
import type { AppEnv } from '../app-env';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const MAX_TRACKED_KEYS = 50_000;

export function createRateLimiter(options: {
  clock: Clock;
  perMinute: number;
  keyOf: (c: Context<AppEnv>) => string | undefined;
}) {
  const buckets = new Map<string, Bucket>();
  const refillPerMs = options.perMinute / 60_000;
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = options.keyOf(c);
    if (key === undefined) return next();
    const now = options.clock.now().getTime();
    const bucket = buckets.get(key) ?? { tokens: options.perMinute, updatedAt: now };
    bucket.tokens = Math.min(options.perMinute, bucket.tokens + (now - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
      buckets.set(key, bucket);
      throw new AppError(
        'rate-limited',
        `Rate limit of ${options.perMinute} requests per minute exceeded for this credential.`,
        { retryAfterSeconds },
        { 'retry-after': String(retryAfterSeconds) },
      );
    }
    bucket.tokens -= 1;
    if (buckets.size >= MAX_TRACKED_KEYS && !buckets.has(key)) buckets.clear();
    buckets.set(key, bucket);
    await next();
  });
}

export function principalKey(c: Context<AppEnv>): string | undefined {
  const principal = c.get('principal');
  if (!principal) return undefined;
  return principal.kind === 'instance' ? `instance:${principal.instanceId}` : `key:${principal.keyId}`;
}
