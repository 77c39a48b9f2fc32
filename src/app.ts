/**
 * The application factory. It imports nothing runtime-specific: the Node and Workers entry points
 * build the dependencies (database, clock, random source, secrets, logger, config) and call it.
 * It sets what every response shares and mounts the API and the consoles side by side.
 */
import { secureHeaders } from 'hono/secure-headers';
import { randomUuid } from './auth/tokens';
import { createConsoles } from './console';
import { classifyStoreFault } from './db/store-faults';
import type { AppDeps } from './deps';
import type { App } from './http/app-env';
import { createConcurrencyLimit } from './http/middleware/concurrency-limit';
import { requestId } from './http/middleware/request-id';
import { requestLog } from './http/middleware/request-log';
import { createOpenApiApp } from './http/openapi-app';
import { createErrorHandler, problemResponse } from './http/problem';
import { createApiRoutes } from './http/routes';

const PUBLIC_ARTEFACT_PATHS = /^\/(v1\/datasets|v1\/releases|v1\/signing-keys|\.well-known)(\/|$)/;
/** Routes anyone may call without a credential: bounded by concurrency rather than per credential. */
const PUBLIC_PATHS = /^\/(v1\/datasets|v1\/releases|v1\/signing-keys|\.well-known|console)(\/|$)/;

export function createApp(deps: AppDeps): App {
  const app = createOpenApiApp();

  app.use('*', requestId(() => randomUuid(deps.random)));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', requestLog(deps.logger, deps.clock));
  app.use('*', createConcurrencyLimit({ maxInFlight: deps.config.publicMaxInFlight, applies: (path) => PUBLIC_PATHS.test(path) }));
  // Published datasets and signing keys are public artefacts that other origins may embed; this
  // runs outside secureHeaders so its value wins over the default same-origin policy.
  app.use('*', async (c, next) => {
    await next();
    if (PUBLIC_ARTEFACT_PATHS.test(c.req.path)) c.res.headers.set('cross-origin-resource-policy', 'cross-origin');
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
      },
      strictTransportSecurity: 'max-age=31536000; includeSubDomains',
      referrerPolicy: 'no-referrer',
    }),
  );

  app.route('/', createApiRoutes(deps));
  app.route('/', createConsoles());

  app.notFound((c) => problemResponse(c, 'not-found', 'No route matches this path.'));
  app.onError(
    createErrorHandler(deps.logger, classifyStoreFault, (kind) => deps.database.health?.recordFault(kind, deps.clock.now().getTime())),
  );
  return app;
}
