/**
 * Which HTTP targets the contract suites run over, and the configuration every target runs with.
 * Kept apart from http-target.ts so the global set-up can read it without test hooks.
 */
import { TEST_DIALECTS } from './test-database';

export type HttpTargetName = 'sqlite' | 'postgres' | 'workers';

const ALL_TARGETS: readonly HttpTargetName[] = [...TEST_DIALECTS, 'workers'];
export const HTTP_TARGETS: readonly HttpTargetName[] = process.env.TEST_HTTP_TARGETS
  ? ALL_TARGETS.filter((name) => process.env.TEST_HTTP_TARGETS?.split(',').includes(name))
  : ALL_TARGETS;

/**
 * The configuration every target runs with. As in test/releases: weekly periods, and a budget and k
 * that let a few dozen test organizations publish. The ingest rate is lower than the default (600)
 * so the rate-limit contract (test/http/ingest.error) spends a bucket in a second on the Worker, and
 * still well above what any contract test sends from one instance.
 */
export const CONTRACT_ENVIRONMENT: Readonly<Record<string, string>> = {
  APP_ENV: 'test',
  PERIOD: 'week',
  PERIOD_BUDGET_RHO: '40',
  YEARLY_BUDGET_RHO: String(40 * 53),
  K_ANONYMITY: '3',
  INGEST_RATE_PER_MINUTE: '120',
};

