import { createRoute, z } from '@hono/zod-openapi';
import { requireRelease } from '../../../releases/release-files';
import { listReleaseFiles } from '../../../releases/release-repository';
import type { App } from '../../app-env';
import { jsonContent, problemResponses } from '../../openapi-common';
import { researcherAccess, researcherSecurity } from '../datasets/researcher-access';
import { ReleaseIdParam, ReleaseSchema, releaseView } from './schema';

export function registerGetRelease(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/releases/{releaseId}',
      tags: ['Releases'],
      summary: 'A release: its files with sizes and hashes, signature, signing key and chain link',
      security: researcherSecurity,
      middleware: [researcherAccess()] as const,
      request: { params: z.object({ releaseId: ReleaseIdParam }) },
      responses: {
        200: jsonContent(ReleaseSchema, 'The release.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const { db } = c.var.deps.database;
      const release = await requireRelease(db, c.req.valid('param').releaseId);
      return c.json(releaseView(release, await listReleaseFiles(db, release.id)), 200);
    },
  );
}
