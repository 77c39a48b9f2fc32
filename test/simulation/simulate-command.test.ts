/**
 * `npm run simulate` against a running service (a real HTTP server on the real clock): its summary
 * must add up, and agree with what the service itself counted.
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { delimiter, dirname } from 'node:path';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/deps';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);

describe('npm run simulate against a running service', () => {
  let testApp: TestApp;
  let server: ServerType;
  let baseUrl: string;

  beforeAll(async () => {
    // The simulate command dates events at the present, so this service's clock starts at the present too.
    testApp = await createTestApp({ start: systemClock.now() });
    server = serve({ fetch: testApp.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await testApp.dispose();
  });

  it('registers the coalition, sends its traffic through the SDK and reports accepted and rejected events by reason', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'simulate', '--', '--url', baseUrl, '--orgs', '15', '--periods', '2', '--events-per-org', '40', '--json'], {
      env: { PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', ADMIN_TOKEN },
      timeout: 120_000,
    });
    const summary = JSON.parse(stdout) as {
      organizations: number;
      revoked: number;
      erasures: number;
      events: { sent: number; accepted: number; duplicates: number; rejected: Record<string, number> };
      droppedFields: Record<string, number>;
      releases: unknown[];
    };
    expect(summary).toMatchObject({ organizations: 15, revoked: 1, erasures: 1, releases: [] });
    const { events } = summary;
    const rejected = Object.values(events.rejected).reduce((sum, count) => sum + count, 0);
    expect(events.sent).toBeGreaterThan(100);
    expect(events.accepted + events.duplicates + rejected).toBe(events.sent);
    expect(events.rejected['consent-required']).toBeGreaterThan(0); // the revoked organization's instance kept sending
    expect(summary.droppedFields['actor.email']).toBe(events.accepted);

    // What the service counted: 15 organizations, and the accepted events in its tallies.
    const { db } = testApp.deps.database;
    const organizations = await db.selectFrom('organizations').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(Number(organizations.n)).toBe(15);
    const tallies = await db.selectFrom('ingest_tallies').select(['outcome', sql<number>`sum(events)`.as('events')]).groupBy('outcome').execute();
    const tally = Object.fromEntries(tallies.map((row) => [row.outcome, Number(row.events)]));
    // The erasure removed the revoked organization's contributions and, with them, its tallies of the erased
    // periods; nothing was released, so every remaining accepted event still has its replay guard.
    const guards = await db.selectFrom('replay_guards').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(tally.accepted).toBe(Number(guards.n));
    expect(tally.accepted).toBeLessThan(events.accepted);
    expect(tally.consent_required).toBe(events.rejected['consent-required']);
  }, 150_000);
});
