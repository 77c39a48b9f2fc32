/**
 * The yearly privacy budget per organization: derived per period from YEARLY_BUDGET_RHO and the
 * period kind, a configuration that cannot respect it stops start-up, and the release job refuses a
 * release that would take some 12 months over it (after a change of configuration), with a problem
 * that says what to do, an audit entry, a notice on the privacy console, and a scheduler that skips.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appConfigFrom, ConfigError, parseEnvironment, periodBudgetRhoCap } from '../../src/config';
import { parsePeriodId } from '../../src/periods/period';
import { approxDpEpsilon, approxDpEpsilonSimple, composeZcdp } from '../../src/privacy';
import { releaseDuePeriods, releasePeriod } from '../../src/releases/release-period';
import { checkRollingYear, type PeriodCharge, yearlyBudgetStatement } from '../../src/releases/yearly-budget';
import { ConsoleClient } from '../support/console-client';
import { chargeBudget } from '../consent/consent-fixtures';
import { type ConsentingOrg, registerConsentingOrg, sendBatch, transferEvent } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, TEST_ENVIRONMENT, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { SYSTEM_ACTOR } from './release-fixtures';

const charge = (period: string, rho: number): PeriodCharge => ({ period, start: parsePeriodId(period, period.includes('Q') ? 'quarter' : period.includes('W') ? 'week' : 'month')!.start, rho });
const quarter = (id: string) => parsePeriodId(id, 'quarter')!;

describe('yearly budget configuration', () => {
  const config = (env: Record<string, string>) => appConfigFrom(parseEnvironment({ APP_ENV: 'test', ...env }));

  it('derives the budget per period from the yearly one, rounded down so that a year of periods never exceeds it', () => {
    expect(config({})).toMatchObject({ period: 'quarter', yearlyBudgetRho: 1, periodBudgetRho: 0.25, periodBudgetSource: 'derived' });
    for (const [period, periods] of [['day', 366], ['week', 53], ['month', 12], ['quarter', 4]] as const) {
      for (const yearly of ['1', '0.3', '5.2', '2.7']) {
        const { periodBudgetRho } = config({ PERIOD: period, YEARLY_BUDGET_RHO: yearly });
        expect(periodBudgetRho).toBe(periodBudgetRhoCap(Number(yearly), period));
        expect(periodBudgetRho).toBeLessThanOrEqual(Number(yearly) / periods);
        expect(periodBudgetRho).toBeGreaterThan((Number(yearly) / periods) * (1 - 1e-12));
        expect(composeZcdp(new Array<number>(periods).fill(periodBudgetRho))).toBeLessThanOrEqual(Number(yearly));
      }
    }
  });

  it('takes PERIOD_BUDGET_RHO as an override that may only be lower', () => {
    expect(config({ PERIOD_BUDGET_RHO: '0.1' })).toMatchObject({ periodBudgetRho: 0.1, periodBudgetSource: 'PERIOD_BUDGET_RHO' });
    expect(config({ PERIOD_BUDGET_RHO: '0.25' }).periodBudgetRho).toBe(0.25);
  });

  it('stops start-up when the configuration cannot respect the cap, naming the variables', () => {
    for (const env of [{ PERIOD_BUDGET_RHO: '0.3' }, { PERIOD: 'week', PERIOD_BUDGET_RHO: '0.1' }, { YEARLY_BUDGET_RHO: '0.5', PERIOD_BUDGET_RHO: '0.2' }]) {
      let error: unknown;
      try {
        parseEnvironment({ APP_ENV: 'test', ...env });
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/PERIOD_BUDGET_RHO/);
      expect((error as Error).message).toMatch(/YEARLY_BUDGET_RHO/);
      expect((error as Error).message).toMatch(/PERIOD=/);
    }
    expect(() => parseEnvironment({ YEARLY_BUDGET_RHO: '0' })).toThrow(/YEARLY_BUDGET_RHO/);
  });

  it('states the yearly cap as (epsilon, delta) with the tight conversion: about (7.8, 1e-6) by default with public keys', () => {
    const statement = yearlyBudgetStatement(config({}), 1e-6);
    expect(statement.epsilon).toBe(approxDpEpsilon(1, 1e-6));
    expect(statement.epsilon).toBeGreaterThan(7.7);
    expect(statement.epsilon).toBeLessThan(7.8);
    expect(approxDpEpsilonSimple(1, 1e-6)).toBeGreaterThan(8.4);
    // The conversion delta once, plus the key-selection delta of each of the 4 quarters when one is spent ...
    expect(statement.delta).toBeCloseTo(1e-6 + 4e-6, 15);
    // ... and with public keys (every shipped spec) none is: (7.8, 1e-6).
    expect(yearlyBudgetStatement(config({}), 0).delta).toBe(1e-6);
    expect(statement).toMatchObject({ rho: 1, maxPeriodsPerYear: 4, periodRho: 0.25, periodRhoSource: 'derived' });
    expect(statement.summary).toMatch(/any 12 months/);
  });
});

describe('rolling 12-month check', () => {
  it('lets four quarters spend the whole cap, and a fifth only once the first has left the window', () => {
    const spent = ['2026-Q1', '2026-Q2', '2026-Q3'].map((id) => charge(id, 0.25));
    expect(checkRollingYear(spent, { period: quarter('2026-Q4'), rho: 0.25 }, 1)).toMatchObject({ withinCap: true, headroomRho: 0.25 });
    const year = [...spent, charge('2026-Q4', 0.25)];
    expect(checkRollingYear(year, { period: quarter('2027-Q1'), rho: 0.25 }, 1)).toMatchObject({ withinCap: true });
    expect(checkRollingYear(year, { period: quarter('2027-Q1'), rho: 0.26 }, 1)).toMatchObject({ withinCap: false, headroomRho: 0.25 });
  });

  it('finds the worst 12 months containing the period, across period kinds (after PERIOD changed)', () => {
    // Eleven months at 1/12 (month periods), then PERIOD=quarter asks 0.25 for Q4, which starts on 1 October.
    const monthly = periodBudgetRhoCap(1, 'month');
    const months = Array.from({ length: 11 }, (_, index) => charge(`2026-${String(index + 1).padStart(2, '0')}`, monthly));
    const check = checkRollingYear(months, { period: quarter('2026-Q4'), rho: 0.25 }, 1);
    expect(check.withinCap).toBe(false);
    expect(check.worstWindow).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
    expect(check.worstWindow.periods).toEqual([...months.slice(0, 9).map((each) => each.period), '2026-10', '2026-Q4', '2026-11']);
    expect(check.headroomRho).toBeCloseTo(1 - 11 * monthly, 12);
    expect(checkRollingYear(months, { period: quarter('2026-Q4'), rho: check.headroomRho }, 1).withinCap).toBe(true);
  });

  it('counts a period by its start: a window is [s, s + 12 months), and a charge for the period itself is replaced', () => {
    const week = (id: string) => parsePeriodId(id, 'week')!;
    // 2025-W48 starts 2025-11-24, 2026-W48 starts 2026-11-23: 364 days apart, both in one window.
    const check = checkRollingYear([charge('2025-W48', 0.6)], { period: week('2026-W48'), rho: 0.5 }, 1);
    expect(check).toMatchObject({ withinCap: false, headroomRho: 0.4 });
    // 2025-W47 starts 2025-11-17: more than 12 months before 2026-W48, so never in a window with it.
    expect(checkRollingYear([charge('2025-W47', 0.6)], { period: week('2026-W48'), rho: 0.5 }, 1).withinCap).toBe(true);
    expect(checkRollingYear([charge('2026-W48', 0.9)], { period: week('2026-W48'), rho: 0.5 }, 1).withinCap).toBe(true);
  });

  it('is exact at the cap and answers no budget left when the others already reach it', () => {
    const third = 1 / 3;
    const check = checkRollingYear([charge('2026-Q1', 0.5), charge('2026-Q2', 0.5)], { period: quarter('2026-Q3'), rho: 1e-9 }, 1);
    expect(check).toMatchObject({ withinCap: false, headroomRho: 0 });
    expect(checkRollingYear([charge('2026-Q1', third), charge('2026-Q2', third)], { period: quarter('2026-Q3'), rho: 1 - 2 * third }, 1).withinCap).toBe(
      composeZcdp([third, third, 1 - 2 * third]) <= 1,
    );
  });
});

describe.each(TEST_DIALECTS)('yearly budget enforced by the release job on %s', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;
  const MONTHLY = periodBudgetRhoCap(1, 'month');
  // 2026-Q4 is releasable from 2027-01-03T00:00Z (its end plus the 48 h grace window).
  const Q4_DUE = new Date('2027-01-03T06:00:00.000Z');

  /** The same database after a restart with another configuration. */
  const restartWith = (environment: Record<string, string>) => {
    testApp.deps.config = appConfigFrom(parseEnvironment({ ...TEST_ENVIRONMENT, ...environment }));
  };

  beforeEach(async () => {
    // Until now the operator released months (rho 1/12 each); now PERIOD=quarter asks 1/4 for 2026-Q4.
    testApp = await createTestApp({ dialect, environment: { PERIOD: 'month' }, start: new Date('2026-11-03T01:00:00.000Z') });
    await releasePeriod(testApp.deps, { period: '2026-10', actor: SYSTEM_ACTOR });
    org = await registerConsentingOrg(testApp, { name: 'Early Org' });
    testApp.clock.advance(3_600_000);
    const sent = await sendBatch(testApp, org.ingestToken, [transferEvent({ occurredAt: '2026-11-03T01:30:00Z' })]);
    expect(sent.json.accepted).toBe(1);
    testApp.clock.set(new Date('2026-12-03T01:00:00.000Z'));
    await releasePeriod(testApp.deps, { period: '2026-11', actor: SYSTEM_ACTOR });
    // Nine more months charged before (January to September), as earlier releases left them in the ledger.
    for (let month = 1; month <= 9; month += 1) {
      await chargeBudget(testApp, { id: `earlier-${month}`, period: `2026-0${month}`, datasetId: 'ai-transfer-volume', rho: MONTHLY, epsilon: 1, delta: 1e-6 });
    }
    restartWith({ PERIOD: 'quarter' });
    testApp.clock.set(Q4_DUE);
  });
  afterEach(() => testApp.dispose());

  it('refuses the release with a problem that says what to change, audits it once, leaves no lock, and shows a console notice', async () => {
    const refused = await requestJson(testApp, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: '2026-Q4' } });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.json).toMatchObject({ type: '/problems/yearly-budget-exceeded', period: '2026-Q4', yearlyBudgetRho: 1 });
    // Real releases charge at most their budget: what is left is at least 1 - 11/12.
    expect(refused.json.headroomRho).toBeGreaterThanOrEqual(1 - 11 * MONTHLY - 1e-12);
    expect(refused.json.headroomRho).toBeLessThan(0.1);
    expect(refused.json.window).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
    expect(refused.json.detail).toMatch(/above YEARLY_BUDGET_RHO=1/);
    expect(refused.json.detail).toMatch(/Set PERIOD_BUDGET_RHO to at most 0\.08/);
    expect(refused.json.detail).toMatch(/Waiting does not help/);

    // The scheduler is refused the same way; the refusal is audited once however often it is retried.
    const outcome = await releaseDuePeriods(testApp.deps);
    expect(outcome).toEqual({ released: [], skipped: [{ period: '2026-Q4', reason: 'yearly-budget-exceeded' }] });
    await expect(releasePeriod(testApp.deps, { period: '2026-Q4', actor: SYSTEM_ACTOR })).rejects.toMatchObject({ code: 'yearly-budget-exceeded' });
    const { db } = testApp.deps.database;
    const audit = await db.selectFrom('audit_log').select(['actor_role', 'details']).where('action', '=', 'release.refused').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ period: '2026-Q4', reason: 'yearly-budget-exceeded' });
    expect(await db.selectFrom('period_releases').select('period').where('period', '=', '2026-Q4').execute()).toEqual([]);

    // The privacy console says so on its overview page, and the public schedule says the next period waits.
    const browser = new ConsoleClient(testApp);
    await browser.signIn(ADMIN_TOKEN);
    const overview = await browser.request('/console/privacy');
    expect(overview.text).toMatch(/id="yearly-budget-notice"/);
    expect(overview.text).toMatch(/The release of 2026-Q4 is refused/);
    const schedule = await requestJson(testApp, 'GET', '/v1/releases/schedule');
    expect(schedule.json.next).toMatchObject({ period: '2026-Q4', releasable: true, withinYearlyBudget: false });
  });

  it('releases once the operator lowers PERIOD_BUDGET_RHO to what is left, and the notice about it goes away', async () => {
    const refused = await requestJson(testApp, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: '2026-Q4' } });
    restartWith({ PERIOD: 'quarter', PERIOD_BUDGET_RHO: String(refused.json.headroomRho) });
    const released = await releasePeriod(testApp.deps, { period: '2026-Q4', actor: SYSTEM_ACTOR });
    const charged = composeZcdp(released.releases.map((release) => release.rho));
    expect(charged).toBeLessThanOrEqual(refused.json.headroomRho);
    const { db } = testApp.deps.database;
    const ledger = await db.selectFrom('budget_ledger').select(['period', 'rho']).execute();
    expect(composeZcdp(ledger.map((row) => Number(row.rho)))).toBeLessThanOrEqual(1);

    const browser = new ConsoleClient(testApp);
    await browser.signIn(ADMIN_TOKEN);
    expect((await browser.request('/console/privacy')).text).not.toMatch(/The release of 2026-Q4/);
    // Each package states the configuration it was released under.
    const pkg = JSON.parse((await db.selectFrom('releases').select('datapackage').where('period', '=', '2026-Q4').executeTakeFirstOrThrow()).datapackage);
    expect(pkg.configuration.periodBudget).toMatchObject({ rho: refused.json.headroomRho, source: 'PERIOD_BUDGET_RHO' });
    expect(pkg.configuration.period).toMatchObject({ kind: 'quarter', id: '2026-Q4', releasableAt: '2027-01-03T00:00:00.000Z' });
  });

  it('shows each organization the budget it has left over the last 12 months', async () => {
    const report = await requestJson(testApp, 'GET', '/v1/reports/budget/organizations', { token: ADMIN_TOKEN });
    expect(report.status).toBe(200);
    expect(report.json.columns).toEqual(expect.arrayContaining(['yearly_rho_cap', 'rho_remaining']));
    // The organization took part in 2026-11 only: it lost that month's charge and has the rest of the cap left.
    const { db } = testApp.deps.database;
    const november = composeZcdp((await db.selectFrom('budget_ledger').select('rho').where('period', '=', '2026-11').execute()).map((row) => Number(row.rho)));
    const [row] = report.json.rows;
    expect(row).toMatchObject({ org_id: org.orgId, period_list: '2026-11', rho: november, yearly_rho_cap: 1 });
    expect(row.rho_remaining).toBeCloseTo(1 - november, 12);
    expect(row.rho_remaining).toBeLessThanOrEqual(1 - november);
  });
});
