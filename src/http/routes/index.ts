/** Every route group, registered in one place. */
import { registerConsoleAssets } from '../../console/shared/console-assets';
import { registerDatasetsConsole } from '../../console/datasets/datasets-console';
import { registerPrivacyConsole } from '../../console/privacy/privacy-console';
import { registerConsoleSignIn } from '../../console/shared/console-sign-in';
import type { AppDeps } from '../../deps';
import type { App } from '../app-env';
import { registerAdminRoutes } from './admin';
import { registerAuditRoutes } from './audit';
import { registerConsentRoutes } from './consent';
import { registerReportRoutes } from './reports';
import { registerDatasetRoutes } from './datasets';
import { registerReleaseRoutes } from './releases';
import { registerDocumentation } from './system/documentation';
import { registerHealth } from './system/health';
import { registerIngestBatch } from './telemetry/ingest-batch';
import { registerWellKnownRoutes } from './well-known';

export function registerRoutes(app: App, deps: AppDeps) {
  registerHealth(app);
  registerAdminRoutes(app);
  registerConsentRoutes(app);
  registerIngestBatch(app, deps);
  registerDatasetRoutes(app, deps);
  registerReleaseRoutes(app);
  registerWellKnownRoutes(app);
  registerReportRoutes(app);
  registerAuditRoutes(app);
  registerConsoleAssets(app);
  registerConsoleSignIn(app);
  registerPrivacyConsole(app);
  registerDatasetsConsole(app);
  registerDocumentation(app);
}
