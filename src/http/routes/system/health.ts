/**
 * Liveness (the process answers, whatever the database does) and readiness (database reachable,
 * migrations current, and no write fault such as a full disk seen in the last seconds). Not ready
 * names its reason, so an operator reading it knows what to fix.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { migrationsAreCurrent } from '../../../db/migrations';
import { classifyStoreFault, STORE_FAULT_ADVICE } from '../../../db/store-faults';
import { AppError } from '../../../errors';
import type { App } from '../../app-env';
import { jsonContent, problemResponses } from '../../openapi-common';

/** A probe that hangs (a half-open connection) must not hang the readiness answer. */
const PROBE_TIMEOUT_MS = 3000;
const RETRY_AFTER_SECONDS = '5';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('readiness probe timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

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
      const { database, clock } = c.var.deps;
      const notReady = (reason: string, detail: string) =>
        new AppError('not-ready', `${detail} Retry after the indicated delay.`, { reason }, { 'retry-after': RETRY_AFTER_SECONDS });
      let current: boolean;
      try {
        await withTimeout(sql`select 1`.execute(database.db), PROBE_TIMEOUT_MS);
        current = await withTimeout(
          database.migrationsAreCurrent ? database.migrationsAreCurrent() : migrationsAreCurrent(database.db, database.schema),
          PROBE_TIMEOUT_MS,
        );
      } catch (error) {
        const kind = classifyStoreFault(error) ?? 'unreachable';
        throw notReady(kind === 'busy' ? 'unreachable' : kind, kind === 'busy' ? STORE_FAULT_ADVICE.unreachable : STORE_FAULT_ADVICE[kind]);
      }
      if (!current) throw notReady('pending-migrations', 'Database migrations are pending; apply them (`npm run migrate`, or `wrangler d1 migrations apply` on Workers).');
      const fault = database.health?.currentFault(clock.now().getTime());
      if (fault) throw notReady(fault.kind, STORE_FAULT_ADVICE[fault.kind]);
      return c.json({ status: 'ready' as const, database: database.dialect }, 200);
    },
  );
}
