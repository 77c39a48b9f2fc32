/**
 * Rate limits, in memory. Each process (or Workers isolate) keeps its own, so with N processes the
 * effective limit is up to N times the setting; the README says so. The clock is injected so tests
 * can drain and refill buckets deterministically.
 *
 * Three kinds:
 * - token buckets per authenticated principal (API key or instance), charged after authentication,
 *   so a credential's bucket can be reached only by that credential;
 * - token buckets per client address for failed authentications, checked before the token is looked
 *   up, so guessing tokens is slow and cheap to refuse;
 * - an in-flight bound for the public, unauthenticated pages and artefacts (concurrency-limit.ts).
 * The tracked keys live in a bounded least-recently-used map: a flood of new keys evicts the
 * stalest entries one by one and never clears the others.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Clock } from '../../deps';
import { AppError } from '../../errors';
import type { AppEnv } from '../app-env';

/** A Map bounded to `capacity` entries that evicts the least recently used one (get and set both count as use). */
export class LruMap<K, V> {
  readonly #entries = new Map<K, V>();
  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }
  get size(): number {
    return this.#entries.size;
  }
  has(key: K): boolean {
    return this.#entries.has(key);
  }
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    // Map keeps insertion order: re-inserting moves the key to the most recent end.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as K;
      this.#entries.delete(oldest);
    }
  }
  keys(): K[] {
    return [...this.#entries.keys()];
  }
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Token buckets of `perMinute` tokens each, refilled continuously, keyed by whatever the caller chooses. */
export class TokenBuckets {
  readonly #buckets: LruMap<string, Bucket>;
  readonly #refillPerMs: number;
  constructor(
    private readonly clock: Clock,
    readonly perMinute: number,
    capacity: number,
  ) {
    this.#buckets = new LruMap(capacity);
    this.#refillPerMs = perMinute / 60_000;
  }

  #current(key: string): Bucket {
    const now = this.clock.now().getTime();
    const bucket = this.#buckets.get(key) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + Math.max(0, now - bucket.updatedAt) * this.#refillPerMs);
    bucket.updatedAt = now;
    return bucket;
  }

  /** Seconds until one token is available, or 0 when one is available now. Charges nothing. */
  waitSeconds(key: string): number {
    const bucket = this.#current(key);
    if (bucket.tokens >= 1) return 0;
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#refillPerMs / 1000));
  }

  /** Takes one token; returns the seconds to wait instead when none is left. */
  take(key: string): number {
    const bucket = this.#current(key);
    const wait = bucket.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.#refillPerMs / 1000));
    if (wait === 0) bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
    return wait;
  }

  get trackedKeys(): number {
    return this.#buckets.size;
  }
}

/** Principals tracked per process; only valid credentials create entries, so this bounds memory, not fairness. */
const MAX_TRACKED_PRINCIPALS = 100_000;
/** Client addresses tracked for failed authentications. */
export const MAX_TRACKED_FAILING_CLIENTS = 50_000;

function rateLimited(detail: string, retryAfterSeconds: number): AppError {
  return new AppError('rate-limited', detail, { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
}

/** Limits requests per key; requests whose key is undefined pass (they are limited elsewhere). */
export function createRateLimiter(options: {
  clock: Clock;
  perMinute: number;
  keyOf: (c: Context<AppEnv>) => string | undefined;
}) {
  const buckets = new TokenBuckets(options.clock, options.perMinute, MAX_TRACKED_PRINCIPALS);
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = options.keyOf(c);
    if (key === undefined) return next();
    const wait = buckets.take(key);
    if (wait > 0) {
      throw rateLimited(`Rate limit of ${options.perMinute} requests per minute exceeded for this credential. Retry in ${wait} s.`, wait);
    }
    await next();
  });
}

/** The bucket key of the authenticated caller: its API key or instance id, never a token. */
export function principalKey(c: Context<AppEnv>): string | undefined {
  const principal = c.get('principal');
  if (!principal) return undefined;
  return principal.kind === 'instance' ? `instance:${principal.instanceId}` : `key:${principal.keyId}`;
}

/**
 * Failed authentications per client address. `assertAllowed` runs before a presented token is
 * looked up; `recordFailure` after a lookup failed. Successful requests cost nothing here.
 */
export class AuthenticationFailureLimiter {
  readonly #buckets: TokenBuckets;
  constructor(clock: Clock, readonly perMinute: number, capacity = MAX_TRACKED_FAILING_CLIENTS) {
    this.#buckets = new TokenBuckets(clock, perMinute, capacity);
  }
  assertAllowed(client: string): void {
    const wait = this.#buckets.waitSeconds(client);
    if (wait > 0) {
      throw rateLimited(
        `Too many failed authentications from this client (limit ${this.perMinute} per minute). Check the token, then retry in ${wait} s.`,
        wait,
      );
    }
  }
  recordFailure(client: string): void {
    this.#buckets.take(client);
  }
  get trackedClients(): number {
    return this.#buckets.trackedKeys;
  }
}
