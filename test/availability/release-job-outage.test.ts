/**
 * The release CLI when PostgreSQL goes away mid-release: it must end with a clear message and a
 * distinct exit status (no crash trace), publish nothing half-done, and finish with `--resume` once
 * the database is back. The CLI reaches PostgreSQL through a TCP proxy the test cuts as soon as
 * the release has taken its lock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { createPostgresDatabase } from '../../src/db/dialects/postgres';
import { migrateToLatest } from '../../src/db/migrations';
import { periodContaining } from '../../src/periods/period';
import { crowd, insertCounters } from '../releases/release-fixtures';
import { createScratchSchema, REPO_ROOT } from '../scale-out/support/node-servers';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { generateTestSecrets } from '../workers/support/wrangler';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL;
if (!POSTGRES_URL) console.warn('TEST_POSTGRES_URL is not set: the release-job outage suite is skipped.');

/** Enough counters that reading them takes a moment, so the cut lands inside the release. */
const COUNTER_ROWS = 20_000;

function runReleaseCli(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/release.ts', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

describe.skipIf(!POSTGRES_URL)('release job when PostgreSQL goes away mid-release', () => {
  let proxy: TcpProxy;
  let database: Database;
  let sql: pg.Client;
  let env: Record<string, string>;
  const period = periodContaining(new Date(Date.now() - 14 * 86_400_000), 'week').id;

  beforeAll(async () => {
    const url = new URL(POSTGRES_URL as string);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const schema = await createScratchSchema(url.toString(), 'releaseoutage');
    database = createPostgresDatabase({ url: url.toString(), poolSize: 2, searchPath: schema.name });
    await migrateToLatest(database.db, schema.name);
    const rows = crowd(COUNTER_ROWS, { period });
    for (let start = 0; start < rows.length; start += 1000) await insertCounters(database, rows.slice(start, start + 1000));
    sql = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema.name}` });
    await sql.connect();
    const proxied = new URL(url.toString());
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    env = {
      APP_ENV: 'test',
      ...(await generateTestSecrets()),
      DATABASE_URL: proxied.toString(),
      DATABASE_SCHEMA: schema.name,
      PERIOD: 'week',
      PERIOD_BUDGET_RHO: '40',
      YEARLY_BUDGET_RHO: String(40 * 53),
      K_ANONYMITY: '3',
    };
  }, 120_000);

  afterAll(async () => {
    await database?.close();
    await sql?.end();
    await proxy?.close();
  });

  it('stops with a clear message and exit 4, publishes nothing, and --resume finishes the release once the database is back', async () => {
    const first = runReleaseCli(['--period', period], env);
    // Cut as soon as the release holds its lock (it is then reading the period's counters).
    const deadline = Date.now() + 60_000;
    let cutWhile = 'never';
    while (Date.now() < deadline) {
      const [row] = (await sql.query('SELECT status FROM period_releases WHERE period = $1', [period])).rows as { status: string }[];
      if (row) {
        proxy.cut();
        cutWhile = row.status;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const stopped = await first.done;
    console.log(`release CLI, cut while ${cutWhile}: exit ${stopped.code}\n${stopped.stderr}`);
    expect(cutWhile).toBe('started');
    expect(stopped.code).toBe(4);
    expect(stopped.stderr).toMatch(/release stopped: The database is unreachable/);
    expect(stopped.stderr).toContain(`npm run release -- --period ${period} --resume`);
    // No crash trace, no unhandled error event.
    expect(stopped.stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
    expect(stopped.stderr).not.toMatch(/Unhandled|triggerUncaughtException/);
    expect((await sql.query('SELECT count(*)::int AS n FROM releases WHERE period = $1', [period])).rows[0].n).toBe(0);
    expect((await sql.query('SELECT count(*)::int AS n FROM budget_ledger WHERE period = $1', [period])).rows[0].n).toBe(0);

    proxy.restore();
    const resumed = await runReleaseCli(['--period', period, '--resume'], env).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resumed an abandoned release/);
    expect((await sql.query('SELECT status FROM period_releases WHERE period = $1', [period])).rows).toEqual([{ status: 'completed' }]);
    expect((await sql.query('SELECT count(*)::int AS n FROM releases WHERE period = $1', [period])).rows[0].n).toBeGreaterThan(0);
    expect((await sql.query('SELECT count(*)::int AS n FROM counters WHERE period = $1', [period])).rows[0].n).toBe(0);
  }, 180_000);
});
