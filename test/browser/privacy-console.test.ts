/**
 * The privacy console in a real browser: the real app on a real HTTP server over a real SQLite
 * file, driven by headless Chromium. Signs in through the form, visits every page, checks the
 * charts are drawn (Chart.js instance and painted pixels) under the production CSP with no console
 * errors, revokes a consent through the form, and saves a screenshot of each page (and a print
 * rendering) to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargeBudget, eventsAt, issueApiKey, sendOrFail } from '../consent/consent-fixtures';
import { registerConsentingOrg, type ConsentingOrg } from '../support/fixtures';
import { type BrowserHarness, expectChartDrawn as expectCanvasDrawn, openBrowserHarness } from '../support/browser-harness';
import { createTestApp, requestJson, ADMIN_TOKEN, type TestApp } from '../support/test-app';

const ARTIFACTS = 'test-artifacts/privacy-console';
describe('privacy console in Chromium', () => {
  let testApp: TestApp;
  let harness: BrowserHarness;
  let page: Page;
  let baseUrl: string;
  let officerToken: string;
  let orgs: ConsentingOrg[];
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    testApp = await createTestApp({ dialect: 'sqlite', start: new Date('2026-11-17T09:00:00.000Z') });
    orgs = [];
    for (const [name, sector] of [
      ['Acme Transfer GmbH', 'finance'],
      ['Borealis Health', 'healthcare'],
      ['Cobalt Logistics', 'transport'],
    ] as const) {
      orgs.push(await registerConsentingOrg(testApp, { name, sector }));
    }
    testApp.clock.advance(3600_000);
    for (const org of orgs) await sendOrFail(testApp, org, eventsAt('2026-11-17T09:30:00Z', 4));
    testApp.clock.set(new Date('2026-11-24T10:00:00.000Z'));
    await requestJson(testApp, 'DELETE', `/v1/orgs/${orgs[2]?.orgId}/consent`, { token: ADMIN_TOKEN, body: { reason: 'Pilot ended' } });
    await chargeBudget(testApp, { id: 'charge-1', period: '2026-W46', datasetId: 'ai-content-flows', rho: 0.04, epsilon: 1.3, delta: 1.5e-6 });
    await chargeBudget(testApp, { id: 'charge-2', period: '2026-W46', datasetId: 'access-controls', rho: 0.03, epsilon: 1.1, delta: 1.5e-6 });
    await chargeBudget(testApp, { id: 'charge-3', period: '2026-W47', datasetId: 'ai-content-flows', rho: 0.05, epsilon: 1.5, delta: 1.5e-6 });
    officerToken = (await issueApiKey(testApp, 'privacy_officer')).token;

    harness = await openBrowserHarness(testApp.app.fetch);
    ({ page, baseUrl, consoleErrors } = harness);
  });

  afterAll(async () => {
    await harness?.close();
    await testApp?.dispose();
  });

  const expectChartDrawn = (canvasId: string) => expectCanvasDrawn(page, canvasId);

  it('signs in through the form and draws the consent chart', async () => {
    await page.goto(`${baseUrl}/console/privacy`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await page.screenshot({ path: `${ARTIFACTS}/00-sign-in.png` });
    await page.fill('input[name="token"]', officerToken);
    await Promise.all([page.waitForURL(`${baseUrl}/console/privacy`), page.click('button[type="submit"]')]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Consent overview');
    await expectChartDrawn('consent-timeline');
    await page.screenshot({ path: `${ARTIFACTS}/01-overview.png`, fullPage: true });
  });

  it('filters the organization table', async () => {
    await page.goto(`${baseUrl}/console/privacy/orgs`);
    await expect(page.locator('tbody tr').count()).resolves.toBe(3);
    await page.selectOption('select[name="status"]', 'revoked');
    await Promise.all([page.waitForURL(/status=revoked/), page.click('form.filters button[type="submit"]')]);
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await expect(page.locator('tbody').textContent()).resolves.toContain('Cobalt Logistics');
    await page.screenshot({ path: `${ARTIFACTS}/02-organizations.png`, fullPage: true });
  });

  it('revokes a consent through the form and shows the erasure receipt', async () => {
    const [acme] = orgs as [ConsentingOrg];
    await page.goto(`${baseUrl}/console/privacy/orgs/${acme.orgId}`);
    await page.fill('form[aria-label="Revoke consent"] textarea[name="reason"]', 'Customer withdrew from the research programme');
    await page.check('form[aria-label="Revoke consent"] input[name="confirm"]');
    await Promise.all([page.waitForURL(/done=revoked/), page.click('form[aria-label="Revoke consent"] button[type="submit"]')]);
    await expect(page.locator('.notice.ok').textContent()).resolves.toContain('Consent revoked');
    await expect(page.locator('.lead .badge').textContent()).resolves.toBe('revoked');
    // The W47 contributions were not released yet, so they were erased: 4 counter rows + 4 replay guards.
    await expect(page.locator('#erasure-list').textContent()).resolves.toContain('2026-W47');
    await page.screenshot({ path: `${ARTIFACTS}/03-organization-revoked.png`, fullPage: true });

    const consent = await testApp.deps.database.db.selectFrom('consents').selectAll().where('org_id', '=', acme.orgId).executeTakeFirstOrThrow();
    expect(consent.revoke_reason).toBe('Customer withdrew from the research programme');
    const erasure = await testApp.deps.database.db.selectFrom('erasures').selectAll().where('org_id', '=', acme.orgId).executeTakeFirstOrThrow();
    expect(erasure.rows_removed).toBe(8);
  });

  it('draws the budget chart against the cap', async () => {
    await page.goto(`${baseUrl}/console/privacy/budget`);
    await expectChartDrawn('budget-chart');
    const datasets = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { label: string }[] } } } }).Chart;
      return chart.getChart(document.getElementById('budget-chart') as HTMLCanvasElement).data.datasets.map((dataset) => dataset.label);
    });
    expect(datasets).toEqual(['access-controls', 'ai-content-flows', 'Cap per period']);
    await page.screenshot({ path: `${ARTIFACTS}/04-budget.png`, fullPage: true });
  });

  it('shows erasure receipts and an intact audit chain, and prints cleanly', async () => {
    await page.goto(`${baseUrl}/console/privacy/erasures`);
    await expect(page.locator('#erasure-list li.erasure').count()).resolves.toBe(2);
    await page.screenshot({ path: `${ARTIFACTS}/05-erasures.png`, fullPage: true });

    await page.goto(`${baseUrl}/console/privacy/audit`);
    await expect(page.locator('#chain-status').textContent()).resolves.toContain('intact');
    await page.screenshot({ path: `${ARTIFACTS}/06-audit.png`, fullPage: true });

    await page.goto(`${baseUrl}/console/privacy`);
    await expectChartDrawn('consent-timeline');
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('nav.console-nav').isVisible()).resolves.toBe(false);
    await page.screenshot({ path: `${ARTIFACTS}/07-overview-print.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });

  it('signs out', async () => {
    await Promise.all([page.waitForURL(/\/console\/sign-in/), page.click('.console-session button[type="submit"]')]);
    await page.goto(`${baseUrl}/console/privacy`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
  });

  it('logged no console errors (CSP violations included)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
