/**
 * `npm start` as an operator runs it: a real npm process, stopped with SIGTERM (a process manager,
 * `kill`, a container stop) or SIGINT (Ctrl-C). The signal must reach the server, which finishes the
 * batch it is receiving, closes the database and exits 0, leaving no process and no listening port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testEventId, transferEvent } from '../support/fixtures';

const ADMIN_TOKEN = 'tagg_adm_shutdown-test-admin-token-0123456789abcdef';

interface StartedServer {
  npm: ChildProcess;
  port: number;
  /** npm and every process under it once the server listens. */
  processes: number[];
  output: () => string;
  /** npm's exit code, or 'still running' when it has not exited 20 s after the call. */
  exited: () => Promise<number | null | 'still running'>;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Every process below `pid` (Linux /proc), so the test can check none outlives npm. */
function descendants(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return [];
  const children = readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startWithNpm(): Promise<StartedServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'telemetry-shutdown-'));
  const npm = spawn('npm', ['start'], {
    env: {
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '',
      DATA_DIR: dataDir,
      DATABASE_URL: `file:${join(dataDir, 'telemetry.sqlite')}`,
      PORT: '0',
      RELEASE_SCHEDULER: 'false',
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const exited = () => Promise.race([exit, new Promise<'still running'>((resolve) => setTimeout(resolve, 20_000, 'still running'))]);
  const processes = [npm.pid!];
  cleanups.push(() => {
    // Processes orphaned by a failed shutdown are no longer below npm: kill what was there at start.
    for (const pid of new Set([...processes, ...descendants(npm.pid!)])) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  const deadline = Date.now() + 45_000;
  for (;;) {
    const listening = /"message":"listening"[^\n]*"port":(\d+)/.exec(output);
    if (listening) {
      processes.push(...descendants(npm.pid!));
      return { npm, port: Number(listening[1]), processes, output: () => output, exited };
    }
    if (npm.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not start listening:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function adminJson(port: number, method: string, path: string, body: unknown) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('npm start stops cleanly on a signal', () => {
  it('SIGTERM: the batch in flight is answered and counted, then the server exits 0 and nothing is left listening', async () => {
    const server = await startWithNpm();
    const org = await adminJson(server.port, 'POST', '/v1/admin/orgs', { name: 'Shutdown Org', sector: 'finance', sizeBand: '250-999', country: 'DE' });
    const instance = await adminJson(server.port, 'POST', `/v1/admin/orgs/${org.id}/instances`, { label: 'primary' });
    await adminJson(server.port, 'PUT', `/v1/orgs/${org.id}/consent`, { scope: 'research-telemetry', policyVersion: '2026-01', grantedBy: 'Jane Roe, CISO' });
    const occurredAt = new Date(Date.now() + 1000).toISOString();
    const body = JSON.stringify({ schemaVersion: 1, events: [1, 2, 3].map((n) => transferEvent({ eventId: testEventId(n), occurredAt })) });
    expect(server.processes.length).toBeGreaterThanOrEqual(2); // npm and the server under it

    // Half of the batch is on the wire when the signal arrives; the rest follows after it.
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const pending = request(
        { host: '127.0.0.1', port: server.port, path: '/v1/telemetry/batches', method: 'POST', headers: { authorization: `Bearer ${instance.token}`, 'content-type': 'application/json' } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      pending.on('error', reject);
      pending.write(body.slice(0, body.length / 2));
      setTimeout(() => {
        server.npm.kill('SIGTERM');
        setTimeout(() => pending.end(body.slice(body.length / 2)), 500);
      }, 300);
    });
    const { status, text } = await answer;
    expect(status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ accepted: 3, duplicates: 0 });

    expect(await server.exited()).toBe(0);
    expect(server.output()).toMatch(/"message":"shutting down[^\n]*"signal":"SIGTERM"/);
    expect(server.output()).toContain('"message":"stopped"');
    expect(server.processes.filter(isAlive)).toEqual([]);
    expect(await refusesConnections(server.port)).toBe(true);
  }, 90_000);

  it('SIGINT (Ctrl-C) reaches the server too', async () => {
    const server = await startWithNpm();
    // An idle keep-alive connection must not hold the shutdown open.
    const agentResponse = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(agentResponse.status).toBe(200);
    server.npm.kill('SIGINT');
    expect(await server.exited()).toBe(0);
    expect(server.output()).toMatch(/"signal":"SIGINT"/);
    expect(server.processes.filter(isAlive)).toEqual([]);
    expect(await refusesConnections(server.port)).toBe(true);
  }, 90_000);
});
