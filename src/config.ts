/**
 * Configuration, parsed once at the entry point. The app receives the parsed object; nothing deeper
 * reads process.env or Workers bindings. A bad value stops start-up with the variable's name.
 */
import { z } from 'zod';

const booleanString = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

export const environmentSchema = z.object({
  APP_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  /** Listen address: loopback by default; `0.0.0.0` (or `::`) in a container, where the port is published from outside. */
  HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:_-]{1,253}$/, 'must be an IP address or host name')
    .default('127.0.0.1'),
  /** How long SIGTERM/SIGINT wait for in-flight requests and a running release before the process exits anyway. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().min(0).max(600).default(8),
  DATABASE_URL: z.string().min(1).default('file:./data/telemetry.sqlite'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** PostgreSQL only: the schema holding the tables (default: the connection's search path, usually public). */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  BOOTSTRAP_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  PSEUDONYM_KEY: z.string().optional(),
  SIGNING_KEY: z.string().optional(),
  PERIOD: z.enum(['day', 'week', 'month']).default('week'),
  GRACE_HOURS: z.coerce.number().min(0).max(24 * 60).default(48),
  MAX_EVENTS_PER_BATCH: z.coerce.number().int().min(1).max(10_000).default(1000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(5 * 1024 * 1024),
  INGEST_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  API_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  DATASETS_PUBLIC: booleanString.default(true),
  RELEASE_LICENSE: z.string().min(1).default('CC-BY-4.0'),
  /** zCDP rho spent per period, shared across datasets by their budgetShare. */
  PERIOD_BUDGET_RHO: z.coerce.number().positive().max(100).default(0.1),
  /** Minimum distinct organizations per published cell (a dataset spec may ask for more). */
  K_ANONYMITY: z.coerce.number().int().min(2).max(10_000).default(10),
  /** delta spent on private key selection per period, shared across datasets like rho. */
  SELECTION_DELTA: z.coerce.number().positive().max(0.001).default(1e-6),
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Named as the data controller in consent receipts. */
  CONTROLLER_NAME: z.string().min(1).max(200).default('Telemetry aggregator operator'),
  /** How to reach the controller about consent (an e-mail address or URL), printed on receipts. */
  CONTROLLER_CONTACT: z.string().min(3).max(500).optional(),
  RELEASE_SCHEDULER: booleanString.default(true),
  LOG_LEVEL: z.enum(['info', 'warn', 'error', 'silent']).default('info'),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface AppConfig {
  environment: Environment['APP_ENV'];
  period: Environment['PERIOD'];
  graceWindowMs: number;
  /** Events more than this far ahead of the server clock are rejected as `in_future`. */
  maxClockSkewMs: number;
  maxEventsPerBatch: number;
  maxBodyBytes: number;
  ingestRatePerMinute: number;
  apiRatePerMinute: number;
  datasetsPublic: boolean;
  releaseLicense: string;
  periodBudgetRho: number;
  kAnonymity: number;
  selectionDelta: number;
  publicBaseUrl: string | undefined;
  controllerName: string;
  controllerContact: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses environment variables; throws ConfigError naming every bad variable. */
export function parseEnvironment(env: Record<string, string | undefined>): Environment {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export function appConfigFrom(env: Environment): AppConfig {
  return {
    environment: env.APP_ENV,
    period: env.PERIOD,
    graceWindowMs: env.GRACE_HOURS * 3600_000,
    maxClockSkewMs: 5 * 60_000,
    maxEventsPerBatch: env.MAX_EVENTS_PER_BATCH,
    maxBodyBytes: env.MAX_BODY_BYTES,
    ingestRatePerMinute: env.INGEST_RATE_PER_MINUTE,
    apiRatePerMinute: env.API_RATE_PER_MINUTE,
    datasetsPublic: env.DATASETS_PUBLIC,
    releaseLicense: env.RELEASE_LICENSE,
    periodBudgetRho: env.PERIOD_BUDGET_RHO,
    kAnonymity: env.K_ANONYMITY,
    selectionDelta: env.SELECTION_DELTA,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    controllerName: env.CONTROLLER_NAME,
    controllerContact: env.CONTROLLER_CONTACT,
  };
}
