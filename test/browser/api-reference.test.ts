/**
 * The API reference at /docs in a real browser: Scalar's renderer, served by the service itself,
 * draws the API's title and its operations from /openapi.json under the page's CSP, without a
 * single request to another host and without console errors. It links to the consoles.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, openBrowserHarness } from '../support/browser-harness';
import { createTestApp, type TestApp } from '../support/test-app';

const ARTIFACTS = 'test-artifacts/api-reference';

describe('API reference (/docs) in Chromium', () => {
  let testApp: TestApp;
  let harness: BrowserHarness;
  const requested: string[] = [];
  const notFound: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    testApp = await createTestApp({ dialect: 'sqlite' });
    harness = await openBrowserHarness(testApp.app.fetch);
    harness.page.on('request', (request) => requested.push(request.url()));
    harness.page.on('response', (response) => {
      if (response.status() === 404) notFound.push(new URL(response.url()).pathname);
    });
  });

  afterAll(async () => {
    await harness?.close();
    await testApp?.dispose();
  });

  it('renders the API title and its operations from the service alone', { timeout: 240_000 }, async () => {
    const { page, baseUrl } = harness;
    // The renderer is one 4.7 MB script: on a loaded machine parsing it takes a while, so wait for what it draws.
    const response = await page.goto(`${baseUrl}/docs`, { waitUntil: 'commit' });
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]{24}'/);
    expect(csp).not.toContain('unsafe-eval');
    await page.getByRole('heading', { name: 'AI transfer telemetry aggregator' }).first().waitFor({ timeout: 150_000 });
    await page.getByText('Readiness: database reachable and migrations current').first().waitFor({ timeout: 150_000 });
    await page.screenshot({ path: `${ARTIFACTS}/docs-1280.png` });
    expect(await page.locator('a[href="/console/datasets"]').count()).toBeGreaterThan(0);
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith(baseUrl) && !url.startsWith('data:') && !url.startsWith('blob:'))).toEqual([]);
  });

  it('serves a fresh nonce per response and the bundle from /docs/assets', async () => {
    const [first, second] = await Promise.all([testApp.app.request('/docs'), testApp.app.request('/docs')]);
    const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonceOf(first)).toBeDefined();
    expect(nonceOf(first)).not.toBe(nonceOf(second));
    expect(await first.text()).toContain(`nonce="${nonceOf(first)}"`);
    const bundle = await testApp.app.request('/docs/assets/scalar-api-reference.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    // Every other page keeps the strict policy.
    expect((await testApp.app.request('/console/datasets')).headers.get('content-security-policy')).toContain("script-src 'self';");
  });

  it('raised no browser console errors and asked for nothing missing', () => {
    expect(notFound).toEqual([]);
    expect(harness.consoleErrors).toEqual([]);
  });
});
