/**
 * SQLite on a full disk: a real server process keeps its database on a 4 MiB tmpfs, and ingest
 * continues until the filesystem is full. Batches that no longer fit must answer 503
 * store-unavailable with Retry-After (never 500), the log must name SQLITE_FULL (not the
 * "cannot rollback" that used to hide it), /readyz must say disk-full, nothing partial may be
 * stored, and ingest must recover without a restart once space is freed.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent, type ConsentingOrg } from '../support/fixtures';
import { mountSmallFilesystem, type SmallFilesystem } from '../support/small-filesystem';
import { ADMIN_TOKEN, type TestApp } from '../support/test-app';
import { remoteApp } from '../workers/support/workers-client';
import { generateTestSecrets } from '../workers/support/wrangler';
import { type NodeServer, startNodeServer } from '../scale-out/support/node-servers';

const mounted = mountSmallFilesystem(4);
const unavailable = 'unavailable' in mounted ? mounted.unavailable : undefined;
if (unavailable) console.warn(`SQLite full-disk suite skipped: ${unavailable}`);

const BATCH_SIZE = 200;

describe.skipIf(unavailable !== undefined)('SQLite on a full disk', () => {
  const filesystem = mounted as SmallFilesystem;
  const databaseFile = join(filesystem.dir, 'telemetry.sqlite');
  const filler = join(filesystem.dir, 'filler');
  let server: NodeServer;
  let app: TestApp;
  let org: ConsentingOrg;

  beforeAll(async () => {
    server = await startNodeServer({
      APP_ENV: 'test',
      ...(await generateTestSecrets()),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      DATABASE_URL: `file:${databaseFile}`,
      DATA_DIR: filesystem.dir,
      INGEST_RATE_PER_MINUTE: '100000',
      API_RATE_PER_MINUTE: '100000',
      RELEASE_SCHEDULER: 'false',
      LOG_LEVEL: 'warn',
    });
    app = remoteApp(server.url);
    org = await registerConsentingOrg(app, { name: 'Full Disk Org' });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    filesystem.unmount();
  });

  it('answers 503 with Retry-After while full, reports disk-full on /readyz, and recovers once space is freed', async () => {
    const occurredAt = new Date(Date.now() + 1000).toISOString();
    let nextEvent = 0;
    const freshBatch = () =>
      Array.from({ length: BATCH_SIZE }, () => {
        nextEvent += 1;
        return { ...transferEvent({ eventId: testEventId(7_000_000 + nextEvent), occurredAt }), transfer: { ...(transferEvent().transfer as object), sizeBytes: nextEvent } };
      });
    // Leave a little room, then ingest until a batch no longer fits.
    writeFileSync(filler, Buffer.alloc(Math.max(0, filesystem.freeBytes() - 96 * 1024)));
    const stored: unknown[][] = [];
    let refused: { batch: unknown[]; response: Awaited<ReturnType<typeof sendBatch>> } | undefined;
    const statuses = new Set<number>();
    for (let attempt = 0; attempt < 100 && !refused; attempt += 1) {
      const batch = freshBatch();
      const response = await sendBatch(app, org.ingestToken, batch);
      statuses.add(response.status);
      if (response.status === 200) stored.push(batch);
      else refused = { batch, response };
    }
    expect(refused, 'the filesystem never filled').toBeDefined();
    const { response } = refused!;
    expect([...statuses].sort()).toEqual([200, 503]);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(response.json).toMatchObject({ type: '/problems/store-unavailable', reason: 'disk-full' });
    expect(String(response.json.detail)).toMatch(/disk is full/);

    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).not.toBeNull();
    expect(await notReady.json()).toMatchObject({ type: '/problems/not-ready', reason: 'disk-full' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.output()).toMatch(/SQLITE_FULL/);
    expect(server.output()).not.toMatch(/cannot rollback/);

    // Space freed: the refused batch goes through on retry, without a restart.
    rmSync(filler);
    const retried = await sendBatch(app, org.ingestToken, refused!.batch);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json.accepted).toBe(BATCH_SIZE);
    stored.push(refused!.batch);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    // Nothing partial, nothing twice: the counters hold exactly the accepted batches.
    const reader = new SqliteDatabase(databaseFile, { readonly: true });
    try {
      expect(reader.pragma('integrity_check', { simple: true })).toBe('ok');
      const counters = reader.prepare('SELECT coalesce(sum(events), 0) AS events, coalesce(sum(bytes), 0) AS bytes FROM counters').get() as { events: number; bytes: number };
      const guards = reader.prepare('SELECT count(*) AS n FROM replay_guards').get() as { n: number };
      const sentEvents = stored.length * BATCH_SIZE;
      expect({ events: counters.events, guards: guards.n }).toEqual({ events: sentEvents, guards: sentEvents });
    } finally {
      reader.close();
    }
  }, 120_000);
});
