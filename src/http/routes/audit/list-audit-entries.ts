import { createRoute, z } from '@hono/zod-openapi';
import { auditLogRow } from '../../../audit/audit-log';
import { listAuditEntries } from '../../../audit/audit-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, problemResponses } from '../../openapi-common';
import { csvResponse, ReportFormatQuery, reportResponse, wantsCsv } from '../../report-response';
import { InstantQuery } from '../reports/schema';
import { AuditEntrySchema } from './schema';
import { WELL_FORMED_TEXT } from '../../../text';

const AuditPageSchema = z
  .object({
    items: z.array(AuditEntrySchema),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .openapi('AuditPage');

const AUDIT_CSV_COLUMNS = ['seq', 'at', 'actor_id', 'actor_role', 'action', 'subject', 'details', 'prev_hash', 'hash'] as const;

export function registerListAuditEntries(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audit',
      tags: ['Audit'],
      summary: 'The hash-chained audit log, newest first by default, filtered and paged',
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer', 'admin')] as const,
      request: {
        query: z.object({
          action: z
            .string()
            .regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, 'an action such as consent.revoked, or a prefix such as consent.*')
            .max(100)
            .optional(),
          subject: z.string().min(1).max(200).refine(...WELL_FORMED_TEXT).optional().openapi({ example: 'org:0f8fad5b-d9cb-469f-a165-70867728950e' }),
          from: InstantQuery.openapi({ description: 'Entries at or after (date or date-time).' }),
          to: InstantQuery.openapi({ description: 'Entries before (date or date-time).' }),
          order: z.enum(['asc', 'desc']).default('desc'),
          cursor: z.string().regex(/^\d{1,15}$/, 'must be a cursor returned by a previous page').optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          format: ReportFormatQuery,
        }),
      },
      responses: {
        200: reportResponse(AuditPageSchema, 'One page of entries (CSV: the same page, details as canonical JSON).'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await listAuditEntries(c.var.deps, {
        action: query.action,
        subject: query.subject,
        from: query.from ? new Date(query.from).toISOString() : undefined,
        to: query.to ? new Date(query.to).toISOString() : undefined,
        order: query.order,
        afterSeq: query.cursor === undefined ? undefined : Number(query.cursor),
        limit: query.limit,
      });
      if (page.nextCursor) c.header('link', `<${nextPageUrl(c.req.url, page.nextCursor)}>; rel="next"`);
      if (wantsCsv(c, query.format)) {
        return csvResponse(c, 'audit-log', {
          columns: AUDIT_CSV_COLUMNS,
          rows: page.items.map(auditLogRow),
        });
      }
      return c.json(page, 200);
    },
  );
}

function nextPageUrl(current: string, cursor: string): string {
  const url = new URL(current);
  url.searchParams.set('cursor', cursor);
  return `${url.pathname}${url.search}`;
}
