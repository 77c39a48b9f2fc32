/** Every route group, registered in one place. */
import type { AppDeps } from '../../deps';
import type { App } from '../app-env';
import { registerAdminRoutes } from './admin';
import { registerConsentRoutes } from './consent';
import { registerDocumentation } from './system/documentation';
import { registerHealth } from './system/health';
import { registerIngestBatch } from './telemetry/ingest-batch';

export function registerRoutes(app: App, deps: AppDeps) {
  registerHealth(app);
  registerAdminRoutes(app);
  registerConsentRoutes(app);
  registerIngestBatch(app, deps);
  registerDocumentation(app);
}
