import { createRoute, z } from '@hono/zod-openapi';
import { ConsentRevocationSchema } from '../../../consent/consent-requests';
import { revokeConsent } from '../../../consent/consent-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses, UuidParam } from '../../openapi-common';
import { ErasureReceiptSchema } from './schema';

const RevocationResultSchema = z
  .object({
    revokedAt: z.string(),
    revokedConsentIds: z.array(z.uuid()),
    erasure: ErasureReceiptSchema.nullable().openapi({
      description: 'Contributions to unreleased periods erased in the same atomic unit; null when nothing was open or left to erase.',
    }),
  })
  .openapi('ConsentRevocationResult');

export function registerRevokeConsent(app: App) {
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/orgs/{orgId}/consent',
      tags: ['Consent'],
      summary: 'Revoke consent: ingest stops at once and unreleased contributions are erased (idempotent)',
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer', 'admin')] as const,
      request: {
        params: z.object({ orgId: UuidParam('orgId') }),
        body: { content: { 'application/json': { schema: ConsentRevocationSchema } }, required: true },
      },
      responses: {
        200: jsonContent(RevocationResultSchema, 'Revoked (or nothing was open).'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const outcome = await revokeConsent(c.var.deps, c.var.principal, c.req.valid('param').orgId, c.req.valid('json').reason);
      return c.json(outcome, 200);
    },
  );
}
