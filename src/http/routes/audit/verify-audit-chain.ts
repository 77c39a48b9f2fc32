import { createRoute, z } from '@hono/zod-openapi';
import { AUDIT_BREAK_REASONS, verifyAuditChain } from '../../../audit/audit-verification';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses } from '../../openapi-common';

const AuditVerificationSchema = z
  .object({
    valid: z.boolean(),
    entriesChecked: z.number().int(),
    head: z
      .object({ seq: z.number().int(), hash: z.string(), at: z.string() })
      .nullable()
      .openapi({ description: 'The last entry that checked out. Record it elsewhere: a chain cannot show that its newest entries were cut off.' }),
    firstBroken: z
      .object({
        seq: z.number().int(),
        reason: z.enum(AUDIT_BREAK_REASONS),
        detail: z.string(),
      })
      .nullable(),
    verifiedAt: z.string(),
  })
  .openapi('AuditVerification');

export function registerVerifyAuditChain(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audit/verify',
      tags: ['Audit'],
      summary: 'Recompute the audit chain and report the first entry that was edited, deleted or moved',
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer', 'admin')] as const,
      responses: {
        200: jsonContent(AuditVerificationSchema, 'The verdict (a broken chain is still a 200: the check itself succeeded).'),
        ...problemResponses('unauthenticated', 'forbidden'),
      },
    }),
    async (c) => c.json(await verifyAuditChain(c.var.deps), 200),
  );
}
