/**
 * The data directory is 0700 and the SQLite files and secrets.json 0600, under a permissive umask:
 * they hold organization names, token hashes and the keys.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEnvironment } from '../../src/config';
import { createNodeDeps } from '../../src/node/node-deps';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('file modes of the data directory', () => {
  let root: string;
  let previousUmask: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'file-modes-'));
    previousUmask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(previousUmask);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the directory 0700 and the database, WAL, shared-memory and secrets files 0600', async () => {
    const dataDir = join(root, 'data');
    const env = parseEnvironment({ APP_ENV: 'development', DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, 'telemetry.sqlite')}`, LOG_LEVEL: 'silent' });
    const deps = await createNodeDeps(env);
    try {
      await deps.database.db.selectFrom('organizations').selectAll().execute();
      const files = readdirSync(dataDir);
      expect(files).toEqual(expect.arrayContaining(['telemetry.sqlite', 'telemetry.sqlite-wal', 'telemetry.sqlite-shm', 'secrets.json']));
      expect(modeOf(dataDir).toString(8)).toBe('700');
      for (const file of files) expect(`${file} ${modeOf(join(dataDir, file)).toString(8)}`).toBe(`${file} 600`);
    } finally {
      await deps.database.close();
    }
  });

  it('tightens database and secrets files an older version left readable', async () => {
    const dataDir = join(root, 'existing');
    const env = parseEnvironment({ APP_ENV: 'development', DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, 'telemetry.sqlite')}`, LOG_LEVEL: 'silent' });
    const first = await createNodeDeps(env);
    await first.database.close();
    for (const file of readdirSync(dataDir)) chmodSync(join(dataDir, file), 0o644);
    writeFileSync(join(dataDir, 'telemetry.sqlite-wal'), '');
    chmodSync(join(dataDir, 'telemetry.sqlite-wal'), 0o644);
    const second = await createNodeDeps(env);
    try {
      for (const file of readdirSync(dataDir)) expect(`${file} ${modeOf(join(dataDir, file)).toString(8)}`).toBe(`${file} 600`);
    } finally {
      await second.database.close();
    }
  });
});
