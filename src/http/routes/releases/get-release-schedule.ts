import { createRoute, z } from '@hono/zod-openapi';
import { releaseSchedule } from '../../../releases/release-schedule';
import type { App } from '../../app-env';
import { jsonContent, problemResponses } from '../../openapi-common';
import { researcherAccess, researcherSecurity } from '../datasets/researcher-access';
import { PeriodKindSchema } from '../datasets/schema';

const ScheduledPeriodSchema = z.object({
  period: z.string().openapi({ example: '2026-Q4' }),
  start: z.string(),
  end: z.string().openapi({ description: 'Exclusive.' }),
  releasableAt: z.string().openapi({ description: 'The end plus the grace window for late events: from then on the period can be released.' }),
});

export const ReleaseScheduleSchema = PeriodKindSchema.extend({
  now: z.string(),
  current: ScheduledPeriodSchema.openapi({ description: 'The period collecting events now.' }),
  next: ScheduledPeriodSchema.extend({
    releasable: z.boolean().openapi({ description: 'Its grace window has passed: the release scheduler publishes it at its next check (every few minutes).' }),
    withinYearlyBudget: z
      .boolean()
      .openapi({ description: 'False when releasing it would exceed the yearly privacy budget per organization: it waits until the operator changes the configuration.' }),
  }).openapi({ description: 'The oldest period not yet released: the next to be published.' }),
  lastReleased: z.object({ period: z.string(), created: z.string() }).nullable(),
}).openapi('ReleaseSchedule');

export function registerGetReleaseSchedule(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/releases/schedule',
      tags: ['Releases'],
      summary: 'When the next period becomes releasable',
      description:
        'The configured period kind and grace window, the period collecting now, and the next period to be published with the time it becomes ' +
        'releasable. Read-only and public like the catalogue; computed from configuration, the clock and the published releases only.',
      security: researcherSecurity,
      middleware: [researcherAccess()] as const,
      responses: {
        200: jsonContent(ReleaseScheduleSchema, 'The schedule.'),
        ...problemResponses('unauthenticated', 'forbidden'),
      },
    }),
    async (c) => {
      const { nextBudget: _internal, ...schedule } = await releaseSchedule(c.var.deps);
      c.header('cache-control', `${c.var.deps.config.datasetsPublic ? 'public' : 'private'}, max-age=60`);
      return c.json(schedule, 200);
    },
  );
}
