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
import { datasetCatalogueOf } from '../../src/releases/dataset-catalogue';
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
    // k = 10 rather than the fixture's 3: with public keys an empty key is noised too, and at k = 3 noise alone
    // sometimes lifts one of the 100 empty keys of 2026-W46 to k; at 10 it practically never does.
    testApp = await createTestApp({ dialect: 'sqlite', config: { ...TEST_RELEASE_CONFIG, kAnonymity: 10 } });
    // More cells than the fixture's two, so the charts have something to show.
    await insertCounters(testApp.testDatabase.database, [
      ...crowd(24, { period: '2026-W48', cell: { protocol: 'api', classification: 'inference_output', ai_platform: 'anthropic', sso: 1 }, events: 40 }),
      ...crowd(18, { from: 50, period: '2026-W48', cell: { protocol: 'as2', classification: 'model_artifact', cross_org: 0, signature_verified: 1, sector: 'healthcare' }, events: 9 }),
    ]);
    // 2026-W46 had a single organization: a release that published no key.
    await publishTestPeriod(testApp, { period: '2026-W46', organizations: 1 });
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
    expect(await page.locator('section.card').count()).toBe(datasetCatalogueOf(testApp.deps).datasets.length);
    const volume = page.locator('#dataset-ai-transfer-volume');
    expect(await volume.textContent()).toContain('Latest release: 2026-W48 (4 keys published, 96 not published)');
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
    // Every key of the domain: the 4 published ones with values, the others saying why they are missing.
    expect(await page.locator('#release-table tbody tr[data-status="published"]').count()).toBe(4);
    expect(await page.locator('#release-table tbody tr').count()).toBe(5 * 10 * 2);
    expect(await page.locator('#release-table tbody tr[data-status="published"]').first().textContent()).toMatch(/AI-generated code|Training dataset/);
    expect(await page.locator('#release-table tbody tr[data-status="suppressed"]').first().textContent()).toContain('not published');
    expect(await page.locator('#release-table').textContent()).toMatch(/Inference output/);
    expect(await page.locator('#releases-table tbody tr').count()).toBe(3);
    expect(await page.locator('#releases-table tbody tr').first().textContent()).toContain('4 keys published, 96 not published');
    // About this data: plain words first, the exact parameters one link away.
    const about = await page.locator('#about').textContent();
    expect(about).toMatch(/What is counted[\s\S]*Reading a value[\s\S]*Why a value may be missing[\s\S]*What is guaranteed to an organization/);
    expect(about).toContain('fewer than k organizations');
    expect(about).toContain('Over any 12 months');
    expect(await page.locator('#about a[href="#methodology"]').count()).toBe(1);
    expect(await page.locator('#release-table').textContent()).not.toMatch(/\de[+-]\d/);
    expect(await page.locator('#methodology + dl').textContent()).toMatch(/Clamp|cap|bounded|At most 10 cells/);

    // The download link serves the signed CSV.
    const csvLink = page.locator('ul.downloads a', { hasText: 'data.csv' });
    const csv = await page.request.get(`${baseUrl}${await csvLink.getAttribute('href')}`);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split('\n')[0]).toBe('period,content_class,protocol,boundary,measure,status,suppression_reason,value,noise_sd,ci95_low,ci95_high');
    await page.screenshot({ path: `${ARTIFACTS}/dataset-latest.png`, fullPage: true });
  });

  it('shows an earlier release from the history, and a dataset with flag cells', async () => {
    await page.locator('#releases-table a', { hasText: '2026-W47' }).click();
    await page.waitForURL(/release=/);
    expect(await page.locator('#release').textContent()).toContain('2026-W47 (an earlier release)');
    await expectChartDrawn('chart-transfer_count');

    await page.goto(`${baseUrl}/console/datasets/ai-platform-access-controls`);
    await expectChartDrawn('chart-distinct_organizations');
    expect(await page.locator('#release-table').textContent()).toMatch(/Anthropic[\s\S]*SSO/);
    await page.screenshot({ path: `${ARTIFACTS}/access-controls.png`, fullPage: true });
  });

  it('says so when a release published no key', async () => {
    await page.goto(`${baseUrl}/console/datasets/ai-transfer-volume`);
    const emptyRow = page.locator('#releases-table tbody tr', { hasText: '2026-W46' });
    expect(await emptyRow.textContent()).toContain('No keys published (100 not published)');
    await emptyRow.locator('a', { hasText: '2026-W46' }).click();
    await page.waitForURL(/release=/);
    expect(await page.locator('#no-keys-published').textContent()).toContain('This release published no keys');
    expect(await page.locator('canvas').count()).toBe(0);
    expect(await page.locator('#release-table tbody tr[data-status="published"]').count()).toBe(0);
  });

  it('fits a 390 px phone: catalogue and dataset page without horizontal overflow, charts drawn', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const path of ['/console/datasets', '/console/datasets/ai-transfer-volume', '/console/datasets/ai-platform-access-controls']) {
        await page.goto(`${baseUrl}${path}`);
        if (path !== '/console/datasets') await expectChartDrawn('chart-distinct_organizations');
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
        expect(scrollWidth, path).toBeLessThanOrEqual(innerWidth);
        await page.screenshot({ path: `${ARTIFACTS}/${path.split('/').pop()}-390.png`, fullPage: true });
        await page.screenshot({ path: `${ARTIFACTS}/${path.split('/').pop()}-390-top.png`, clip: { x: 0, y: 0, width: 390, height: 2200 }, fullPage: true });
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
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
