import { createRoute, z } from '@hono/zod-openapi';
import { createInstance } from '../../../registry/registry-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses, UuidParam } from '../../openapi-common';
import { InstanceSchema, instanceView, IssuedTokenSchema, NewInstanceSchema } from './schema';

export function registerCreateInstance(app: App) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/orgs/{orgId}/instances',
      tags: ['Admin'],
      summary: 'Register a product instance and issue its ingest token (shown once)',
      security: bearerSecurity,
      middleware: [requireRole('admin')] as const,
      request: {
        params: z.object({ orgId: UuidParam('orgId') }),
        body: { content: { 'application/json': { schema: NewInstanceSchema } }, required: true },
      },
      responses: {
        201: jsonContent(z.object({ instance: InstanceSchema, token: IssuedTokenSchema }), 'Registered; the token is shown once.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const { instance, token } = await createInstance(c.var.deps, c.var.principal, c.req.valid('param').orgId, c.req.valid('json'));
      c.header('cache-control', 'no-store');
      return c.json({ instance: instanceView(instance), token }, 201);
    },
  );
}
