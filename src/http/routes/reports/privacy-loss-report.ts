import { createRoute, z } from '@hono/zod-openapi';
import { buildPrivacyLossReport } from '../../../reports/privacy-loss-report';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, problemResponses } from '../../openapi-common';
import { csvResponse, ReportFormatQuery, reportResponse, wantsCsv } from '../../report-response';
import { InstantQuery, reportEnvelope } from './schema';

const PrivacyLossRowSchema = z.object({
  org_id: z.string(),
  org_name: z.string(),
  window_from: z.string(),
  window_to: z.string(),
  periods: z.number().int().openapi({ description: 'Released periods the organization took part in.' }),
  period_list: z.string(),
  erased_periods: z.string().openapi({ description: 'Counted periods from which contributions were later erased (still counted: upper bound).' }),
  rho: z.number().openapi({ description: 'Composed zCDP rho over those periods.' }),
  epsilon: z.number(),
  delta: z.number(),
  yearly_rho_cap: z.number().openapi({ description: 'YEARLY_BUDGET_RHO: the most any organization may lose over any 12 months; the release job refuses releases that would exceed it.' }),
  rho_remaining: z.number().openapi({ description: 'What the organization has left of the yearly cap over these 12 months (rounded down).' }),
});

const PrivacyLossReportSchema = reportEnvelope('privacy-loss', PrivacyLossRowSchema, {
  window: z.object({ from: z.string(), to: z.string() }),
});

export function registerPrivacyLossReport(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reports/budget/organizations',
      tags: ['Reports'],
      summary: 'Cumulative privacy loss per organization over a rolling 12 months, and the yearly budget it has left',
      description:
        'Each release protects one period of an organization\'s data; over the released periods it took part in that started in the 12 months, ' +
        'rho adds (zCDP) and is stated as (epsilon, delta)-DP. An upper bound: periods later erased are still counted. ' +
        'rho_remaining is what is left of YEARLY_BUDGET_RHO.',
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer', 'admin')] as const,
      request: {
        query: z.object({
          orgId: z.uuid().optional().openapi({ description: 'Only this organization.' }),
          at: InstantQuery.openapi({ description: 'End of the 12-month window (default: now).' }),
          format: ReportFormatQuery,
        }),
      },
      responses: {
        200: reportResponse(PrivacyLossReportSchema, 'One row per organization.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const now = c.var.deps.clock.now();
      const report = await buildPrivacyLossReport(c.var.deps, { at: query.at ? new Date(query.at) : now, orgId: query.orgId });
      if (wantsCsv(c, query.format)) return csvResponse(c, 'privacy-loss-report', report);
      return c.json(
        { report: 'privacy-loss' as const, generatedAt: now.toISOString(), window: report.window, columns: [...report.columns], rows: report.rows },
        200,
      );
    },
  );
}
