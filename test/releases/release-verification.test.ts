/**
 * A researcher's view: download a release over HTTP and verify it with stock openssl and with
 * `npm run verify`, including the whole chain; then check that changing any byte of any file
 * makes verification fail.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodReleaseResult } from '../../src/releases/release-period';
import type { Ed25519PublicJwk } from '../../src/releases/release-signing';
import { verifyChainLink, verifyPackage } from '../../src/releases/release-verification';
import { createTestApp, type TestApp } from '../support/test-app';
import { publishTestPeriod, runVerify, TEST_RELEASE_CONFIG } from './release-fixtures';

const run = promisify(execFile);

describe('release verification', () => {
  let testApp: TestApp;
  let server: ServerType;
  let origin: string;
  let folder: string;
  let releases: PeriodReleaseResult[];
  let keys: Ed25519PublicJwk[];

  beforeAll(async () => {
    testApp = await createTestApp({ config: TEST_RELEASE_CONFIG });
    releases = [
      await publishTestPeriod(testApp, { period: '2026-W46' }),
      await publishTestPeriod(testApp, { period: '2026-W47' }),
      await publishTestPeriod(testApp, { period: '2026-W48' }),
    ];
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: testApp.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    folder = mkdtempSync(join(tmpdir(), 'release-verify-'));
    keys = (await (await fetch(`${origin}/.well-known/jwks.json`)).json()).keys;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(folder, { recursive: true, force: true });
    await testApp.dispose();
  });

  const latestVolume = () => releases[2]!.releases.find((release) => release.datasetId === 'ai-transfer-volume')!;

  it('npm run verify checks a release URL and its whole chain, and saves a folder that verifies offline', async () => {
    const url = `${origin}/v1/releases/${latestVolume().id}`;
    const online = await runVerify(url, '--chain', '--save', folder);
    expect(online.stdout).toContain('verified 3 release(s)');
    expect(online.code).toBe(0);
    expect(online.stdout.match(/✓ chain link/g)).toHaveLength(2);

    const offline = await runVerify(folder, '--chain');
    expect(offline.stdout).toContain('verified 3 release(s)');
    expect(offline.code).toBe(0);
  }, 120_000);

  it('a single downloaded release verifies on its own; --chain fails without its previous release, and a previous release that differs fails', async () => {
    const [w47, w48] = [releases[1]!, releases[2]!].map((result) => result.releases.find((release) => release.datasetId === 'ai-transfer-volume')!.id);
    const alone = mkdtempSync(join(tmpdir(), 'release-single-'));
    try {
      cpSync(join(folder, w48!), join(alone, w48!), { recursive: true });
      cpSync(join(folder, 'jwks.json'), join(alone, 'jwks.json'));
      const single = await runVerify(join(alone, w48!));
      expect(single.stdout).toContain('chain link: not checked (previous release not given)');
      expect(single.stdout).toContain('verified 1 release(s)');
      expect(single.stdout).not.toMatch(/✗/);
      expect(single.code).toBe(0);

      const chained = await runVerify(join(alone, w48!), '--chain');
      expect(chained.stdout).toMatch(new RegExp(`✗ chain link: previous release ${w47} not found`));
      expect(chained.code).toBe(1);
      // A folder of downloads verifies the links it can; the oldest one's previous release is missing.
      expect((await runVerify(alone)).code).toBe(0);
      expect((await runVerify(alone, '--chain')).code).toBe(1);

      // Another release saved under the previous release's id is caught, with or without --chain.
      const w46 = releases[0]!.releases.find((release) => release.datasetId === 'ai-transfer-volume')!.id;
      cpSync(join(folder, w46), join(alone, w47!), { recursive: true });
      const impostor = await runVerify(join(alone, w48!));
      expect(impostor.stdout).toMatch(/✗ chain link/);
      expect(impostor.code).toBe(1);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  }, 90_000);

  it('stock openssl verifies the detached signature over the served datapackage.json with the published key', async () => {
    const id = latestVolume().id;
    const kid = keys[0]!.kid;
    const dir = mkdtempSync(join(tmpdir(), 'openssl-'));
    try {
      writeFileSync(join(dir, 'pub.pem'), await (await fetch(`${origin}/v1/signing-keys/${kid}.pem`)).text());
      writeFileSync(join(dir, 'datapackage.json'), new Uint8Array(await (await fetch(`${origin}/v1/releases/${id}/datapackage.json`)).arrayBuffer()));
      writeFileSync(join(dir, 'sig.bin'), new Uint8Array(await (await fetch(`${origin}/v1/releases/${id}/datapackage.json.sig`)).arrayBuffer()));
      const verifyArgs = ['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'pub.pem'), '-rawin', '-in', join(dir, 'datapackage.json'), '-sigfile', join(dir, 'sig.bin')];
      const good = await run('openssl', verifyArgs);
      expect(good.stdout).toMatch(/Signature Verified Successfully/);

      // The base64 form decodes to the same signature with stock tools.
      const b64 = await (await fetch(`${origin}/v1/releases/${id}/datapackage.json.sig.b64`)).text();
      expect(Buffer.from(b64.trim(), 'base64')).toEqual(readFileSync(join(dir, 'sig.bin')));

      const tampered = readFileSync(join(dir, 'datapackage.json'));
      tampered[100] = tampered[100]! ^ 0x01;
      writeFileSync(join(dir, 'datapackage.json'), tampered);
      await expect(run('openssl', verifyArgs)).rejects.toMatchObject({ stdout: expect.stringMatching(/Signature Verification Failure/) });

      // And the data files are bound to the signed descriptor by their SHA-256.
      const csv = new Uint8Array(await (await fetch(`${origin}/v1/releases/${id}/data.csv`)).arrayBuffer());
      writeFileSync(join(dir, 'data.csv'), csv);
      const digest = await run('openssl', ['dgst', '-sha256', '-r', join(dir, 'data.csv')]);
      const descriptor = JSON.parse(await (await fetch(`${origin}/v1/releases/${id}/datapackage.json`)).text());
      expect(`sha256:${digest.stdout.split(' ')[0]}`).toBe(descriptor.resources[0].hash);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('changing any byte of any file makes verification fail', async () => {
    const base = join(folder, latestVolume().id);
    const names = ['datapackage.json', 'data.csv', 'data.json', 'noisy-measurements.csv', 'data.parquet', 'spdx.json', 'provenance.intoto.jsonl', 'datapackage.json.sig'];
    const files = Object.fromEntries(names.map((name) => [name, new Uint8Array(readFileSync(join(base, name)))]));
    const sourceWith = (changed: string, bytes: Uint8Array) => ({
      read: async (path: string) => (path === changed ? bytes : files[path]),
    });
    expect((await verifyPackage(sourceWith('none', new Uint8Array()), keys)).ok).toBe(true);
    for (const name of names) {
      const original = files[name]!;
      // Every byte of the first and last 512 bytes and every 251st between: with public keys the data files
      // have a row per declared key, and flipping each of their bytes would take minutes.
      const positions = Array.from({ length: original.byteLength }, (_, index) => index).filter(
        (index) => index < 512 || index >= original.byteLength - 512 || index % 251 === 0,
      );
      for (const index of positions) {
        const copy = original.slice();
        copy[index] = copy[index]! ^ 0x01;
        const verification = await verifyPackage(sourceWith(name, copy), keys);
        if (verification.ok) throw new Error(`flipping byte ${index} of ${name} went unnoticed`);
      }
    }
    // Appending or truncating a data file is caught by the size and the hash too.
    const longer = new Uint8Array([...files['data.csv']!, 0x0a]);
    expect((await verifyPackage(sourceWith('data.csv', longer), keys)).ok).toBe(false);

    writeFileSync(join(base, 'data.csv'), longer);
    const cli = await runVerify(base);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/✗ data\.csv sha256/);
  }, 600_000);

  it('a broken chain link is reported', async () => {
    const [older, newer] = await Promise.all(
      [releases[0]!, releases[2]!].map(async (result) => {
        const id = result.releases[0]!.id;
        return verifyPackage({ read: async (path) => new Uint8Array(await (await fetch(`${origin}/v1/releases/${id}/${path}`)).arrayBuffer()) }, keys);
      }),
    );
    expect(older!.ok && newer!.ok).toBe(true);
    expect(verifyChainLink(newer!, older!).ok).toBe(false); // W48 names W47, not W46
  });
});
