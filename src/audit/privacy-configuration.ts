/**
 * The privacy budget and the settings that shape what a release reveals are configuration, not
 * data, so they change at deploy time rather than through an API. They are still audited: at
 * start-up, if they differ from the last recorded values, a `budget.configured` entry records the
 * new ones (actor: the system). Idempotent, and cheap enough to run on every start or isolate.
 */
import type { AppDeps } from '../deps';
import { canonicalJson, writeWithAudit } from './audit-log';
import { latestAuditEntryFor } from './audit-repository';

export const BUDGET_CONFIGURED = 'budget.configured';

export function privacyConfigurationOf(config: AppDeps['config']) {
  return {
    yearlyBudgetRho: config.yearlyBudgetRho,
    periodBudgetRho: config.periodBudgetRho,
    periodBudgetSource: config.periodBudgetSource,
    selectionDelta: config.selectionDelta,
    kAnonymity: config.kAnonymity,
    period: config.period,
    graceWindowHours: config.graceWindowMs / 3600_000,
  };
}

/** Appends the current privacy configuration to the audit log when it changed; returns whether it did. */
export async function recordPrivacyConfiguration(deps: Pick<AppDeps, 'database' | 'clock' | 'config'>): Promise<boolean> {
  const current = privacyConfigurationOf(deps.config);
  const last = await latestAuditEntryFor(deps.database.db, BUDGET_CONFIGURED);
  if (last && last.details === canonicalJson(current)) return false;
  await writeWithAudit(deps.database, deps.clock, {
    actorId: null,
    actorRole: 'system',
    action: BUDGET_CONFIGURED,
    subject: 'config:privacy-budget',
    details: current,
  });
  return true;
}
