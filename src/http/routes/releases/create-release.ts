import { createRoute } from '@hono/zod-openapi';
import { auditActor } from '../../../auth/principal';
import { releasePeriod } from '../../../releases/release-period';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses } from '../../openapi-common';
import { PeriodReleaseSchema, ReleaseRequestSchema } from './schema';

export function registerCreateRelease(app: App) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/releases',
      tags: ['Admin'],
      summary: 'Release a period now: every dataset, signed, budget charged, counters deleted',
      description:
        'A period can be released once, after it has ended and its grace window has passed. The scheduler (or the Workers cron) ' +
        'releases due periods by itself; this route is for operators who do not want to wait for it. Refusals say what to do and when: ' +
        '`period-not-releasable` and `conflict` carry Retry-After (for a release whose process died, the moment its lock expires), ' +
        '`already-released` says whether the period\'s retention is unfinished, and `yearly-budget-exceeded` names the 12 months that would go over ' +
        'YEARLY_BUDGET_RHO and the budget the period has left.',
      security: bearerSecurity,
      middleware: [requireRole('admin')] as const,
      request: { body: { content: { 'application/json': { schema: ReleaseRequestSchema } }, required: true } },
      responses: {
        201: jsonContent(PeriodReleaseSchema, 'Released.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'period-not-releasable', 'already-released', 'yearly-budget-exceeded', 'conflict', 'store-busy', 'store-unavailable'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const result = await releasePeriod(c.var.deps, {
        period: body.period,
        actor: auditActor(c.var.principal),
        takeOverStartedLock: body.takeOverStartedLock ?? false,
      });
      return c.json(result, 201);
    },
  );
}
