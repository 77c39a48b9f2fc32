import { approxDpEpsilon, composeZcdp } from '../../src/privacy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsentingOrg, sendBatch, type ConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { parseCsvRecords as parseCsv } from '../support/release-csv';
import { TEST_DIALECTS } from '../support/test-database';
import { chargeBudget, eventsAt, issueApiKey, LATE_INSTANT, markReleased, SCENARIO_START, sendOrFail } from '../consent/consent-fixtures';

describe.each(TEST_DIALECTS)('privacy officer reports on %s', (dialect) => {
  let testApp: TestApp;
  let alpha: ConsentingOrg;
  let beta: ConsentingOrg;
  let gamma: ConsentingOrg;
  let officer: string;
  let researcher: string;

  beforeAll(async () => {
    // The budget of the old weekly default (rho 0.1 a week), which a yearly budget of 5.4 allows.
    testApp = await createTestApp({ dialect, start: SCENARIO_START, environment: { YEARLY_BUDGET_RHO: '5.4', PERIOD_BUDGET_RHO: '0.1' } });
    alpha = await registerConsentingOrg(testApp, { name: 'Alpha', sector: 'finance' });
    beta = await registerConsentingOrg(testApp, { name: '=HYPERLINK("http://evil")', sector: 'healthcare' });
    gamma = await registerConsentingOrg(testApp, { name: 'Gamma', sector: 'energy', consent: false });
    officer = (await issueApiKey(testApp, 'privacy_officer')).token;
    researcher = (await issueApiKey(testApp, 'researcher')).token;
    testApp.clock.advance(3600_000);
    // 2026-W47: both send; one bad event and one retry from alpha; gamma is refused for lack of consent.
    await sendOrFail(testApp, alpha, eventsAt('2026-11-17T09:30:00Z', 3));
    const mixed = eventsAt('2026-11-17T09:40:00Z', 1);
    await sendBatch(testApp, alpha.ingestToken, [...mixed, ...mixed, { eventId: 'broken' }]);
    await sendOrFail(testApp, beta, eventsAt('2026-11-17T09:30:00Z', 2));
    await sendBatch(testApp, gamma.ingestToken, eventsAt('2026-11-17T09:30:00Z', 4));
    // 2026-W48: alpha sends again, W47 is released, then alpha revokes (W48 erased).
    testApp.clock.set(LATE_INSTANT);
    await sendOrFail(testApp, alpha, eventsAt('2026-11-24T09:00:00Z', 2));
    await markReleased(testApp, '2026-W47', '11111111-1111-4111-8111-111111111111');
    await chargeBudget(testApp, { id: 'c1', period: '2026-W47', datasetId: 'ai-content-flows', rho: 0.05, epsilon: 1.4, delta: 1.5e-6 });
    await chargeBudget(testApp, { id: 'c2', period: '2026-W47', datasetId: 'access-controls', rho: 0.04, epsilon: 1.2, delta: 1.5e-6 });
    await requestJson(testApp, 'DELETE', `/v1/orgs/${alpha.orgId}/consent`, { token: officer, body: { reason: 'Contract ended' } });
  });
  afterAll(() => testApp.dispose());

  const get = (path: string, options: { token?: string; headers?: Record<string, string> } = {}) =>
    requestJson(testApp, 'GET', path, { token: officer, ...options });

  describe('consent report', () => {
    it('has a row per organization and period with outcomes by reason, consent state and erasures', async () => {
      const response = await get('/v1/reports/consent');
      expect(response.status).toBe(200);
      const { rows, columns, totals } = response.json;
      expect(Object.keys(rows[0])).toEqual(columns);
      const alphaRows = rows.filter((row: { org_id: string }) => row.org_id === alpha.orgId);
      // W48 was erased with its tallies: only the published period's row remains.
      expect(alphaRows.map((row: { period: string }) => row.period)).toEqual(['2026-W47']);
      expect(alphaRows[0]).toMatchObject({
        org_name: 'Alpha',
        sector: 'finance',
        consent_status: 'revoked',
        accepted: 4,
        duplicate: 1,
        invalid_event: 1,
        rejected_total: 1,
        erased: false,
        erasures: 1,
        erased_rows: 2 + 2,
      });
      expect(alphaRows[0].consent_history).toMatch(/^granted 2026-11-17T09:00:00.000Z \(policy 2026-01, signed_agreement\); revoked 2026-11-24T10:00:00.000Z$/);
      const gammaRow = rows.find((row: { org_id: string }) => row.org_id === gamma.orgId);
      expect(gammaRow).toMatchObject({ consent_status: 'none', period: '2026-W47', accepted: 0, consent_required: 4, rejected_total: 4 });
      expect(totals).toMatchObject({ accepted: 4 + 2, duplicate: 1, consent_required: 4, invalid_event: 1, rejected_total: 5, erasures: 1, erased_rows: 4 });
    });

    it('lists organizations by name and limits periods and status to the window', async () => {
      const all = await get('/v1/reports/consent');
      expect([...new Set(all.json.rows.map((row: { org_name: string }) => row.org_name))]).toEqual(['=HYPERLINK("http://evil")', 'Alpha', 'Gamma']);
      const response = await get('/v1/reports/consent?from=2026-11-16&to=2026-11-23');
      const alphaRows = response.json.rows.filter((row: { org_id: string }) => row.org_id === alpha.orgId);
      expect(alphaRows.map((row: { period: string }) => row.period)).toEqual(['2026-W47']);
      expect(alphaRows[0]).toMatchObject({ consent_status: 'active', erasures: 0 });
      expect(response.json.window).toEqual({ from: '2026-11-16T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' });
      expect(all.json.window).toEqual({ from: null, to: null });
    });

    it('gives the same columns as CSV, with a totals row and formulas defused', async () => {
      const json = await get('/v1/reports/consent');
      const csv = await get('/v1/reports/consent?format=csv');
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="consent-report-2026-11-24.csv"');
      const [header, ...rows] = parseCsv(csv.text);
      expect(header).toEqual(json.json.columns);
      expect(rows).toHaveLength(json.json.rows.length + 1);
      const alphaFirst = rows.find((row) => row[0] === alpha.orgId)!;
      expect(Object.fromEntries(header!.map((column, index) => [column, alphaFirst[index]]))).toMatchObject({ org_name: 'Alpha', accepted: '4', erased: 'false' });
      expect(rows[0]?.[1]).toBe(`'=HYPERLINK("http://evil")`);
      expect(rows.at(-1)?.[1]).toBe('All organizations (total)');
      expect(rows.at(-1)?.[header!.indexOf('accepted')]).toBe('6');
      expect(csv.text).toContain(`'=HYPERLINK`);
      const viaAccept = await get('/v1/reports/consent', { headers: { accept: 'text/csv' } });
      expect(viaAccept.text).toBe(csv.text);
    });

    it('rejects an inverted or malformed window', async () => {
      for (const query of ['?from=2026-12-01&to=2026-11-01', '?from=last-week', '?to=2026-13-01']) {
        const response = await get(`/v1/reports/consent${query}`);
        expect(response.status, query).toBe(400);
        expect(response.json.type).toBe('/problems/invalid-request');
      }
    });
  });

  describe('budget report', () => {
    it('shows each charge with the period composed against the cap', async () => {
      const response = await get('/v1/reports/budget');
      expect(response.status).toBe(200);
      const rho = composeZcdp([0.04, 0.05]);
      expect(response.json.periodRhoCap).toBe(0.1);
      expect(response.json.rows).toEqual([
        expect.objectContaining({ period: '2026-W47', dataset_id: 'access-controls', rho: 0.04, epsilon: 1.2 }),
        expect.objectContaining({ period: '2026-W47', dataset_id: 'ai-content-flows', rho: 0.05 }),
      ]);
      expect(response.json.rows[0]).toMatchObject({
        period_start: '2026-11-16T00:00:00.000Z',
        period_rho_spent: rho,
        period_rho_cap: 0.1,
        period_within_cap: true,
        period_epsilon: approxDpEpsilon(rho, 1e-6),
        period_delta: expect.closeTo(2e-6, 12),
      });
      expect(response.json.rows[0].period_rho_remaining).toBeCloseTo(0.01, 12);
      const csv = parseCsv((await get('/v1/reports/budget?format=csv')).text);
      expect(csv[0]).toEqual(response.json.columns);
      expect(csv).toHaveLength(3);
      expect((await get('/v1/reports/budget?to=2026-11-16')).json.rows).toEqual([]);
    });

    it('composes each organization\'s loss over the periods it took part in, over 12 months', async () => {
      const response = await get('/v1/reports/budget/organizations');
      const byOrg = new Map(response.json.rows.map((row: { org_id: string }) => [row.org_id, row]));
      const rho = composeZcdp([0.04, 0.05]);
      expect(byOrg.get(alpha.orgId)).toMatchObject({ periods: 1, period_list: '2026-W47', erased_periods: '', rho, epsilon: approxDpEpsilon(rho, 1e-6) });
      expect(byOrg.get(beta.orgId)).toMatchObject({ periods: 1, rho });
      expect(byOrg.get(gamma.orgId)).toMatchObject({ periods: 0, rho: 0, epsilon: 0, delta: 0 });
      expect(response.json.window).toEqual({ from: '2025-11-24T10:00:00.000Z', to: '2026-11-24T10:00:00.000Z' });
      const oneOrg = await get(`/v1/reports/budget/organizations?orgId=${beta.orgId}&format=csv`);
      expect(parseCsv(oneOrg.text)).toHaveLength(2);
      const later = await get('/v1/reports/budget/organizations?at=2027-12-01');
      expect(later.json.rows.every((row: { periods: number }) => row.periods === 0)).toBe(true);
    });
  });

  describe('erasure report', () => {
    it('lists receipts with the releases that predate them', async () => {
      const response = await get('/v1/reports/erasures');
      expect(response.json.rows).toEqual([
        expect.objectContaining({
          org_id: alpha.orgId,
          org_name: 'Alpha',
          periods: '2026-W48',
          rows_removed: 4,
          releases_including: '11111111-1111-4111-8111-111111111111 (ai-content-flows 2026-W47)',
        }),
      ]);
      expect((await get(`/v1/reports/erasures?orgId=${beta.orgId}`)).json.rows).toEqual([]);
      expect((await get('/v1/reports/erasures?to=2026-11-20')).json.rows).toEqual([]);
      const csv = parseCsv((await get('/v1/reports/erasures?format=csv')).text);
      expect(csv[0]).toEqual(response.json.columns);
    });
  });

  it('answers bad parameters on every report with 400 problem+json', async () => {
    for (const path of [
      '/v1/reports/consent?format=xml',
      '/v1/reports/budget?from=2027-01-01&to=2026-01-01',
      '/v1/reports/budget?to=soon',
      '/v1/reports/budget/organizations?orgId=not-a-uuid',
      '/v1/reports/budget/organizations?at=2026-02-30T00:00:00Z',
      '/v1/reports/erasures?orgId=42',
      '/v1/reports/erasures?from=2026-11-01T00:00:00',
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(400);
      expect(response.headers.get('content-type'), path).toBe('application/problem+json');
      expect(response.json.type, path).toBe('/problems/invalid-request');
    }
  });

  it('admits privacy officers and admins only, on every report', async () => {
    for (const path of ['/v1/reports/consent', '/v1/reports/budget', '/v1/reports/budget/organizations', '/v1/reports/erasures']) {
      const anonymous = await get(path, { token: '' });
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.json.type).toBe('/problems/unauthenticated');
      for (const token of [researcher, alpha.ingestToken]) {
        const refused = await get(path, { token });
        expect(refused.status, path).toBe(403);
        expect(refused.json.type).toBe('/problems/forbidden');
      }
      expect((await get(path, { token: ADMIN_TOKEN })).status, path).toBe(200);
    }
  });
});
