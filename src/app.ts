/**
 * The application factory. It imports nothing runtime-specific: the Node and Workers entry points
 * build the dependencies (database, clock, random source, secrets, logger, config) and call it.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { hashToken, randomUuid } from './auth/tokens';
import { isTransientStoreError } from './db/database';
import type { AppDeps } from './deps';
import type { App, AppEnv } from './http/app-env';
import { createRateLimiter } from './http/middleware/rate-limit';
import { requestLog } from './http/middleware/request-log';
import { createErrorHandler, describeIssues, problemResponse } from './http/problem';
import { registerRoutes } from './http/routes';

const PUBLIC_ARTEFACT_PATHS = /^\/(v1\/datasets|v1\/releases|v1\/signing-keys|\.well-known)(\/|$)/;

/** Bodies of JSON routes other than ingest (which enforces its own, post-decompression limit). */
const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

export function createApp(deps: AppDeps): App {
  const app: App = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const errors = describeIssues(result.error.issues);
        return problemResponse(c, 'invalid-request', `Invalid ${result.target}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, {
          errors,
        });
      }
      return undefined;
    },
  });

  app.use('*', requestId({ generator: () => randomUuid(deps.random) }));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', requestLog(deps.logger, deps.clock));
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
  // Per-credential limit for every authenticated route except ingest, which is limited per instance.
  const apiLimiter = createRateLimiter({
    clock: deps.clock,
    perMinute: deps.config.apiRatePerMinute,
    keyOf: (c) => {
      const authorization = c.req.header('authorization');
      return authorization && c.req.path !== '/v1/telemetry/batches' ? hashToken(authorization).slice(0, 32) : undefined;
    },
  });
  app.use('/v1/*', apiLimiter);
  app.use('/v1/*', async (c, next) => {
    if (c.req.path === '/v1/telemetry/batches') return next();
    return bodyLimit({
      maxSize: DEFAULT_BODY_LIMIT_BYTES,
      onError: (ctx) => problemResponse(ctx, 'payload-too-large', `Request bodies are limited to ${DEFAULT_BODY_LIMIT_BYTES} bytes.`),
    })(c, next);
  });

  registerRoutes(app, deps);

  app.notFound((c) => problemResponse(c, 'not-found', 'No route matches this path.'));
  app.onError(createErrorHandler(deps.logger, isTransientStoreError));
  return app;
}
