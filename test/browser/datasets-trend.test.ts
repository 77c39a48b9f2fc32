/**
 * The trend view in a real browser: the real app on a real HTTP server with four released weeks
 * and one week without a release, headless Chromium under the production CSP. A researcher picks a
 * key, sees it across the periods (chart with painted pixels, and the table), downloads the CSV,
 * and every value in it equals the released value read back through the public API. Also at
 * 390 px: no horizontal overflow. Screenshots go to test-artifacts/datasets-trend/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crowd, insertCounters, publishTestPeriod, TEST_RELEASE_CONFIG } from '../releases/release-fixtures';
import { type BrowserHarness, expectChartDrawn, openBrowserHarness } from '../support/browser-harness';
import { parseCsv } from '../support/release-csv';
import { createTestApp, type TestApp } from '../support/test-app';

const ARTIFACTS = 'test-artifacts/datasets-trend';
const DATASET = 'ai-transfer-volume';
/** Released weeks; 2026-W46 has no release, so the trend shows a gap there. */
const WEEKS = ['2026-W44', '2026-W45', '2026-W47', '2026-W48'];
/** A key published only in two of the weeks (24 organizations there, none in the others). */
const SOMETIMES_KEY = 'inference_output~api~cross_organization';
const SOMETIMES_WEEKS = ['2026-W45', '2026-W48'];

describe('trend view in Chromium', () => {
  let testApp: TestApp;
  let harness: BrowserHarness;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    testApp = await createTestApp({ dialect: 'sqlite', config: TEST_RELEASE_CONFIG });
    for (const [index, week] of WEEKS.entries()) {
      if (SOMETIMES_WEEKS.includes(week)) {
        await insertCounters(testApp.testDatabase.database, [
          ...crowd(24, { from: 100 + index, period: week, cell: { protocol: 'api', classification: 'inference_output' }, events: 30 + index * 10 }),
        ]);
      }
      await publishTestPeriod(testApp, { period: week, organizations: 20 + index * 4 });
    }
    harness = await openBrowserHarness(testApp.app.fetch);
    ({ page, baseUrl } = harness);
  });

  afterAll(async () => {
    await harness?.close();
    await testApp?.dispose();
  });

  /** The released tidy rows of every week, through the public API, keyed by period, key and measure. */
  async function releasedValues(): Promise<Map<string, Record<string, string | number>>> {
    const list = (await (await testApp.app.request(`/v1/datasets/${DATASET}/releases`)).json()) as { items: { id: string; period: string }[] };
    const values = new Map<string, Record<string, string | number>>();
    for (const release of list.items) {
      const rows = (await (await testApp.app.request(`/v1/releases/${release.id}/data.json`)).json()) as Record<string, string | number>[];
      for (const row of rows) values.set(`${row.period}|${row.content_class}~${row.protocol}~${row.boundary}|${row.measure}`, row);
    }
    return values;
  }

  it('shows a chosen key across the periods, as a chart and as a table, and downloads exactly that as CSV', async () => {
    const response = await page.goto(`${baseUrl}/console/datasets/${DATASET}/trend`);
    expect(response?.status()).toBe(200);
    // The keys are checkboxes grouped by content class; the defaults come ticked.
    const ticked = page.locator('#key-picker input[name="key"]:checked');
    while ((await ticked.count()) > 0) await ticked.first().uncheck();
    await page.locator('#key-picker fieldset.key-group', { hasText: 'Inference output' }).locator(`input[value="${SOMETIMES_KEY}"]`).check();
    await page.locator('select[name="measure"]').selectOption('transfer_count');
    await page.locator('form.trend-controls button[type="submit"]').click();
    await page.waitForURL(/key=inference_output/);
    await expectChartDrawn(page, 'trend-chart');
    expect(await page.locator('ul.legend').textContent()).toContain('Inference output · API · Cross-organization');
    // Gaps besides the published weeks: the week without a release, and the weeks the key was suppressed
    // (public keys: its noisy organization count was below k), each with its reason.
    expect(await page.locator('#trend-gaps li').allTextContents()).toEqual([
      '2026-W44, Inference output · API · Cross-organization: not published: fewer than k organizations (k = 3)',
      '2026-W46, Inference output · API · Cross-organization: no release for this period',
      '2026-W47, Inference output · API · Cross-organization: not published: fewer than k organizations (k = 3)',
    ]);
    await page.screenshot({ path: `${ARTIFACTS}/trend-chart-1366.png`, fullPage: true });

    await page.locator('ul.tabs a', { hasText: 'Table' }).click();
    await page.waitForURL(/view=table/);
    const rows = page.locator('#trend-table tbody tr');
    expect(await rows.count()).toBe(5);
    expect(await page.locator('#trend-table tbody tr[data-status="published"]').count()).toBe(2);
    await page.screenshot({ path: `${ARTIFACTS}/trend-table-1366.png`, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#trend-csv').click()]);
    const csv = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(csv.map((row) => row.period)).toEqual(['2026-W44', '2026-W45', '2026-W46', '2026-W47', '2026-W48']);
    const released = await releasedValues();
    const published = csv.filter((row) => row.status === 'published');
    expect(published.map((row) => row.period)).toEqual(SOMETIMES_WEEKS);
    for (const row of csv) {
      const releasedRow = released.get(`${row.period}|${row.content_class}~${row.protocol}~${row.boundary}|${row.measure}`);
      if (row.status !== 'published') {
        // A gap is a period without a release, or a key the release lists as suppressed (public keys).
        if (releasedRow !== undefined) expect(releasedRow.status, `${row.period} is a gap`).toBe('suppressed');
        expect(row.value).toBe('');
        continue;
      }
      expect(releasedRow).toBeDefined();
      for (const [column, releasedColumn] of [['value', 'value'], ['noise_sd', 'noise_sd'], ['ci95_low', 'ci95_low'], ['ci95_high', 'ci95_high']] as const) {
        expect(Number(row[column]), `${row.period} ${column}`).toBe(Number(releasedRow![releasedColumn]));
      }
    }
    // The page shows the same values as the CSV, and the CSV says how they were shown.
    const shownValues = await page.locator('#trend-table td[data-value]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-value')));
    expect(shownValues).toEqual(published.map((row) => row.value));
    const shownCells = await page.locator('#trend-table tbody tr[data-status="published"]').evaluateAll((rows) =>
      rows.map((row) => {
        const [value, interval] = [...row.querySelectorAll('td.num')].map((cell) => cell.textContent ?? '');
        return `${value} (95\u00a0%: ${interval})`;
      }),
    );
    expect(shownCells).toEqual(published.map((row) => row.shown));
  });

  it('defaults to the most often published keys, and the table works without JavaScript', async () => {
    const context = await harness.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1366, height: 900 } });
    try {
      const noScript = await context.newPage();
      await noScript.goto(`${baseUrl}/console/datasets/${DATASET}/trend?view=table&measure=distinct_organizations`);
      const keys = await noScript.locator('#trend-table tbody tr').evaluateAll((rows) => [...new Set(rows.map((row) => row.getAttribute('data-key')))]);
      expect(keys).toEqual(['ai_generated_code~https_web~cross_organization', 'training_dataset~sftp~cross_organization', SOMETIMES_KEY]);
      expect(await noScript.locator('#trend-table tbody tr[data-status="published"]').count()).toBe(4 + 4 + 2);
      expect(await noScript.locator('#trend-table').textContent()).toContain('no release for this period');
      // The key picker is a plain GET form: ticking a box and submitting works without JavaScript too.
      expect(await noScript.locator('#key-picker input[name="key"]:checked').count()).toBe(3);
      await noScript.locator(`#key-picker input[value="${SOMETIMES_KEY}"]`).uncheck();
      await noScript.locator('form.trend-controls button[type="submit"]').click();
      await noScript.waitForURL(/view=table/);
      const chosen = await noScript.locator('#trend-table tbody tr').evaluateAll((rows) => [...new Set(rows.map((row) => row.getAttribute('data-key')))]);
      expect(chosen).toEqual(['ai_generated_code~https_web~cross_organization', 'training_dataset~sftp~cross_organization']);
    } finally {
      await context.close();
    }
  });

  it('fits a 390 px phone without horizontal overflow, with the chart drawn', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of [`/console/datasets/${DATASET}/trend`, `/console/datasets/${DATASET}/trend?view=table`]) {
      await page.goto(`${baseUrl}${path}`);
      if (!path.includes('view=table')) await expectChartDrawn(page, 'trend-chart');
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth, path).toBeLessThanOrEqual(innerWidth);
      await page.screenshot({ path: `${ARTIFACTS}/${path.includes('table') ? 'trend-table' : 'trend-chart'}-390.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('raised no browser console errors', () => {
    expect(harness.consoleErrors).toEqual([]);
  });
});
