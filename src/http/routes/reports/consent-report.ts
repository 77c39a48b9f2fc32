import { createRoute, z } from '@hono/zod-openapi';
import { buildConsentReport, consentReportCsvTable } from '../../../reports/consent-report';
import { REJECTION_CODES } from '../../../ingest/ingest-batch';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, problemResponses } from '../../openapi-common';
import { csvResponse, reportResponse, wantsCsv } from '../../report-response';
import { ReportWindowQuery, reportEnvelope, WindowSchema, windowFromQuery } from './schema';

const count = z.number().int();
const outcomeCounts = {
  accepted: count.openapi({ description: 'Events counted.' }),
  duplicate: count.openapi({ description: 'Retries of events already counted (counted once).' }),
  consent_required: count.openapi({ description: 'Events in batches refused because no consent was active.' }),
  ...Object.fromEntries(REJECTION_CODES.map((code) => [code, count])),
  rejected_total: count.openapi({ description: 'Everything refused or rejected (all but accepted and duplicate).' }),
} as Record<'accepted' | 'duplicate' | 'consent_required' | (typeof REJECTION_CODES)[number] | 'rejected_total', typeof count>;

const ConsentReportRowSchema = z.object({
  org_id: z.string(),
  org_name: z.string(),
  sector: z.string(),
  consent_status: z.string().openapi({ description: 'active, scheduled, expired, revoked or none, at the end of the window (or now).' }),
  consent_history: z.string().openapi({ description: 'Every grant, oldest first, with its end.' }),
  period: z.string().openapi({ description: 'Release period; empty when the organization had no traffic in the window.' }),
  ...outcomeCounts,
  erased: z.boolean().openapi({ description: "This period's contributions were erased." }),
  erasures: count.openapi({ description: 'Erasures of the organization in the window (on its first row only).' }),
  erased_rows: count.openapi({ description: 'Rows those erasures removed (on its first row only).' }),
});

const ConsentReportSchema = reportEnvelope('consent', ConsentReportRowSchema, {
  window: WindowSchema,
  statusAt: z.string(),
  totals: z.object({ ...outcomeCounts, erasures: count, erased_rows: count }),
});

export function registerConsentReport(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reports/consent',
      tags: ['Reports'],
      summary: 'Consent report: per organization and period, consent state and history, ingest outcomes, erasures',
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer', 'admin')] as const,
      request: { query: ReportWindowQuery },
      responses: {
        200: reportResponse(ConsentReportSchema, 'The report (JSON, or CSV with a totals row last).'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const now = c.var.deps.clock.now();
      const report = await buildConsentReport(c.var.deps, windowFromQuery(query));
      if (wantsCsv(c, query.format)) return csvResponse(c, 'consent-report', consentReportCsvTable(report));
      return c.json(
        {
          report: 'consent' as const,
          generatedAt: now.toISOString(),
          window: report.window,
          statusAt: report.statusAt,
          columns: [...report.columns],
          rows: report.rows,
          totals: report.totals,
        },
        200,
      );
    },
  );
}
