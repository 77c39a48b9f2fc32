/**
 * `npm run demo` as a newcomer runs it, with a smaller coalition: a real npm process that builds the
 * service on a simulated clock, plays the coalition over HTTP and prints the URLs. The test follows
 * those URLs in Chromium (datasets console, privacy console signed in with the printed key, API
 * reference), checks through the public API that every period was released for every dataset, and
 * stops the demo with SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ORGANIZATIONS = 40;
const PERIODS = 2;

interface DemoUrls {
  datasets: string;
  privacySignIn: string;
  signInKey: string;
  docs: string;
}

describe('npm run demo', () => {
  let demo: ChildProcess;
  let exit: Promise<number | null>;
  let output = '';
  let urls: DemoUrls;
  let baseUrl: string;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'telemetry-demo-'));
    demo = spawn('npm', ['run', 'demo', '--', '--orgs', String(ORGANIZATIONS), '--periods', String(PERIODS), '--events-per-org', '60', '--port', '0', '--dir', dataDir], {
      env: { PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exit = new Promise((resolve) => demo.once('exit', (code) => resolve(code)));
    demo.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 150_000;
    while (!output.includes('Serving until Ctrl-C')) {
      if (demo.exitCode !== null || Date.now() > deadline) throw new Error(`the demo did not get ready:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const match = (pattern: RegExp) => {
      const found = pattern.exec(output);
      if (!found?.[1]) throw new Error(`${pattern} not in the demo's output:\n${output}`);
      return found[1];
    };
    urls = {
      datasets: match(/Datasets console\s+(\S+)/),
      privacySignIn: match(/Privacy console\s+(\S+)/),
      signInKey: match(/sign in with (\S+)/),
      docs: match(/API reference\s+(\S+)/),
    };
    baseUrl = new URL(urls.datasets).origin;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (demo && demo.exitCode === null) demo.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says what it simulated: organizations, consent changes, traffic with identifiers dropped, releases', () => {
    expect(output).toMatch(new RegExp(`Coalition: ${ORGANIZATIONS} organizations, \\d+ consented over time, [1-9]\\d* revoked, 1 erasure`));
    const telemetry = /Telemetry: (\d+) events sent through the SDK, (\d+) accepted, rejected: ([^;]+); (\d+) identifier fields dropped/.exec(output);
    expect(telemetry, output).not.toBeNull();
    const [, sent, accepted, rejected, dropped] = telemetry!;
    expect(Number(sent)).toBeGreaterThan(1000);
    expect(Number(accepted)).toBeGreaterThan(0.9 * Number(sent));
    expect(rejected).toMatch(/consent-required \d+/); // revoked organizations' instances kept sending
    expect(Number(dropped)).toBeGreaterThanOrEqual(8 * Number(accepted));
    expect(output).toMatch(/Ready in \d+\.\d s/);
  });

  it('released every simulated period for every dataset, in verifiable chains', async () => {
    const catalogue = (await (await fetch(`${baseUrl}/v1/datasets`)).json()) as { items: { id: string }[] };
    expect(catalogue.items.length).toBeGreaterThanOrEqual(4);
    const rows: { status?: string }[] = [];
    for (const dataset of catalogue.items) {
      const listing = (await (await fetch(`${baseUrl}/v1/datasets/${dataset.id}/releases`)).json()) as {
        items: { id: string; period: string; previousReleaseId: string | null }[];
      };
      const releases = [...listing.items].sort((a, b) => a.period.localeCompare(b.period));
      expect(releases, dataset.id).toHaveLength(PERIODS);
      expect(new Set(releases.map((release) => release.period)).size).toBe(PERIODS);
      expect(releases.map((release) => release.previousReleaseId)).toEqual([null, ...releases.slice(0, -1).map((release) => release.id)]);
      for (const release of releases) {
        const response = await fetch(`${baseUrl}/v1/releases/${release.id}/data.json`);
        expect(response.status).toBe(200);
        const body = (await response.json()) as unknown;
        rows.push(...((Array.isArray(body) ? body : ((body as { rows?: unknown[] }).rows ?? [])) as { status?: string }[]));
      }
    }
    // Releases that give every public key a row with a status show both kinds; releases of published
    // cells only (no status column) cannot show suppression, so the check applies once rows carry it.
    if (rows.some((row) => row.status !== undefined)) {
      expect(rows.some((row) => row.status === 'published'), 'some keys published').toBe(true);
      expect(rows.some((row) => row.status !== undefined && row.status !== 'published'), 'some keys suppressed').toBe(true);
    }
  });

  it('serves the pages it prints: the datasets console, the privacy console with the printed key, the API reference', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
    });

    expect((await page.goto(urls.datasets))?.status()).toBe(200);
    await expect(page.locator('h1').first().textContent()).resolves.toMatch(/Datasets/);
    await expect(page.locator('a[href*="ai-transfer-volume"]').count()).resolves.toBeGreaterThan(0);

    await page.goto(urls.privacySignIn);
    await page.fill('input[name="token"]', urls.signInKey);
    await Promise.all([page.waitForURL(`${baseUrl}/console/privacy`), page.click('button[type="submit"]')]);
    const overview = (await page.locator('main').textContent()) ?? '';
    expect(overview).toContain(String(ORGANIZATIONS));
    expect(overview).toMatch(/Revoked/);

    expect((await page.goto(urls.docs))?.status()).toBe(200);
    // Scalar draws the reference in the browser from the OpenAPI document the service serves.
    expect(await page.content()).toContain('/openapi.json');
    const openapi = (await (await fetch(new URL('/openapi.json', urls.docs))).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toContain('/v1/telemetry/batches');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps serving until SIGTERM, then exits 0', async () => {
    expect(demo.exitCode).toBeNull();
    demo.kill('SIGTERM');
    await expect(exit).resolves.toBe(0);
  });
});
