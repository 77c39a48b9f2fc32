import { createRoute, z } from '@hono/zod-openapi';
import { listInstances } from '../../../registry/registry-repository';
import { requireOrganization } from '../../../registry/registry-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses, UuidParam } from '../../openapi-common';
import { InstanceSchema, instanceView } from './schema';

export function registerListInstances(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/orgs/{orgId}/instances',
      tags: ['Admin'],
      summary: "List an organization's product instances",
      security: bearerSecurity,
      middleware: [requireRole('admin')] as const,
      request: { params: z.object({ orgId: UuidParam('orgId') }) },
      responses: {
        200: jsonContent(z.object({ items: z.array(InstanceSchema) }), 'Instances, revoked ones included.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const { orgId } = c.req.valid('param');
      await requireOrganization(c.var.deps, orgId);
      const rows = await listInstances(c.var.deps.database.db, orgId);
      return c.json({ items: rows.map(instanceView) }, 200);
    },
  );
}
