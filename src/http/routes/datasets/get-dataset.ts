import { createRoute, z } from '@hono/zod-openapi';
import { requireCataloguedDataset } from '../../../releases/dataset-catalogue';
import { periodKindStatement } from '../../../releases/release-configuration';
import { listLatestReleases } from '../../../releases/release-repository';
import { yearlyBudgetStatement } from '../../../releases/yearly-budget';
import type { App } from '../../app-env';
import { jsonContent, problemResponses } from '../../openapi-common';
import { researcherAccess, researcherSecurity } from './researcher-access';
import { DatasetIdParam, MethodologySchema, methodologyView } from './schema';

export function registerGetDataset(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/datasets/{datasetId}',
      tags: ['Datasets'],
      summary: 'A dataset\'s methodology card: what is counted, bounds and why, privacy parameters, intervals, known biases',
      security: researcherSecurity,
      middleware: [researcherAccess()] as const,
      request: { params: z.object({ datasetId: DatasetIdParam }) },
      responses: {
        200: jsonContent(MethodologySchema, 'The methodology card.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const { dataset, catalogue } = requireCataloguedDataset(c.var.deps, c.req.valid('param').datasetId);
      const latest = await listLatestReleases(c.var.deps.database.db, dataset.spec.id);
      const { config } = c.var.deps;
      const statements = { period: periodKindStatement(config), yearlyBudget: yearlyBudgetStatement(config, catalogue.periodBudget.selectionDelta) };
      return c.json(methodologyView(dataset, catalogue.periodBudget, latest.get(dataset.spec.id), statements), 200);
    },
  );
}
