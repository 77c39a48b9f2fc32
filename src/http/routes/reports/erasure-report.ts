import { createRoute, z } from '@hono/zod-openapi';
import { buildErasureReport } from '../../../reports/erasure-report';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, problemResponses } from '../../openapi-common';
import { csvResponse, reportResponse, wantsCsv } from '../../report-response';
import { ReportWindowQuery, reportEnvelope, WindowSchema, windowFromQuery } from './schema';

const ErasureReportRowSchema = z.object({
  erasure_id: z.string(),
  org_id: z.string(),
  org_name: z.string(),
  consent_id: z.string().nullable().openapi({ description: 'The revoked consent that caused it; null for an explicit request.' }),
  requested_at: z.string(),
  completed_at: z.string().nullable(),
  requested_by: z.string().openapi({ description: 'API key id.' }),
  periods: z.string().openapi({ description: 'Unreleased periods erased, space-separated.' }),
  rows_removed: z.number().int(),
  releases_including: z.string().openapi({ description: 'Published releases of periods the organization contributed to (not withdrawn).' }),
});

const ErasureReportSchema = reportEnvelope('erasures', ErasureReportRowSchema, { window: WindowSchema });

export function registerErasureReport(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reports/erasures',
      tags: ['Reports'],
      summary: 'Erasure receipts',
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer', 'admin')] as const,
      request: { query: ReportWindowQuery.extend({ orgId: z.uuid().optional().openapi({ description: 'Only this organization.' }) }) },
      responses: {
        200: reportResponse(ErasureReportSchema, 'Receipts requested in the window, oldest first.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const now = c.var.deps.clock.now();
      const report = await buildErasureReport(c.var.deps, windowFromQuery(query), { orgId: query.orgId });
      if (wantsCsv(c, query.format)) return csvResponse(c, 'erasure-report', report);
      return c.json(
        { report: 'erasures' as const, generatedAt: now.toISOString(), window: report.window, columns: [...report.columns], rows: report.rows },
        200,
      );
    },
  );
}
