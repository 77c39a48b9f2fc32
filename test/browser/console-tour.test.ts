/**
 * Every console page (privacy, datasets, the API reference) at phone (390 px) and desktop (1366 px)
 * widths, over a populated service: a simulated coalition of 300 organizations on the default-like
 * configuration (quarters, the default yearly budget), played over HTTP through the SDK with
 * consents granted over time, revocations and an erasure, and three quarters released. For each
 * page: no horizontal page overflow, no browser console errors, every chart painted, and an axe-core
 * scan (run in the same Chromium) without serious or critical violations. Screenshots go to
 * test-artifacts/console-tour/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCoalition } from '../../src/coalition-driver/coalition-runner';
import { createAdminClient } from '../../src/coalition-driver/service-admin-client';
import { createSeededRandomSource } from '../../src/privacy/random-source';
import { createCoalition, createSimulationRandom, planCoalitionTimeline } from '../../src/simulation';
import { recentClosedPeriods, simulationTicks } from '../../src/simulation/simulation-schedule';
import { issueApiKey } from '../consent/consent-fixtures';
import { type BrowserHarness, openBrowserHarness } from '../support/browser-harness';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../support/test-app';

const ARTIFACTS = 'test-artifacts/console-tour';
const ORGANIZATIONS = 300;
const WIDTHS = [390, 1366] as const;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

describe('console tour: every page at 390 and 1366 px over a populated service', () => {
  let testApp: TestApp;
  let harness: BrowserHarness;
  let page: Page;
  let baseUrl: string;
  let consoleErrors: string[];
  const pages: { name: string; path: string }[] = [];
  /** Full page height per width and page, written to heights.json: a phone page's length is a usability figure. */
  const heights: Record<string, Record<string, number>> = {};

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const now = new Date('2026-11-26T12:00:00.000Z');
    // The simulated instances send a tick's events when it ends, dated across it (half a quarter here):
    // the dedup window must reach back over a whole tick, as in the demo, or most events would be refused.
    const dedupWindowMs = 47 * 86_400_000;
    testApp = await createTestApp({ dialect: 'sqlite', environment: { PERIOD: 'quarter' }, config: { apiRatePerMinute: 1_000_000, dedupWindowMs }, start: now });
    harness = await openBrowserHarness(testApp.app.fetch);
    ({ page, baseUrl, consoleErrors } = harness);

    const graceMs = testApp.deps.config.graceWindowMs;
    const periods = recentClosedPeriods(now, 'quarter', 3, graceMs);
    testApp.clock.set(periods[0]!.start);
    const random = createSimulationRandom(createSeededRandomSource(2026));
    const summary = await runCoalition({
      baseUrl,
      admin: createAdminClient({ baseUrl, token: ADMIN_TOKEN }),
      coalition: createCoalition(random, { organizations: ORGANIZATIONS, start: periods[0]!.start }),
      timeline: planCoalitionTimeline(random, ORGANIZATIONS),
      random,
      ticks: simulationTicks(periods, 2),
      meanEventsPerOrganizationPerPeriod: 12,
      time: { kind: 'simulated', moveTo: (at) => testApp.clock.set(at), graceMs },
      concurrency: 4,
    });
    expect(summary.releases.length).toBe(3);
    expect(summary.events.rejected).not.toHaveProperty('outside_dedup_window');
    expect(summary.events.accepted).toBeGreaterThan(0.9 * summary.events.sent);
    testApp.clock.set(now);

    const officer = await issueApiKey(testApp, 'privacy_officer');
    await page.goto(`${baseUrl}/console/sign-in?next=/console/privacy`);
    await page.fill('input[name="token"]', officer.token);
    await Promise.all([page.waitForURL(`${baseUrl}/console/privacy`), page.click('button[type="submit"]')]);

    const db = testApp.deps.database.db;
    const erased = await db.selectFrom('erasures').select(['id', 'org_id']).limit(1).executeTakeFirstOrThrow();
    const datasets = (await (await fetch(`${baseUrl}/v1/datasets`)).json()) as { items: { id: string; measures: { name: string }[] }[] };
    const shareDatasets = datasets.items.filter((dataset) => dataset.measures.some((measure) => measure.name === 'organization_share'));
    pages.push(
      { name: 'privacy-overview', path: '/console/privacy' },
      { name: 'privacy-orgs', path: '/console/privacy/orgs' },
      { name: 'privacy-orgs-page-2', path: '/console/privacy/orgs?sort=acceptedEvents&dir=desc&page=2' },
      { name: 'privacy-orgs-empty', path: '/console/privacy/orgs?q=zzzz-nothing' },
      { name: 'privacy-org-erased', path: `/console/privacy/orgs/${erased.org_id}` },
      { name: 'privacy-budget', path: '/console/privacy/budget' },
      { name: 'privacy-erasures', path: '/console/privacy/erasures' },
      { name: 'privacy-erasure-receipt', path: `/console/privacy/erasures/${erased.id}` },
      { name: 'privacy-audit', path: '/console/privacy/audit' },
      { name: 'privacy-audit-consent', path: '/console/privacy/audit?action=consent' },
      { name: 'privacy-audit-head', path: '/console/privacy/audit/head' },
      { name: 'privacy-not-found', path: '/console/privacy/orgs/not-an-id' },
      { name: 'datasets-catalogue', path: '/console/datasets' },
      ...datasets.items.map((dataset) => ({ name: `datasets-${dataset.id}`, path: `/console/datasets/${dataset.id}` })),
      ...datasets.items.map((dataset) => ({ name: `datasets-${dataset.id}-trend`, path: `/console/datasets/${dataset.id}/trend` })),
      { name: 'datasets-filtered-suppressed-page-2', path: `/console/datasets/${datasets.items[0]!.id}?status=suppressed&page=2` },
      ...shareDatasets.map((dataset) => ({ name: `datasets-${dataset.id}-share-chart`, path: `/console/datasets/${dataset.id}?chart=organization_share` })),
      ...shareDatasets.map((dataset) => ({ name: `datasets-${dataset.id}-trend-share`, path: `/console/datasets/${dataset.id}/trend?measure=organization_share` })),
      ...shareDatasets.map((dataset) => ({ name: `datasets-${dataset.id}-trend-share-table`, path: `/console/datasets/${dataset.id}/trend?measure=organization_share&view=table` })),
      { name: 'docs', path: '/docs' },
    );
  }, 300_000);

  afterAll(async () => {
    writeFileSync(`${ARTIFACTS}/heights.json`, `${JSON.stringify(heights, null, 2)}\n`);
    await harness?.close();
    await testApp?.dispose();
  });

  async function checkPage(width: number, entry: { name: string; path: string }) {
    await page.setViewportSize({ width, height: 900 });
    const before = consoleErrors.length;
    const response = await page.goto(`${baseUrl}${entry.path}`, { waitUntil: 'load' });
    expect(response?.status(), entry.path).toBeLessThan(entry.name.endsWith('not-found') ? 500 : 400);
    // Charts draw after DOMContentLoaded; wait until each canvas has a Chart.js instance.
    await page.waitForFunction(() => {
      const chart = (window as unknown as { Chart?: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
      return [...document.querySelectorAll('canvas')].every((canvas) => chart?.getChart(canvas as HTMLCanvasElement) !== undefined);
    });
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      wide: [...document.querySelectorAll('main *, header *')]
        .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1 && !element.closest('.data-table, .chart'))
        .slice(0, 3)
        .map((element) => `${element.tagName.toLowerCase()}.${element.className}`),
    }));
    expect(layout.scrollWidth, `${entry.path} at ${width}: ${layout.wide.join(', ')}`).toBeLessThanOrEqual(layout.innerWidth);
    const unpainted = await page.evaluate(() =>
      [...document.querySelectorAll('canvas')]
        .filter((canvas) => {
          const pixels = (canvas as HTMLCanvasElement).getContext('2d')?.getImageData(0, 0, (canvas as HTMLCanvasElement).width, (canvas as HTMLCanvasElement).height).data;
          let painted = 0;
          for (let index = 3; pixels && index < pixels.length; index += 4) if ((pixels[index] ?? 0) > 0) painted += 1;
          return painted < 500;
        })
        .map((canvas) => canvas.id),
    );
    expect(unpainted, `${entry.path} at ${width}: charts without pixels`).toEqual([]);
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')) }));
    });
    const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(serious, `${entry.path} at ${width}: ${JSON.stringify(serious)}`).toEqual([]);
    (heights[width] ??= {})[entry.name] = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: `${ARTIFACTS}/${width}-${entry.name}.png`, fullPage: true });
    const newErrors = consoleErrors.slice(before).filter((message) => !(entry.name.endsWith('not-found') && /404/.test(message)));
    expect(newErrors, `${entry.path} at ${width}: ${JSON.stringify(newErrors)}`).toEqual([]);
  }

  it('a phone shows the first 10 organizations of a page (6 planner measures), and one tap shows the rest of the page', async () => {
    try {
      await page.setViewportSize({ width: 390, height: 900 });
      for (const { path, table, pageRows } of [
        { path: '/console/privacy/orgs', table: 'orgs', pageRows: 50 },
        { path: '/console/privacy/budget', table: 'loss-table', pageRows: 20 },
      ]) {
        await page.goto(`${baseUrl}${path}`);
        const cards = page.locator(`#${table} tbody tr`);
        const visibleCards = () => cards.evaluateAll((rows) => rows.filter((row) => (row as HTMLElement).offsetParent !== null).length);
        expect(await cards.count(), path).toBe(pageRows);
        expect(await visibleCards(), path).toBe(10);
        expect(await page.locator(`label[for="${table}-more"]`).textContent(), path).toBe(`Show organizations 11–${pageRows} of this page`);
        await page.locator(`label[for="${table}-more"]`).click();
        expect(await visibleCards(), path).toBe(pageRows);
        await page.setViewportSize({ width: 1366, height: 900 });
        await page.reload();
        expect(await visibleCards(), `${path} wide`).toBe(pageRows);
        await page.setViewportSize({ width: 390, height: 900 });
      }
      // The budget page's planner: six measure cards on a phone, the rest behind its own checkbox.
      await page.goto(`${baseUrl}/console/privacy/budget`);
      const measures = page.locator('#planner-table tbody tr');
      expect(await measures.count()).toBeGreaterThan(6);
      expect(await measures.evaluateAll((rows) => rows.filter((row) => (row as HTMLElement).offsetParent !== null).length)).toBe(6);
    } finally {
      await page.setViewportSize({ width: 1366, height: 900 });
    }
  });

  for (const width of WIDTHS) {
    it(`every page at ${width} px: no sideways scroll, charts painted, no serious axe violations, no console errors`, async () => {
      const failures: string[] = [];
      // CONSOLE_TOUR_ONLY=<regex> narrows the tour while working on a page.
      const only = process.env.CONSOLE_TOUR_ONLY ? new RegExp(process.env.CONSOLE_TOUR_ONLY) : undefined;
      for (const entry of pages.filter((candidate) => !only || only.test(candidate.path))) {
        try {
          await checkPage(width, entry);
        } catch (error) {
          failures.push(`${entry.path}: ${(error as Error).message.split('\n').slice(0, 12).join('\n')}`);
        }
      }
      expect(failures).toEqual([]);
    }, 300_000);
  }
});
