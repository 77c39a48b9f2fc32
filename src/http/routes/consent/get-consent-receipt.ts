import { createRoute, z } from '@hono/zod-openapi';
import { consentReceipt } from '../../../consent/consent-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses, UuidParam } from '../../openapi-common';
import { ConsentReceiptSchema } from './schema';

export function registerGetConsentReceipt(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/orgs/{orgId}/consent/{consentId}/receipt',
      tags: ['Consent'],
      summary: 'A machine-readable receipt for one consent record (Kantara Consent Receipt v1.1 fields)',
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer', 'admin')] as const,
      request: { params: z.object({ orgId: UuidParam('orgId'), consentId: UuidParam('consentId') }) },
      responses: {
        200: jsonContent(ConsentReceiptSchema, 'The receipt, with the record\'s status now.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const { orgId, consentId } = c.req.valid('param');
      return c.json(await consentReceipt(c.var.deps, orgId, consentId), 200);
    },
  );
}
