import { createRoute, z } from '@hono/zod-openapi';
import { requireCataloguedDataset } from '../../../releases/dataset-catalogue';
import { listReleasesOfDataset } from '../../../releases/release-repository';
import type { App } from '../../app-env';
import { jsonContent, problemResponses } from '../../openapi-common';
import { researcherAccess, researcherSecurity } from './researcher-access';
import { DatasetIdParam, ReleaseSummarySchema, releaseSummaryView } from './schema';

export function registerListDatasetReleases(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/datasets/{datasetId}/releases',
      tags: ['Datasets'],
      summary: 'A dataset\'s releases, newest period first',
      security: researcherSecurity,
      middleware: [researcherAccess()] as const,
      request: { params: z.object({ datasetId: DatasetIdParam }) },
      responses: {
        200: jsonContent(z.object({ items: z.array(ReleaseSummarySchema) }), 'Every release of the dataset.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const { dataset } = requireCataloguedDataset(c.var.deps, c.req.valid('param').datasetId);
      const rows = await listReleasesOfDataset(c.var.deps.database.db, dataset.spec.id);
      return c.json({ items: rows.map(releaseSummaryView) }, 200);
    },
  );
}
