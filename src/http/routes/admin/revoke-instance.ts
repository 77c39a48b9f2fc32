import { createRoute, z } from '@hono/zod-openapi';
import { revokeInstance } from '../../../registry/registry-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses, UuidParam } from '../../openapi-common';
import { InstanceSchema, instanceView } from './schema';

export function registerRevokeInstance(app: App) {
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/admin/orgs/{orgId}/instances/{instanceId}',
      tags: ['Admin'],
      summary: "Revoke a product instance's ingest token (idempotent)",
      security: bearerSecurity,
      middleware: [requireRole('admin')] as const,
      request: { params: z.object({ orgId: UuidParam('orgId'), instanceId: UuidParam('instanceId') }) },
      responses: {
        200: jsonContent(InstanceSchema, 'Revoked.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const { orgId, instanceId } = c.req.valid('param');
      const instance = await revokeInstance(c.var.deps, c.var.principal, orgId, instanceId);
      return c.json(instanceView(instance), 200);
    },
  );
}
