/**
 * Configuration, parsed once at the entry point. The app receives the parsed object; nothing deeper
 * reads process.env or Workers bindings. A bad value stops start-up with the variable's name.
 *
 * It sits just above the pure period and privacy modules because the privacy budget per period is
 * derived here from the yearly budget and the period kind, with their exact arithmetic.
 */
import { z } from 'zod';
import { maxPeriodsPerYear, PERIOD_GRANULARITIES, type PeriodGranularity } from './periods/period';
import { splitBudget } from './privacy';

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
  /**
   * SQLite only. `normal` (WAL): a killed process loses nothing acknowledged, a power failure may
   * lose the last acknowledged transactions; `full` syncs the WAL on every commit so acknowledged
   * batches survive power loss too, at an ingest cost (docs/deployment.md, docs/benchmarks.md).
   */
  SQLITE_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  BOOTSTRAP_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  PSEUDONYM_KEY: z.string().optional(),
  SIGNING_KEY: z.string().optional(),
  PERIOD: z.enum(PERIOD_GRANULARITIES).default('quarter'),
  GRACE_HOURS: z.coerce.number().min(0).max(24 * 60).default(48),
  /**
   * How long a replay guard (one per accepted event) is kept. Events whose event time is older are
   * rejected as `outside_dedup_window`, so a guard is never needed after it; the release job purges
   * older guards, and storage grows with the window rather than the period.
   */
  DEDUP_WINDOW_HOURS: z.coerce.number().int().min(1).max(24 * 400).default(72),
  MAX_EVENTS_PER_BATCH: z.coerce.number().int().min(1).max(10_000).default(1000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(5 * 1024 * 1024),
  INGEST_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  API_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /** Failed authentications per minute per client address before its tokens are no longer looked up. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** Requests the public dataset routes and the consoles serve at once; more answer 503 with Retry-After. */
  /**
   * Days after a period ends that the exact per-organization ingest tallies are kept (for the consent
   * report); then the release job's retention step deletes them. Default: a year of periods, the
   * span the privacy reports look back over, plus a margin for late reports.
   */
  TALLY_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(400),
  PUBLIC_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(32),
  DATASETS_PUBLIC: booleanString.default(true),
  RELEASE_LICENSE: z.string().min(1).default('CC-BY-4.0'),
  /**
   * zCDP rho each organization may lose over any 12 months: the cap the release job enforces. The
   * budget per period is derived from it (YEARLY_BUDGET_RHO / maxPeriodsPerYear(PERIOD), rounded down).
   */
  YEARLY_BUDGET_RHO: z.coerce.number().positive().max(100_000).default(1),
  /** Optional override of the derived rho per period (shared across datasets by budgetShare); never above it. */
  PERIOD_BUDGET_RHO: z.coerce.number().positive().max(100_000).optional(),
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
  /** Replay guards live this long; older events are rejected as `outside_dedup_window` (DEDUP_WINDOW_HOURS). */
  dedupWindowMs: number;
  /** Events more than this far ahead of the server clock are rejected as `in_future`. */
  maxClockSkewMs: number;
  maxEventsPerBatch: number;
  maxBodyBytes: number;
  ingestRatePerMinute: number;
  apiRatePerMinute: number;
  authFailuresPerMinute: number;
  publicMaxInFlight: number;
  tallyRetentionDays: number;
  datasetsPublic: boolean;
  releaseLicense: string;
  /** The cap on any organization's zCDP loss over any 12 months (YEARLY_BUDGET_RHO). */
  yearlyBudgetRho: number;
  /** rho per period, spent by each release: derived from the yearly budget, or PERIOD_BUDGET_RHO when set (never above the derived value). */
  periodBudgetRho: number;
  periodBudgetSource: 'derived' | 'PERIOD_BUDGET_RHO';
  kAnonymity: number;
  selectionDelta: number;
  publicBaseUrl: string | undefined;
  controllerName: string;
  controllerContact: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The most rho one period may spend so that the periods starting in any 12 months stay within the
 * yearly budget: rho_year / maxPeriodsPerYear, rounded down (an equal split that never sums above
 * the cap, even when added up in floating point).
 */
export function periodBudgetRhoCap(yearlyBudgetRho: number, period: PeriodGranularity): number {
  const shares = splitBudget(yearlyBudgetRho, new Array<number>(maxPeriodsPerYear(period)).fill(1));
  return Math.min(...shares);
}

/** Parses environment variables; throws ConfigError naming every bad variable. */
export function parseEnvironment(env: Record<string, string | undefined>): Environment {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  assertYearlyBudgetRespected(parsed.data);
  return parsed.data;
}

/** A per-period budget that would let the periods of some 12 months spend more than the yearly cap stops start-up. */
function assertYearlyBudgetRespected(env: Environment): void {
  if (env.PERIOD_BUDGET_RHO === undefined) return;
  const cap = periodBudgetRhoCap(env.YEARLY_BUDGET_RHO, env.PERIOD);
  if (env.PERIOD_BUDGET_RHO <= cap) return;
  const periods = maxPeriodsPerYear(env.PERIOD);
  throw new ConfigError(
    `invalid configuration: PERIOD_BUDGET_RHO: ${env.PERIOD_BUDGET_RHO} per ${env.PERIOD} would let the ${periods} periods that can start ` +
      `in 12 months spend more than YEARLY_BUDGET_RHO=${env.YEARLY_BUDGET_RHO}; with PERIOD=${env.PERIOD} it may be at most ${cap}. ` +
      'Lower PERIOD_BUDGET_RHO, unset it to derive it from YEARLY_BUDGET_RHO, raise YEARLY_BUDGET_RHO, or choose a longer PERIOD.',
  );
}

export function appConfigFrom(env: Environment): AppConfig {
  assertYearlyBudgetRespected(env);
  return {
    environment: env.APP_ENV,
    period: env.PERIOD,
    graceWindowMs: env.GRACE_HOURS * 3600_000,
    dedupWindowMs: env.DEDUP_WINDOW_HOURS * 3600_000,
    maxClockSkewMs: 5 * 60_000,
    maxEventsPerBatch: env.MAX_EVENTS_PER_BATCH,
    maxBodyBytes: env.MAX_BODY_BYTES,
    ingestRatePerMinute: env.INGEST_RATE_PER_MINUTE,
    apiRatePerMinute: env.API_RATE_PER_MINUTE,
    authFailuresPerMinute: env.AUTH_FAILURES_PER_MINUTE,
    publicMaxInFlight: env.PUBLIC_MAX_IN_FLIGHT,
    tallyRetentionDays: env.TALLY_RETENTION_DAYS,
    datasetsPublic: env.DATASETS_PUBLIC,
    releaseLicense: env.RELEASE_LICENSE,
    yearlyBudgetRho: env.YEARLY_BUDGET_RHO,
    periodBudgetRho: env.PERIOD_BUDGET_RHO ?? periodBudgetRhoCap(env.YEARLY_BUDGET_RHO, env.PERIOD),
    periodBudgetSource: env.PERIOD_BUDGET_RHO === undefined ? 'derived' : 'PERIOD_BUDGET_RHO',
    kAnonymity: env.K_ANONYMITY,
    selectionDelta: env.SELECTION_DELTA,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    controllerName: env.CONTROLLER_NAME,
    controllerContact: env.CONTROLLER_CONTACT,
  };
}
