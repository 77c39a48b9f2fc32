/**
 * Drives wrangler from tests: the CLI's `wrangler d1 migrations apply --local` into a fresh state
 * directory, then wrangler's local dev server (bundler, workerd, local D1; see dev-server.ts) on a
 * free loopback port, so the Workers suite exercises the same bundle, runtime and D1 semantics an
 * operator gets from `wrangler dev --local`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { generateSigningKeyPkcs8 } from '../../../src/node/secrets-file';
import type { DevServerOptions } from './dev-server';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const WRANGLER_BIN = join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const DEV_SERVER = join(REPO_ROOT, 'test', 'workers', 'support', 'dev-server.ts');
/** database_name of the D1 binding in wrangler.toml. */
export const D1_DATABASE_NAME = 'telemetry';

/** Environment for every wrangler child: no telemetry, no prompts, logs and registry kept in `workDir`. */
function wranglerEnvironment(workDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CI: '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    WRANGLER_NO_SKILLS_UPDATE_PROMPTS: 'true',
    WRANGLER_HIDE_BANNER: 'true',
    // Miniflare would otherwise fetch a sample Request.cf object from workers.cloudflare.com.
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_LOG_PATH: join(workDir, 'logs'),
    WRANGLER_REGISTRY_PATH: join(workDir, 'registry'),
  };
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one wrangler command to completion from the repository root. */
export function runWrangler(args: readonly string[], workDir: string, timeoutMs = 60_000): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [WRANGLER_BIN, ...args], {
      cwd: REPO_ROOT,
      env: wranglerEnvironment(workDir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wrangler ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A port the OS just handed out on 127.0.0.1 (free at the time of the call). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePromise(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** Fresh secrets for one suite, in the encodings wrangler secrets and .dev.vars use. */
export async function generateTestSecrets(): Promise<{ PSEUDONYM_KEY: string; SIGNING_KEY: string }> {
  const pseudonymKey = new Uint8Array(32);
  crypto.getRandomValues(pseudonymKey);
  return {
    PSEUDONYM_KEY: Buffer.from(pseudonymKey).toString('hex'),
    SIGNING_KEY: Buffer.from(await generateSigningKeyPkcs8()).toString('base64'),
  };
}

export interface WorkersServer {
  url: string;
  /** Scratch directory of this server (state, logs); removed by stop(). */
  workDir: string;
  /** The D1 state directory (`--persist-to`). */
  persistTo: string;
  /** Everything wrangler and the Worker printed so far (the app logs JSON lines to stdout). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Entry module relative to the repository root (default: wrangler.toml's `main`). */
  entry?: string;
  vars?: Record<string, string>;
  /** Skip `wrangler d1 migrations apply` (to see readiness fail on an empty database). */
  skipMigrations?: boolean;
  /** Wait for /healthz to answer 200 (default), or for any HTTP answer (a misconfigured Worker answers 500). */
  expectHealthy?: boolean;
  startTimeoutMs?: number;
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, output: () => string, healthy: boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Workers dev server exited with ${child.exitCode}\n${output()}`);
    try {
      // A request can hang while the runtime starts; never wait past the deadline for one.
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(Math.max(1, Math.min(5000, deadline - Date.now()))) });
      await response.arrayBuffer();
      if (response.status === 200 || (!healthy && /^READY /m.test(output()))) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 150));
  }
  throw new Error(`the Workers dev server did not become healthy within ${timeoutMs} ms\n${output()}`);
}

/**
 * Applies the D1 migrations to a fresh local state directory (`wrangler d1 migrations apply
 * --local --persist-to`) and starts the Worker as `wrangler dev --local --test-scheduled` would
 * (so `/__scheduled?cron=...` runs the cron handler) on a free loopback port, without file
 * watching (see dev-server.ts).
 */
export async function startWorkersServer(options: StartOptions = {}): Promise<WorkersServer> {
  try {
    return await startOnce(options);
  } catch (error) {
    // workerd occasionally fails to come up on a loaded machine; a second attempt starts from scratch.
    console.warn(`Workers dev server did not start; retrying once. ${(error as Error).message.slice(0, 2000)}`);
    return startOnce(options);
  }
}

/** Process groups of running dev servers, ended even if a test run is torn down without afterAll. */
const runningGroups = new Set<number>();
process.once('exit', () => {
  for (const pgid of runningGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function startOnce(options: StartOptions): Promise<WorkersServer> {
  const workDir = mkdtempSync(join(tmpdir(), 'telemetry-workers-'));
  const persistTo = join(workDir, 'state');
  if (!options.skipMigrations) {
    const migrate = await runWrangler(
      ['d1', 'migrations', 'apply', D1_DATABASE_NAME, '--local', '--persist-to', persistTo],
      workDir,
    );
    if (migrate.code !== 0) throw new Error(`d1 migrations apply failed\n${migrate.stdout}\n${migrate.stderr}`);
  }
  const port = await freeLoopbackPort();
  const devServerOptions: DevServerOptions = {
    config: join(REPO_ROOT, 'wrangler.toml'),
    ...(options.entry ? { entrypoint: join(REPO_ROOT, options.entry) } : {}),
    port,
    persistTo,
    vars: options.vars ?? {},
  };
  const args = ['--import', 'tsx', DEV_SERVER, JSON.stringify(devServerOptions)];
  // Own process group, so stop() can end the launcher and the workerd it started, and nothing else.
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: wranglerEnvironment(workDir),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid !== undefined) runningGroups.add(child.pid);
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.pid !== undefined) runningGroups.delete(child.pid);
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timeout = new Promise((resolvePromise) => setTimeout(resolvePromise, 5000, 'timeout'));
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(workDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(url, child, options.startTimeoutMs ?? 90_000, () => output, options.expectHealthy ?? true);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, workDir, persistTo, output: () => output, stop };
}
