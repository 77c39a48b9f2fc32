import { createRoute, z } from '@hono/zod-openapi';
import { datasetCatalogueOf } from '../../../releases/dataset-catalogue';
import { periodKindStatement } from '../../../releases/release-configuration';
import { listLatestReleases } from '../../../releases/release-repository';
import { yearlyBudgetStatement } from '../../../releases/yearly-budget';
import type { App } from '../../app-env';
import { jsonContent, problemResponses } from '../../openapi-common';
import { researcherAccess, researcherSecurity } from './researcher-access';
import { DatasetSummarySchema, datasetSummaryView, PeriodBudgetSchema, PeriodKindSchema, YearlyBudgetSchema } from './schema';

export function registerListDatasets(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/datasets',
      tags: ['Datasets'],
      summary: 'The dataset catalogue, with each dataset\'s privacy plan and latest release',
      security: researcherSecurity,
      middleware: [researcherAccess()] as const,
      responses: {
        200: jsonContent(
          z.object({
            items: z.array(DatasetSummarySchema),
            period: PeriodKindSchema,
            yearlyBudget: YearlyBudgetSchema,
            periodBudget: PeriodBudgetSchema,
            links: z.object({ schedule: z.string().openapi({ description: 'When the next period becomes releasable.' }) }),
          }),
          'The catalogue.',
        ),
        ...problemResponses('unauthenticated', 'forbidden'),
      },
    }),
    async (c) => {
      const catalogue = datasetCatalogueOf(c.var.deps);
      const latest = await listLatestReleases(c.var.deps.database.db);
      const { periodBudget } = catalogue;
      return c.json(
        {
          items: catalogue.datasets.map((dataset) => datasetSummaryView(dataset, latest.get(dataset.spec.id))),
          period: periodKindStatement(c.var.deps.config),
          yearlyBudget: yearlyBudgetStatement(c.var.deps.config, periodBudget.selectionDelta),
          periodBudget: {
            rho: periodBudget.rho,
            selectionDelta: periodBudget.selectionDelta,
            rhoCharged: periodBudget.rhoCharged,
            epsilon: periodBudget.epsilon,
            delta: periodBudget.delta,
            summary: `All datasets of one period together: (${periodBudget.epsilon.toPrecision(3)}, ${periodBudget.delta.toExponential(1)})-DP per organization (zCDP rho = ${periodBudget.rhoCharged.toPrecision(3)}).`,
          },
          links: { schedule: '/v1/releases/schedule' },
        },
        200,
      );
    },
  );
}
