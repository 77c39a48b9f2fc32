/**
 * The per-organization share in a real browser, against real releases: the real app on a real HTTP
 * server, two released weeks of a dataset with `organization_share`, headless Chromium under the
 * production CSP. Every organization of the crowd sends 12 protected and 3 unprotected cross-boundary
 * transfers, so the average organization's shares are about 80 % and 20 %. Checks that the key table,
 * the chart (0–100 % axis), the trend (chart, table, CSV) and the About panel show the released
 * proportions as percentages with their intervals. Screenshots go to test-artifacts/datasets-shares/.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishTestPeriod, TEST_RELEASE_CONFIG } from '../releases/release-fixtures';
import { type BrowserHarness, expectChartDrawn, openBrowserHarness } from '../support/browser-harness';
import { createTestApp, type TestApp } from '../support/test-app';

const ARTIFACTS = 'test-artifacts/datasets-shares';
const DATASET = 'ai-boundary-gaps-by-sector';
const PROTECTED = 'finance~protected';
const UNPROTECTED = 'finance~no_mfa_no_integrity';
const NBSP = '\u00a0';

type TidyRow = Record<string, string | number | null>;

/** What the page writes for a released share: `80.0 % (95 %: 78.1–81.9 %)`. */
const shown = (row: TidyRow) =>
  `${(Number(row.value) * 100).toFixed(1)}${NBSP}% (95${NBSP}%: ${(Number(row.ci95_low) * 100).toFixed(1)}–${(Number(row.ci95_high) * 100).toFixed(1)}${NBSP}%)`;

describe('per-organization shares in Chromium', () => {
  let testApp: TestApp;
  let harness: BrowserHarness;
  let page: Page;
  let baseUrl: string;
  let latestShares: Map<string, TidyRow>;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    testApp = await createTestApp({ dialect: 'sqlite', config: { ...TEST_RELEASE_CONFIG, kAnonymity: 10 } });
    await publishTestPeriod(testApp, { period: '2026-W47', organizations: 24 });
    const latest = await publishTestPeriod(testApp, { period: '2026-W48', organizations: 30 });
    const release = latest.releases.find((entry) => entry.datasetId === DATASET)!;
    const rows = (await (await testApp.app.request(`/v1/releases/${release.id}/data.json`)).json()) as TidyRow[];
    latestShares = new Map(rows.filter((row) => row.measure === 'organization_share').map((row) => [`${row.sector}~${row.gap}`, row]));
    harness = await openBrowserHarness(testApp.app.fetch);
    ({ page, baseUrl } = harness);
  });

  afterAll(async () => {
    await harness?.close();
    await testApp?.dispose();
  });

  it('the released shares are proportions, about 80 % and 20 % for the crowd', () => {
    expect(latestShares.get(PROTECTED)).toMatchObject({ status: 'published' });
    expect(Number(latestShares.get(PROTECTED)!.value)).toBeGreaterThan(0.7);
    expect(Number(latestShares.get(PROTECTED)!.value)).toBeLessThan(0.9);
    expect(Number(latestShares.get(UNPROTECTED)!.value)).toBeLessThan(0.3);
  });

  it('shows shares as percentages with intervals in the key table, and charts them on a 0–100 % axis', async () => {
    await page.goto(`${baseUrl}/console/datasets/${DATASET}?sector=finance&chart=organization_share`);
    expect(await page.locator('#about').textContent()).toMatch(/Share of the average organization's transfers[\s\S]*weighted equally/);
    for (const key of [PROTECTED, UNPROTECTED]) {
      const row = page.locator(`#release-table tbody tr[data-key="${key}"]`);
      expect(await row.getAttribute('data-status')).toBe('published');
      // The share column is the last one.
      expect(await row.locator('td').last().textContent()).toBe(shown(latestShares.get(key)!));
    }
    await expectChartDrawn(page, 'chart-organization_share');
    const axis = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { scales: { x: { min: number; max: number } } } } }).Chart;
      const { x } = chart.getChart(document.getElementById('chart-organization_share') as HTMLCanvasElement).scales;
      return { min: x.min, max: x.max };
    });
    expect(axis).toEqual({ min: 0, max: 100 });
    await page.screenshot({ path: `${ARTIFACTS}/dataset-shares-1366.png`, fullPage: true });
  });

  it('shows a share trend in percent: chart axis 0–100, table and CSV with what is shown', async () => {
    const query = `measure=organization_share&key=${PROTECTED}&key=${UNPROTECTED}`;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${baseUrl}/console/datasets/${DATASET}/trend?${query}`);
      await expectChartDrawn(page, 'trend-chart');
      expect(await page.locator('#share-explanation').textContent()).toContain('weighted equally');
      const axis = await page.evaluate(() => {
        const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { scales: { y: { min: number; max: number } } } } }).Chart;
        const { y } = chart.getChart(document.getElementById('trend-chart') as HTMLCanvasElement).scales;
        return { min: y.min, max: y.max };
      });
      expect(axis).toEqual({ min: 0, max: 100 });
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
      await page.screenshot({ path: `${ARTIFACTS}/trend-shares-390.png`, fullPage: true });

      await page.goto(`${baseUrl}/console/datasets/${DATASET}/trend?${query}&view=table`);
      const latestRow = page.locator(`#trend-table tbody tr[data-key="${PROTECTED}"][data-period="2026-W48"]`);
      const [value, interval] = await latestRow.locator('td.num').allTextContents();
      expect(`${value} (95${NBSP}%: ${interval})`).toBe(shown(latestShares.get(PROTECTED)!));
      await page.screenshot({ path: `${ARTIFACTS}/trend-shares-table-390.png`, fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }

    const csv = await (await page.request.get(`${baseUrl}/console/datasets/${DATASET}/trend.csv?${query}`)).text();
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header).toBe('period,sector,gap,measure,status,note,value,noise_sd,ci95_low,ci95_high,shown');
    const latestLine = lines.find((line) => line.startsWith('2026-W48,finance,protected,'))!;
    const released = latestShares.get(PROTECTED)!;
    expect(latestLine).toBe(
      ['2026-W48', 'finance', 'protected', 'organization_share', 'published', '', released.value, released.noise_sd, released.ci95_low, released.ci95_high, shown(released)].join(','),
    );
  });

  it('raised no browser console errors', () => {
    expect(harness.consoleErrors).toEqual([]);
  });
});
