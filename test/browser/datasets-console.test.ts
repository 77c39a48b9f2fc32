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
    // One chart at a time, of the published keys in the table; the tabs switch the measure and keep the table as it is.
    await expectChartDrawn('chart-transfer_count');
    for (const measure of ['distinct_organizations', 'clamped_byte_sum']) {
      await page.locator('ul.tabs a', { hasText: measure === 'clamped_byte_sum' ? 'Bytes' : 'Organizations' }).click();
      await page.waitForURL(new RegExp(`chart=${measure}`));
      await expectChartDrawn(`chart-${measure}`);
    }
    // Every key of the domain, 20 to a page, published ones first: the 4 published with values, the others saying why they are missing.
    expect(await page.locator('#keys-count').textContent()).toContain('100 keys');
    expect(await page.locator('#release-table tbody tr[data-status="published"]').count()).toBe(4);
    expect(await page.locator('#release-table tbody tr').count()).toBe(20);
    expect(await page.locator('#release-table tbody tr[data-status="published"]').first().textContent()).toMatch(/AI-generated code|Training dataset/);
    expect(await page.locator('#release-table tbody tr[data-status="published"]').first().textContent()).toMatch(/\d \(95\u00a0%: \d[\d,]* to \d/);
    expect(await page.locator('#release-table tbody tr[data-status="suppressed"]').first().textContent()).toContain('not published: fewer than k organizations (k = 10)');
    expect(await page.locator('#releases-table tbody tr').count()).toBe(3);
    expect(await page.locator('#releases-table tbody tr').first().textContent()).toContain('4 keys published, 96 not published');
    // About this data: closed, its summary line saying what every reader must know; one tap opens it.
    expect(await page.locator('#about').evaluate((details) => (details as HTMLDetailsElement).open)).toBe(false);
    expect(await page.locator('#about > summary').textContent()).toContain('Every value carries noise; read it with its 95% interval');
    expect(await page.locator('#about dl').isVisible()).toBe(false);
    await page.locator('#about > summary').click();
    expect(await page.locator('#about dl').isVisible()).toBe(true);
    // Plain words first, the exact parameters one link away.
    const about = await page.locator('#about').textContent();
    expect(about).toMatch(/What is counted[\s\S]*Reading a value[\s\S]*Why a value may be missing[\s\S]*What is guaranteed to an organization/);
    expect(about).toContain('fewer than k organizations');
    expect(about).toContain('Over any 12 months');
    expect(await page.locator('#about a[href="#methodology-text"]').count()).toBe(1);
    expect(about).toMatch(/noise alone lifts an empty key's noisy organization count to k/);
    expect(about).toMatch(/never negative[\s\S]*noisy-measurements\.csv/);
    expect(await page.locator('#release-table').textContent()).not.toMatch(/\de[+-]\d/);
    // The methodology is closed too, its summary naming the privacy guarantee; the full text is in the page either way.
    expect(await page.locator('#methodology > summary').textContent()).toMatch(/Methodology[\s\S]*-DP per/);
    expect(await page.locator('#methodology dl').isVisible()).toBe(false);
    // The link row's "Methodology" leads into the closed panel, and following it opens the panel: no second tap.
    await page.locator('nav a', { hasText: /^Methodology$/ }).click();
    await expect.poll(() => page.locator('#methodology').evaluate((details) => (details as HTMLDetailsElement).open)).toBe(true);
    expect(await page.locator('#methodology dl').isVisible()).toBe(true);
    expect(await page.locator('#methodology dl').textContent()).toMatch(/Clamp|cap|bounded|At most 10 cells/);

    // The download link serves the signed CSV.
    const csvLink = page.locator('ul.downloads a', { hasText: 'data.csv' });
    const csv = await page.request.get(`${baseUrl}${await csvLink.getAttribute('href')}`);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split('\n')[0]).toBe('period,content_class,protocol,boundary,measure,status,suppression_reason,value,noise_sd,ci95_low,ci95_high');
    await page.screenshot({ path: `${ARTIFACTS}/dataset-latest.png`, fullPage: true });
  });

  it('finds a key in a few taps: filters by dimension value and status, pages, and every key stays reachable', async () => {
    await page.goto(`${baseUrl}/console/datasets/ai-transfer-volume`);
    // Page through all 100 keys: each appears once.
    const seen = new Set<string>();
    for (let pageNumber = 1; pageNumber <= 5; pageNumber += 1) {
      await page.goto(`${baseUrl}/console/datasets/ai-transfer-volume?page=${pageNumber}`);
      for (const key of await page.locator('#release-table tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key')))) seen.add(key!);
    }
    expect(seen.size).toBe(100);
    expect(await page.locator('nav.pager').textContent()).toContain('81–100 of 100');

    // Filter by a dimension value and by status through the form, as a phone user would.
    await page.goto(`${baseUrl}/console/datasets/ai-transfer-volume`);
    await page.locator('form.key-filters select[name="protocol"]').selectOption('api');
    await page.locator('form.key-filters select[name="status"]').selectOption('suppressed');
    await page.locator('form.key-filters button[type="submit"]').click();
    await page.waitForURL(/protocol=api/);
    expect(page.url()).toMatch(/#keys$/);
    const rows = page.locator('#release-table tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.allTextContents()) {
      expect(text).toContain('API');
      expect(text).toContain('not published: fewer than k organizations');
    }
    expect(await page.locator('#keys-count').textContent()).toMatch(/\d+ of 100 keys match/);
    await page.locator('form.key-filters select[name="status"]').selectOption('published');
    await page.locator('form.key-filters button[type="submit"]').click();
    await page.waitForURL(/status=published/);
    // The one published API key of 2026-W48 (the crowd of 24 on inference output over API).
    expect(await page.locator('#release-table tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-status'), tr.textContent?.includes('API')]))).toEqual([
      ['published', true],
    ]);
    // A combination no key has says so instead of showing an empty table.
    await page.goto(`${baseUrl}/console/datasets/ai-transfer-volume?protocol=api&content_class=inference_output&boundary=within_organization&status=published`);
    expect(await page.locator('#release-table-empty').textContent()).toContain('No key of this release matches these filters.');

    // Sorting by a measure keeps the filter and jumps back to the table.
    await page.goto(`${baseUrl}/console/datasets/ai-transfer-volume?status=published`);
    await page.locator('#release-table th a', { hasText: 'Transfers' }).click();
    await page.waitForURL(/sort=transfer_count/);
    expect(page.url()).toContain('status=published');
    const values = await page.locator('#release-table tbody tr').evaluateAll((trs) => trs.map((tr) => Number((tr.querySelectorAll('td.num')[0]?.textContent ?? '').split(' ')[0]!.replaceAll(',', ''))));
    expect(values).toHaveLength(4);
    expect(values).toEqual([...values].sort((a, b) => a - b));

    // From a key's row to its trend in one tap.
    const firstKey = await page.locator('#release-table tbody tr').first().getAttribute('data-key');
    await page.locator('#release-table tbody tr').first().locator('td.key-trend a').click();
    await page.waitForURL(/\/trend\?/);
    expect(await page.locator('#trend-chart').count()).toBe(1);
    expect(await page.locator('#key-picker input[name="key"]:checked').evaluateAll((options) => options.map((option) => option.getAttribute('value')))).toEqual([firstKey]);
  });

  it('shows an earlier release from the history, and a dataset with flag cells', async () => {
    await page.goto(`${baseUrl}/console/datasets/ai-transfer-volume`);
    await page.locator('#releases-table a', { hasText: '2026-W47' }).click();
    await page.waitForURL(/release=/);
    expect(await page.locator('#release').textContent()).toContain('2026-W47 (an earlier release)');
    await expectChartDrawn('chart-transfer_count');

    await page.goto(`${baseUrl}/console/datasets/ai-platform-access-controls`);
    await expectChartDrawn('chart-transfer_count');
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
        if (path !== '/console/datasets') await expectChartDrawn('chart-transfer_count');
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
        expect(scrollWidth, path).toBeLessThanOrEqual(innerWidth);
        await page.screenshot({ path: `${ARTIFACTS}/${path.split('/').pop()}-390.png`, fullPage: true });
        await page.screenshot({ path: `${ARTIFACTS}/${path.split('/').pop()}-390-top.png`, clip: { x: 0, y: 0, width: 390, height: 2200 }, fullPage: true });
      }
      // A phone shows 10 of the page's 20 key cards; one tap on the checkbox shows the other 10, and the pager is unchanged.
      await page.goto(`${baseUrl}/console/datasets/ai-transfer-volume`);
      const cards = page.locator('#release-table tbody tr');
      const visibleCards = () => cards.evaluateAll((rows) => rows.filter((row) => (row as HTMLElement).offsetParent !== null).length);
      expect(await cards.count()).toBe(20);
      expect(await visibleCards()).toBe(10);
      expect(await page.locator('label[for="release-table-more"]').textContent()).toBe('Show keys 11–20 of this page');
      await page.locator('label[for="release-table-more"]').click();
      expect(await visibleCards()).toBe(20);
      expect(await page.locator('#release-table-wrapper nav.pager').textContent()).toContain('1–20 of 100');
      // The wide layout shows all 20 and no checkbox.
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.reload();
      expect(await visibleCards()).toBe(20);
      expect(await page.locator('#release-table-more').isVisible()).toBe(false);
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
