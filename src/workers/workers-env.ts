/** The bindings wrangler.toml gives the Worker: the D1 database, plus vars and secrets as strings. */
import type { D1Database } from '@cloudflare/workers-types';

export interface WorkersEnv {
  DB: D1Database;
  /** [vars] and secrets; names and meanings as in src/config.ts. */
  [name: string]: unknown;
}

/** The string-valued bindings (vars and secrets), in the shape parseEnvironment reads. */
export function stringBindings(env: WorkersEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The subset of the Workers ExecutionContext the entry point uses (Hono accepts it as is). */
export interface WorkersExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  readonly props: unknown;
}

/** The subset of the Workers ScheduledController the entry point uses. */
export interface WorkersScheduledController {
  readonly cron: string;
  readonly scheduledTime: number;
}
