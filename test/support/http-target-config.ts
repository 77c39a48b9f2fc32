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
 * that let a few dozen test organizations publish.
 */
export const CONTRACT_ENVIRONMENT: Readonly<Record<string, string>> = {
  APP_ENV: 'test',
  PERIOD: 'week',
  PERIOD_BUDGET_RHO: '40',
  YEARLY_BUDGET_RHO: String(40 * 53),
  K_ANONYMITY: '3',
};

