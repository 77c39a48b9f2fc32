import { createRoute } from '@hono/zod-openapi';
import { createOrganization } from '../../../registry/registry-service';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses } from '../../openapi-common';
import { NewOrganizationSchema, OrganizationSchema, organizationView } from './schema';

export function registerCreateOrganization(app: App) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/orgs',
      tags: ['Admin'],
      summary: 'Register a contributing organization',
      security: bearerSecurity,
      middleware: [requireRole('admin')] as const,
      request: { body: { content: { 'application/json': { schema: NewOrganizationSchema } }, required: true } },
      responses: {
        201: jsonContent(OrganizationSchema, 'Registered.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden'),
      },
    }),
    async (c) => {
      const organization = await createOrganization(c.var.deps, c.var.principal, c.req.valid('json'));
      return c.json(organizationView(organization), 201);
    },
  );
}
