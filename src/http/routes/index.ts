/**
 * The HTTP API: every route group, each given the middleware it needs where it is registered.
 * app.ts mounts it beside the consoles.
 */
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from '../../deps';
import type { App } from '../app-env';
import { authenticateBearer } from '../middleware/authorize';
import { AuthenticationFailureLimiter, createRateLimiter, principalKey } from '../middleware/rate-limit';
import { createOpenApiApp } from '../openapi-app';
import { problemResponse } from '../problem';
import { registerAdminRoutes } from './admin';
import { registerAuditRoutes } from './audit';
import { registerConsentRoutes } from './consent';
import { registerDatasetRoutes } from './datasets';
import { registerReleaseRoutes } from './releases';
import { registerReportRoutes } from './reports';
import { registerDocumentation } from './system/documentation';
import { registerHealth } from './system/health';
import { registerIngestBatch } from './telemetry/ingest-batch';
import { registerWellKnownRoutes } from './well-known';

/** Bodies of JSON routes other than ingest (which enforces its own, post-decompression limit). */
const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

export function createApiRoutes(deps: AppDeps): App {
  const api = createOpenApiApp();
  registerHealth(api);

  // Every /v1 request that presents a token is authenticated first, ingest included, so failed
  // attempts are limited per client and the limits below key on the principal, not on the header.
  api.use('/v1/*', authenticateBearer(new AuthenticationFailureLimiter(deps.clock, deps.config.authFailuresPerMinute)));

  // Ingest brings its own limits: a per-instance rate and a body limit checked after decompression.
  // It is registered before the /v1 limits below, and Hono runs a route's chain in registration
  // order: the ingest handler always answers, so the limits registered after it never run for it.
  registerIngestBatch(api, deps);

  // Every other /v1 request: one rate per authenticated credential across all of them (anonymous
  // requests to the public routes are bounded by concurrency in app.ts), and small JSON bodies.
  api.use(
    '/v1/*',
    createRateLimiter({ clock: deps.clock, perMinute: deps.config.apiRatePerMinute, keyOf: principalKey }),
    bodyLimit({
      maxSize: DEFAULT_BODY_LIMIT_BYTES,
      onError: (c) => problemResponse(c, 'payload-too-large', `Request bodies are limited to ${DEFAULT_BODY_LIMIT_BYTES} bytes.`),
    }),
  );
  registerAdminRoutes(api);
  registerConsentRoutes(api);
  registerDatasetRoutes(api, deps);
  registerReleaseRoutes(api);
  registerWellKnownRoutes(api);
  registerReportRoutes(api);
  registerAuditRoutes(api);

  // Last, so /openapi.json and /docs describe every route above.
  registerDocumentation(api);
  return api;
}
