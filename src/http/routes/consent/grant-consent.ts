import { createRoute, z } from '@hono/zod-openapi';
import { ConsentGrantSchema } from '../../../consent/consent-requests';
import { grantConsent } from '../../../consent/consent-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses, UuidParam } from '../../openapi-common';
import { ConsentRecordSchema, consentView } from './schema';

export function registerGrantConsent(app: App) {
  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/orgs/{orgId}/consent',
      tags: ['Consent'],
      summary: 'Record a consent grant (a new record every time; history is kept)',
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer', 'admin')] as const,
      request: {
        params: z.object({ orgId: UuidParam('orgId') }),
        body: { content: { 'application/json': { schema: ConsentGrantSchema } }, required: true },
      },
      responses: {
        201: jsonContent(ConsentRecordSchema, 'Recorded.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const consent = await grantConsent(c.var.deps, c.var.principal, c.req.valid('param').orgId, c.req.valid('json'));
      return c.json(consentView(consent, c.var.deps.clock.now().toISOString()), 201);
    },
  );
}
