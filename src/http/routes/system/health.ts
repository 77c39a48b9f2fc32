/** Liveness (the process answers) and readiness (database reachable, migrations current). */
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { migrationsAreCurrent } from '../../../db/migrations';
import { AppError } from '../../../errors';
import type { App } from '../../app-env';
import { jsonContent, problemResponses } from '../../openapi-common';

const HealthSchema = z.object({ status: z.literal('ok') });

export function registerHealth(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['System'],
      summary: 'Liveness',
      responses: { 200: jsonContent(HealthSchema, 'The process is alive.') },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['System'],
      summary: 'Readiness: database reachable and migrations current',
      responses: {
        200: jsonContent(z.object({ status: z.literal('ready'), database: z.string() }), 'Ready to serve.'),
        ...problemResponses('not-ready'),
      },
    }),
    async (c) => {
      const { database } = c.var.deps;
      try {
        await sql`select 1`.execute(database.db);
        const current = database.migrationsAreCurrent
          ? await database.migrationsAreCurrent()
          : await migrationsAreCurrent(database.db, database.schema);
        if (!current) throw new Error('pending migrations');
      } catch {
        throw new AppError('not-ready', 'The database is unreachable or migrations are pending.', {}, { 'retry-after': '5' });
      }
      return c.json({ status: 'ready' as const, database: database.dialect }, 200);
    },
  );
}
