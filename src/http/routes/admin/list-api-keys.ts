import { createRoute, z } from '@hono/zod-openapi';
import { listApiKeys } from '../../../registry/registry-repository';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses } from '../../openapi-common';
import { ApiKeySchema, apiKeyView } from './schema';

export function registerListApiKeys(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/keys',
      tags: ['Admin'],
      summary: 'List API keys (never their tokens)',
      security: bearerSecurity,
      middleware: [requireRole('admin')] as const,
      responses: {
        200: jsonContent(z.object({ items: z.array(ApiKeySchema) }), 'Keys, revoked ones included.'),
        ...problemResponses('unauthenticated', 'forbidden'),
      },
    }),
    async (c) => {
      const rows = await listApiKeys(c.var.deps.database.db);
      return c.json({ items: rows.map(apiKeyView) }, 200);
    },
  );
}
