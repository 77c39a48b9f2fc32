import { createRoute, z } from '@hono/zod-openapi';
import { ErasureRequestSchema } from '../../../consent/consent-requests';
import { requestErasure } from '../../../consent/erasure-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses, UuidParam } from '../../openapi-common';
import { ErasureReceiptSchema } from './schema';

export function registerRequestErasure(app: App) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/orgs/{orgId}/erasure',
      tags: ['Consent'],
      summary: "Erase the organization's contributions to every unreleased period now",
      description:
        'Writes an erasure receipt even when nothing was left to remove. Does not stop future ingest: revoke consent for that ' +
        '(revocation erases as well). Published releases are not changed.',
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer', 'admin')] as const,
      request: {
        params: z.object({ orgId: UuidParam('orgId') }),
        body: { content: { 'application/json': { schema: ErasureRequestSchema } }, required: false },
      },
      responses: {
        201: jsonContent(ErasureReceiptSchema, 'Erased; the receipt.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const receipt = await requestErasure(c.var.deps, c.var.principal, c.req.valid('param').orgId, c.req.valid('json')?.reason);
      return c.json(receipt, 201, { location: `/v1/reports/erasures?orgId=${receipt.orgId}` });
    },
  );
}
