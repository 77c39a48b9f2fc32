import { createRoute, z } from '@hono/zod-openapi';
import { consentHistory } from '../../../consent/consent-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses, UuidParam } from '../../openapi-common';
import { ConsentRecordSchema, consentView } from './schema';

export function registerGetConsentHistory(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/orgs/{orgId}/consent',
      tags: ['Consent'],
      summary: "An organization's consent history, oldest first",
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer', 'admin')] as const,
      request: { params: z.object({ orgId: UuidParam('orgId') }) },
      responses: {
        200: jsonContent(z.object({ items: z.array(ConsentRecordSchema) }), 'Every grant, with its status now.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const rows = await consentHistory(c.var.deps, c.req.valid('param').orgId);
      const nowIso = c.var.deps.clock.now().toISOString();
      return c.json({ items: rows.map((row) => consentView(row, nowIso)) }, 200);
    },
  );
}
