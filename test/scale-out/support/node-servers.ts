/**
 * Starts real Node server processes (`node --import tsx src/node/main.ts`, as `npm start` does) on
 * free loopback ports, sharing one PostgreSQL schema, so scale-out behaviour is tested across
 * processes and connection pools rather than simulated inside one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { testSchemaName } from '../../support/test-database';
import { freeLoopbackPort } from '../../workers/support/wrangler';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface NodeServer {
  url: string;
  output(): string;
  /** null while the process runs. */
  exitCode(): number | null;
  stop(): Promise<void>;
}

async function waitForReady(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}\n${output()}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }
  throw new Error(`server at ${url} not ready within ${timeoutMs} ms\n${output()}`);
}

/** Server processes still running, ended even if a test run is torn down without afterAll. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts one server process with `env` on top of a minimal environment (PORT is chosen here). */
export async function startNodeServer(env: Record<string, string>, timeoutMs = 30_000): Promise<NodeServer> {
  const port = await freeLoopbackPort();
  const dataDir = mkdtempSync(join(tmpdir(), 'telemetry-node-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    running.delete(child);
    if (child.exitCode === null) {
      const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
      child.kill('SIGTERM');
      const timeout = new Promise((resolvePromise) => setTimeout(resolvePromise, 5000, 'timeout'));
      if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForReady(url, child, timeoutMs, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => output, exitCode: () => child.exitCode, stop };
}

/**
 * A fresh, empty schema in the test database. It is dropped when the whole test run ends
 * (test/support/postgres-global-setup.ts): dropping it earlier races other files' migrations.
 */
export async function createScratchSchema(postgresUrl: string, prefix: string): Promise<{ name: string; drop(): Promise<void> }> {
  const name = testSchemaName(prefix);
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.end();
  return { name, drop: async () => {} };
}
