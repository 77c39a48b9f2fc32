import type { App } from '../../app-env';
import { registerBudgetReport } from './budget-report';
import { registerCoalitionPlan } from './coalition-plan';
import { registerConsentReport } from './consent-report';
import { registerErasureReport } from './erasure-report';
import { registerPrivacyLossReport } from './privacy-loss-report';

/** Privacy officers' reports; each is JSON or CSV with the same columns. */
export function registerReportRoutes(app: App) {
  registerConsentReport(app);
  registerBudgetReport(app);
  registerPrivacyLossReport(app);
  registerErasureReport(app);
  registerCoalitionPlan(app);
}
