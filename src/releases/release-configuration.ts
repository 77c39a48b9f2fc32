/**
 * What researchers are told about the configuration behind the numbers: the period kind, the yearly
 * budget and what it means, the budget per period and what one period spends. The catalogue states
 * today's configuration; every signed package states the one in force when it was released, so a
 * later change of configuration never rewrites what an earlier release claimed.
 *
 * Everything here is configuration or derived from it; nothing depends on stored data (see the
 * "Public fields" section of docs/privacy-model.md).
 */
import type { AppConfig } from '../config';
import { maxPeriodsPerYear, type Period, PERIOD_ID_EXAMPLES, type PeriodGranularity } from '../periods/period';
import type { DatasetCatalogue } from './dataset-catalogue';
import { type YearlyBudgetStatement, yearlyBudgetStatement } from './yearly-budget';

export type ReleaseConfigurationDeps = Pick<
  AppConfig,
  'period' | 'graceWindowMs' | 'yearlyBudgetRho' | 'periodBudgetRho' | 'periodBudgetSource' | 'kAnonymity' | 'selectionDelta' | 'releaseLicense'
>;

/** The period kind as the catalogue states it. */
export interface PeriodKindStatement {
  kind: PeriodGranularity;
  /** An id of this kind, e.g. 2026-Q4. */
  example: string;
  /** Hours after a period ends during which late events are still accepted; it is released after them. */
  graceHours: number;
  maxPeriodsPerYear: number;
}

/** What all datasets of one period spend together. */
export interface PeriodSpendStatement {
  /** The period's budget (derived from the yearly one, or PERIOD_BUDGET_RHO). */
  rho: number;
  source: AppConfig['periodBudgetSource'];
  /** What the releases of one period charge together (at most `rho`), and its (epsilon, delta). */
  rhoCharged: number;
  epsilon: number;
  delta: number;
}

/** The configuration a signed package was released under. */
export interface ReleaseConfiguration {
  period: PeriodKindStatement & { id: string; start: string; end: string; releasableAt: string };
  yearlyBudget: YearlyBudgetStatement;
  periodBudget: PeriodSpendStatement;
  kAnonymity: number;
  selectionDelta: number;
  license: string;
}

/** When a period may be released: after it ended and its grace window for late events passed. Public: it depends on configuration only. */
export function periodReleasableAt(config: Pick<AppConfig, 'graceWindowMs'>, period: Period): Date {
  return new Date(period.end.getTime() + config.graceWindowMs);
}

export function periodKindStatement(config: Pick<AppConfig, 'period' | 'graceWindowMs'>): PeriodKindStatement {
  return {
    kind: config.period,
    example: PERIOD_ID_EXAMPLES[config.period],
    graceHours: config.graceWindowMs / 3_600_000,
    maxPeriodsPerYear: maxPeriodsPerYear(config.period),
  };
}

export function periodSpendStatement(config: Pick<AppConfig, 'periodBudgetRho' | 'periodBudgetSource'>, catalogue: DatasetCatalogue): PeriodSpendStatement {
  const { periodBudget } = catalogue;
  return {
    rho: config.periodBudgetRho,
    source: config.periodBudgetSource,
    rhoCharged: periodBudget.rhoCharged,
    epsilon: periodBudget.epsilon,
    delta: periodBudget.delta,
  };
}

export function releaseConfigurationOf(config: ReleaseConfigurationDeps, catalogue: DatasetCatalogue, period: Period): ReleaseConfiguration {
  return {
    period: {
      ...periodKindStatement(config),
      id: period.id,
      start: period.start.toISOString(),
      end: period.end.toISOString(),
      releasableAt: periodReleasableAt(config, period).toISOString(),
    },
    yearlyBudget: yearlyBudgetStatement(config, catalogue.periodBudget.selectionDelta),
    periodBudget: periodSpendStatement(config, catalogue),
    kAnonymity: config.kAnonymity,
    selectionDelta: config.selectionDelta,
    license: config.releaseLicense,
  };
}
