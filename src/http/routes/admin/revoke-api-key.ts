import { createRoute, z } from '@hono/zod-openapi';
import { revokeApiKey } from '../../../registry/registry-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses, UuidParam } from '../../openapi-common';
import { ApiKeySchema, apiKeyView } from './schema';

export function registerRevokeApiKey(app: App) {
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/admin/keys/{keyId}',
      tags: ['Admin'],
      summary: 'Revoke an API key (idempotent)',
      security: bearerSecurity,
      middleware: [requireRole('admin')] as const,
      request: { params: z.object({ keyId: UuidParam('keyId') }) },
      responses: {
        200: jsonContent(ApiKeySchema, 'Revoked.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const key = await revokeApiKey(c.var.deps, c.var.principal, c.req.valid('param').keyId);
      return c.json(apiKeyView(key), 200);
    },
  );
}
