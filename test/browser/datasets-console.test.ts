/**
 * The dataset browser in a real browser: the real app on a real HTTP server, two released weeks,
 * headless Chromium under the production CSP. Checks the catalogue, a dataset's latest release as a
 * table and interval charts (Chart.js instances with painted pixels), that the downloads are the
 * signed files, that an earlier release can be shown, that no console error occurs, and saves
 * screenshots to test-artifacts/datasets-console/.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodReleaseResult } from '../../src/releases/release-period';
import { crowd, insertCounters, publishTestPeriod, TEST_RELEASE_CONFIG } from '../releases/release-fixtures';
import { type BrowserHarness, expectChartDrawn as expectCanvasDrawn, openBrowserHarness } from '../support/browser-harness';
import { createTestApp, type TestApp } from '../support/test-app';

const ARTIFACTS = 'test-artifacts/datasets-console';
describe('dataset browser in Chromium', () => {
  let testApp: TestApp;
  let harness: BrowserHarness;
  let page: Page;
  let baseUrl: string;
  let releases: PeriodReleaseResult[];
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    testApp = await createTestApp({ dialect: 'sqlite', config: TEST_RELEASE_CONFIG });
    // More cells than the fixture's two, so the charts have something to show.
    await insertCounters(testApp.testDatabase.database, [
      ...crowd(24, { period: '2026-W48', cell: { protocol: 'api', classification: 'inference_output', ai_platform: 'anthropic', sso: 1 }, events: 40 }),
      ...crowd(18, { from: 50, period: '2026-W48', cell: { protocol: 'as2', classification: 'model_artifact', cross_org: 0, signature_verified: 1, sector: 'healthcare' }, events: 9 }),
    ]);
    releases = [await publishTestPeriod(testApp, { period: '2026-W47' }), await publishTestPeriod(testApp, { period: '2026-W48' })];

    harness = await openBrowserHarness(testApp.app.fetch);
    ({ page, baseUrl, consoleErrors } = harness);
  });

  afterAll(async () => {
    await harness?.close();
    await testApp?.dispose();
  });

  const expectChartDrawn = (canvasId: string) => expectCanvasDrawn(page, canvasId);

  it('lists the catalogue with each dataset\'s latest release and downloads', async () => {
    const response = await page.goto(`${baseUrl}/console/datasets`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Datasets');
    expect(await page.locator('section.card').count()).toBe(4);
    const volume = page.locator('#dataset-ai-transfer-volume');
    expect(await volume.textContent()).toContain('Latest release: 2026-W48');
    const csvHref = await volume.locator('a', { hasText: 'CSV' }).getAttribute('href');
    const latestVolume = releases[1]!.releases.find((release) => release.datasetId === 'ai-transfer-volume')!;
    expect(csvHref).toBe(`/v1/releases/${latestVolume.id}/data.csv`);
    await page.screenshot({ path: `${ARTIFACTS}/catalogue.png`, fullPage: true });
  });

  it('shows a dataset\'s latest release as a table and interval charts, with methodology and history', async () => {
    const response = await page.goto(`${baseUrl}/console/datasets/ai-transfer-volume`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('#release').textContent()).toContain('2026-W48 (latest)');
    for (const measure of ['transfer_count', 'distinct_organizations', 'clamped_byte_sum']) await expectChartDrawn(`chart-${measure}`);
    const rows = page.locator('#release-table tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await page.locator('#release-table').textContent()).toMatch(/inference_output/);
    expect(await page.locator('#releases-table tbody tr').count()).toBe(2);
    expect(await page.locator('#methodology + dl').textContent()).toMatch(/Clamp|cap|bounded|At most 10 cells/);

    // The download link serves the signed CSV.
    const csvLink = page.locator('ul.downloads a', { hasText: 'data.csv' });
    const csv = await page.request.get(`${baseUrl}${await csvLink.getAttribute('href')}`);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split('\n')[0]).toBe('period,content_class,protocol,boundary,measure,value,noise_sd,ci95_low,ci95_high');
    await page.screenshot({ path: `${ARTIFACTS}/dataset-latest.png`, fullPage: true });
  });

  it('shows an earlier release from the history, and a dataset with flag cells', async () => {
    await page.locator('#releases-table a', { hasText: '2026-W47' }).click();
    await page.waitForURL(/release=/);
    expect(await page.locator('#release').textContent()).toContain('2026-W47 (an earlier release)');
    await expectChartDrawn('chart-transfer_count');

    await page.goto(`${baseUrl}/console/datasets/ai-platform-access-controls`);
    await expectChartDrawn('chart-distinct_organizations');
    expect(await page.locator('#release-table').textContent()).toMatch(/anthropic[\s\S]*sso/);
    await page.screenshot({ path: `${ARTIFACTS}/access-controls.png`, fullPage: true });
  });

  it('renders unknown datasets as an HTML error page', async () => {
    const response = await page.goto(`${baseUrl}/console/datasets/no-such-dataset`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('p.notice.error').textContent()).toMatch(/No dataset with this id/);
  });

  it('raised no browser console errors (CSP, scripts, charts)', () => {
    expect(consoleErrors.filter((message) => !/404 \(Not Found\)/.test(message))).toEqual([]);
  });
});
