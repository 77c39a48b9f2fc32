import { createRoute, z } from '@hono/zod-openapi';
import { createApiKey } from '../../../registry/registry-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses } from '../../openapi-common';
import { ApiKeySchema, apiKeyView, IssuedTokenSchema, NewApiKeySchema } from './schema';

export function registerCreateApiKey(app: App) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/keys',
      tags: ['Admin'],
      summary: 'Issue an API key for a role (shown once)',
      security: bearerSecurity,
      middleware: [requireRole('admin')] as const,
      request: { body: { content: { 'application/json': { schema: NewApiKeySchema } }, required: true } },
      responses: {
        201: jsonContent(z.object({ key: ApiKeySchema, token: IssuedTokenSchema }), 'Issued; the token is shown once.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden'),
      },
    }),
    async (c) => {
      const { key, token } = await createApiKey(c.var.deps, c.var.principal, c.req.valid('json'));
      c.header('cache-control', 'no-store');
      return c.json({ key: apiKeyView(key), token }, 201);
    },
  );
}
