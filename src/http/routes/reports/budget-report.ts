import { createRoute, z } from '@hono/zod-openapi';
import { buildBudgetReport } from '../../../reports/budget-report';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, problemResponses } from '../../openapi-common';
import { csvResponse, reportResponse, wantsCsv } from '../../report-response';
import { ReportWindowQuery, reportEnvelope, WindowSchema, windowFromQuery } from './schema';

const BudgetReportRowSchema = z.object({
  period: z.string(),
  period_start: z.string().nullable(),
  dataset_id: z.string(),
  release_id: z.string().nullable(),
  charged_at: z.string(),
  rho: z.number().openapi({ description: 'zCDP rho charged by this dataset release.' }),
  epsilon: z.number(),
  delta: z.number(),
  period_rho_spent: z.number().openapi({ description: 'All datasets of the period, composed (rho adds).' }),
  period_rho_cap: z.number().openapi({ description: 'PERIOD_BUDGET_RHO.' }),
  period_rho_remaining: z.number(),
  period_within_cap: z.boolean(),
  period_epsilon: z.number().openapi({ description: 'The period as (epsilon, delta)-DP: epsilon from the composed rho (CKS20 Cor. 13).' }),
  period_delta: z.number(),
});

const BudgetReportSchema = reportEnvelope('budget', BudgetReportRowSchema, { window: WindowSchema, periodRhoCap: z.number() });

export function registerBudgetReport(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reports/budget',
      tags: ['Reports'],
      summary: 'Privacy-budget ledger: rho, epsilon and delta spent per period and dataset, against the cap',
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer', 'admin')] as const,
      request: { query: ReportWindowQuery },
      responses: {
        200: reportResponse(BudgetReportSchema, 'The ledger, periods overlapping the window.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const now = c.var.deps.clock.now();
      const report = await buildBudgetReport(c.var.deps, windowFromQuery(query));
      if (wantsCsv(c, query.format)) return csvResponse(c, 'budget-report', report);
      return c.json(
        {
          report: 'budget' as const,
          generatedAt: now.toISOString(),
          window: report.window,
          periodRhoCap: report.periodRhoCap,
          columns: [...report.columns],
          rows: report.rows,
        },
        200,
      );
    },
  );
}
