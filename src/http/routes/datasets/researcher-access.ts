/**
 * Who may read datasets, releases and their files: everyone when DATASETS_PUBLIC is true (the
 * default), otherwise researcher, privacy officer and admin keys. Ingest tokens never. Reads are
 * CORS-open so notebooks and browser tools on other origins can fetch them directly.
 */
import { cors } from 'hono/cors';
import type { App } from '../../app-env';
import { optionalRole } from '../../middleware/authorize';

export const researcherAccess = () => optionalRole((c) => c.var.deps.config.datasetsPublic, 'researcher', 'privacy_officer', 'admin');

/** OpenAPI: anonymous when the deployment makes datasets public, bearer otherwise. */
export const researcherSecurity: Record<string, string[]>[] = [{}, { bearerAuth: [] }];

export function allowCrossOriginReads(app: App, ...paths: string[]) {
  const handler = cors({
    origin: '*',
    allowMethods: ['GET', 'HEAD', 'OPTIONS'],
    allowHeaders: ['Authorization', 'If-None-Match'],
    exposeHeaders: ['ETag', 'Content-Length', 'Content-Disposition', 'Link'],
    maxAge: 86_400,
  });
  for (const path of paths) app.use(path, handler);
}
