import { createRoute, z } from '@hono/zod-openapi';
import { listOrganizations } from '../../../registry/registry-repository';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses } from '../../openapi-common';
import { OrganizationSchema, organizationView } from './schema';

export function registerListOrganizations(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/orgs',
      tags: ['Admin'],
      summary: 'List organizations',
      security: bearerSecurity,
      middleware: [requireRole('admin', 'privacy_officer')] as const,
      responses: {
        200: jsonContent(z.object({ items: z.array(OrganizationSchema) }), 'All registered organizations.'),
        ...problemResponses('unauthenticated', 'forbidden'),
      },
    }),
    async (c) => {
      const rows = await listOrganizations(c.var.deps.database.db);
      return c.json({ items: rows.map(organizationView) }, 200);
    },
  );
}
