/**
 * The real server (src/node/main.ts's app over the same dependencies) with the ingest write timed,
 * for the serial-fraction benchmark. Only this bench process times anything: the service itself
 * carries no timing code.
 *
 * The write is the one atomic unit per batch: `executeAtomically` (the set-based plan), or the
 * synchronous transaction on embedded SQLite where the storage offers one. What is timed is the
 * time the write holds the database, not the time a request waits for the connection first: for
 * the set-based plan from inside the transaction to after its commit; for the synchronous
 * transaction its body (BEGIN IMMEDIATE and COMMIT happen around it, out of reach, so that figure
 * is a lower bound). GET /__bench/stats answers the totals since start, and
 * POST /__bench/reset zeroes them (after the set-up requests).
 */
import { serve } from '@hono/node-server';
import type { QueryResult } from 'kysely';
import { createApp } from '../../src/app';
import { parseEnvironment } from '../../src/config';
import type { Database } from '../../src/db/database';
import { ensureBootstrapAdmin } from '../../src/registry/registry-service';
import { createNodeDeps } from '../../src/node/node-deps';

const env = parseEnvironment(process.env);
const deps = await createNodeDeps(env);
await ensureBootstrapAdmin(deps, env.BOOTSTRAP_ADMIN_TOKEN);

interface Totals {
  writes: number;
  writeMs: number;
  requests: number;
  requestMs: number;
  startedAt: number;
  cpuStarted: NodeJS.CpuUsage;
}
const fresh = (): Totals => ({ writes: 0, writeMs: 0, requests: 0, requestMs: 0, startedAt: performance.now(), cpuStarted: process.cpuUsage() });
let totals = fresh();

const database: Database = deps.database;
const timedDatabase: Database & { runSynchronousTransaction?: <T>(body: (connection: unknown) => T) => Promise<T> } = { ...database };
// The set-based write: time from inside the transaction (the connection is held) to after its commit.
timedDatabase.executeAtomically = async (queries) => {
  let began = 0;
  const results = await database.db.transaction().execute(async (trx) => {
    began = performance.now();
    const out: QueryResult<Record<string, unknown>>[] = [];
    for (const query of queries) out.push(await trx.executeQuery(query as never));
    return out;
  });
  totals.writes += 1;
  totals.writeMs += performance.now() - began;
  database.health?.recordSuccess();
  return results;
};
// A synchronous transaction, where the storage offers one (embedded SQLite): the body's time inside it.
const synchronous = (database as typeof timedDatabase).runSynchronousTransaction?.bind(database);
if (synchronous) {
  timedDatabase.runSynchronousTransaction = (body) =>
    synchronous((connection) => {
      const began = performance.now();
      try {
        return body(connection);
      } finally {
        totals.writes += 1;
        totals.writeMs += performance.now() - began;
      }
    });
}

const app = createApp({ ...deps, database: timedDatabase });
serve(
  {
    port: env.PORT,
    hostname: env.HOST,
    fetch: async (request) => {
      const path = new URL(request.url).pathname;
      if (path === '/__bench/reset') {
        totals = fresh();
        return new Response('{}');
      }
      if (path === '/__bench/stats') {
        const cpu = process.cpuUsage(totals.cpuStarted);
        return Response.json({
          writes: totals.writes,
          writeMs: totals.writeMs,
          requests: totals.requests,
          requestMs: totals.requestMs,
          wallMs: performance.now() - totals.startedAt,
          cpuMs: (cpu.user + cpu.system) / 1000,
        });
      }
      const started = performance.now();
      const response = await app.fetch(request);
      if (path === '/v1/telemetry/batches') {
        totals.requests += 1;
        totals.requestMs += performance.now() - started;
      }
      return response;
    },
  },
  (info) => console.log(`ready on ${info.port}`),
);
