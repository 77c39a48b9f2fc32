/**
 * `npm run release` after a crash, for real (a child process on a SQLite file, the system clock):
 * a release refused because of a dead lock says when the lock expires and that --resume takes it
 * over; a released period whose retention was interrupted says so and how to finish it, and
 * --finish-retention does.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDatabase } from '../../src/db/dialects/sqlite';
import { migrateToLatest } from '../../src/db/migrations';
import { periodContaining } from '../../src/periods/period';
import { contributorName, insertCounters } from './release-fixtures';

const run = promisify(execFile);

/** Runs the CLI; resolves with its exit code and output whatever the code. */
async function releaseCli(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(join('node_modules', '.bin', 'tsx'), ['scripts/release.ts', ...args], {
      timeout: 60_000,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run release after a crash', () => {
  let folder: string;
  let env: Record<string, string>;
  // Weeks that ended more than the grace window ago by the system clock.
  const thisWeek = periodContaining(new Date(), 'week');
  const weekBefore = (weeks: number) => periodContaining(new Date(thisWeek.start.getTime() - weeks * 7 * 86_400_000), 'week');
  const crashedRelease = weekBefore(2);
  const interruptedRetention = weekBefore(3);

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'release-cli-'));
    const url = `file:${join(folder, 'telemetry.sqlite')}`;
    env = { APP_ENV: 'test', DATABASE_URL: url, DATA_DIR: folder, PERIOD: 'week', LOG_LEVEL: 'silent' };
    const database = createSqliteDatabase(url);
    await migrateToLatest(database.db);
    const now = new Date();
    await database.db
      .insertInto('period_releases')
      .values([
        // A release that started two minutes ago and whose process died.
        { period: crashedRelease.id, started_at: new Date(now.getTime() - 120_000).toISOString(), completed_at: null, status: 'started' },
        // A released period whose counters were not all deleted.
        { period: interruptedRetention.id, started_at: now.toISOString(), completed_at: now.toISOString(), status: 'completed' },
      ])
      .execute();
    await insertCounters(database, [0, 1, 2].map((index) => ({ contributor: contributorName(index), period: interruptedRetention.id })));
    await database.close();
  }, 60_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('a dead lock: says when it expires and that --resume takes it over', async () => {
    const result = await releaseCli(env, '--period', crashedRelease.id);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^refused \(conflict\): A release of period \S+ started at \S+ and has not finished/m);
    expect(result.stderr).toMatch(/its lock expires at \d{4}-\d\d-\d\dT[\d:.]+Z/);
    expect(result.stderr).toContain(`npm run release -- --period ${crashedRelease.id} --resume`);
  }, 60_000);

  it('an interrupted retention: says it is unfinished and how to finish it; --finish-retention finishes it', async () => {
    const refused = await releaseCli(env, '--period', interruptedRetention.id);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refused \(already-released\): .*Its retention is unfinished/);
    expect(refused.stderr).toContain('npm run release -- --finish-retention');

    const finished = await releaseCli(env, '--finish-retention');
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain(`retention of ${interruptedRetention.id} finished: 3 counter rows and 0 replay guards deleted`);
  }, 120_000);
});
