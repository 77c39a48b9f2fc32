/** Hono environment shared by every route: the injected dependencies and per-request state. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Principal } from '../auth/principal';
import type { AppDeps } from '../deps';

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    principal: Principal;
  };
}

export type App = OpenAPIHono<AppEnv>;
