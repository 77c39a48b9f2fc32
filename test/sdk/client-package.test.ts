/**
 * The SDK as product teams get it: `ai-transfer-telemetry-aggregator/client`, resolved through the
 * package's `exports` by plain Node.js (no TypeScript loader) and by the TypeScript compiler with
 * Node's module resolution, sending to a real server. The JavaScript build in client/ must match
 * what `npm run build:client` makes from src/sdk.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsentingOrg } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

describe('package entry ai-transfer-telemetry-aggregator/client', () => {
  let consumer: string;

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), 'sdk-consumer-'));
    mkdirSync(join(consumer, 'node_modules'));
    // What `npm install <this repository>` leaves in a product's node_modules, without copying it.
    symlinkSync(ROOT, join(consumer, 'node_modules', 'ai-transfer-telemetry-aggregator'), 'dir');
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'product', private: true, type: 'module' }));
  });
  afterAll(() => rmSync(consumer, { recursive: true, force: true }));

  it('client/ is what npm run build:client makes from src/sdk', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sdk-build-'));
    try {
      await run(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.client.json'), '--outDir', out], { cwd: ROOT });
      const built = readdirSync(out).sort();
      expect(built).toEqual(readdirSync(join(ROOT, 'client')).sort());
      for (const file of built) {
        expect(readFileSync(join(ROOT, 'client', file), 'utf8'), `client/${file} is stale: run npm run build:client`).toBe(readFileSync(join(out, file), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('type-checks in a product that uses Node.js module resolution', async () => {
    writeFileSync(
      join(consumer, 'check.ts'),
      [
        "import { createTelemetryClient, TelemetryApiError, type FlushOutcome } from 'ai-transfer-telemetry-aggregator/client';",
        "const client = createTelemetryClient({ baseUrl: 'http://127.0.0.1:1', token: 't', batchSize: 100, flushIntervalMs: 1000 });",
        'const queued: boolean = client.enqueue({});',
        'const outcome: FlushOutcome = await client.close();',
        'export const summary = [queued, outcome.accepted, outcome.failed, TelemetryApiError.name];',
        '// @ts-expect-error batchSize is a number',
        "createTelemetryClient({ baseUrl: 'x', token: 't', batchSize: 'many' });",
      ].join('\n'),
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [], skipLibCheck: true }, files: ['check.ts'] }),
    );
    const result = await run(process.execPath, [TSC, '-p', consumer]).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }));
    expect(result.stdout).toBe('');
  }, 60_000);

  describe('against a real server', () => {
    let testApp: TestApp;
    let server: ServerType;
    let baseUrl: string;
    beforeAll(async () => {
      testApp = await createTestApp();
      server = serve({ fetch: testApp.app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise((resolvePromise) => server.once('listening', resolvePromise));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolvePromise) => server.close(resolvePromise));
      await testApp.dispose();
    });

    it('plain Node.js imports the JavaScript build and sends through it', async () => {
      const { ingestToken } = await registerConsentingOrg(testApp);
      writeFileSync(
        join(consumer, 'send.mjs'),
        `import { createTelemetryClient } from 'ai-transfer-telemetry-aggregator/client';
const client = createTelemetryClient({ baseUrl: process.argv[2], token: process.argv[3], batchSize: 2 });
for (let n = 1; n <= 3; n += 1) {
  client.enqueue({ eventId: '00000000-0000-4000-8000-00000000000' + n, occurredAt: '2026-11-26T12:01:00Z',
    transfer: { protocol: 'api', direction: 'outbound', crossOrg: true, sizeBytes: 1000, outcome: 'delivered', fileName: 'x.txt' },
    content: { classification: 'inference_output', aiPlatform: 'anthropic', artifactClass: 'other' },
    controls: { mfa: true, sso: true, linkExpiry: false, downloadLimit: false, ipAllowlist: false, watermark: false, dlpScan: false, customerManagedKeys: false },
    integrity: { evidence: 'none', chainOfCustodyRecorded: false }, geo: { country: 'FR' } });
}
console.log(JSON.stringify(await client.close()));
`,
      );
      const { stdout } = await run(process.execPath, [join(consumer, 'send.mjs'), baseUrl, ingestToken], { cwd: consumer });
      expect(JSON.parse(stdout)).toMatchObject({ accepted: 3, failed: 0, droppedFields: { 'transfer.fileName': 3 } });
    }, 60_000);
  });
});
