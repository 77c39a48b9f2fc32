/**
 * A Hono app that registers OpenAPI routes. The app and each group of routes mounted into it are
 * made here, so a request that fails its route's schema gets the same problem+json wherever the
 * route is registered.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { App, AppEnv } from './app-env';
import { describeIssues, problemResponse } from './problem';

export function createOpenApiApp(): App {
  return new OpenAPIHono<AppEnv>({
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
}
