/**
 * Every signed package states the configuration in force when it was released, not today's: after a
 * change of configuration between two releases, the earlier package still states the old one, the
 * later one the new one, and the catalogue states today's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appConfigFrom, parseEnvironment, periodBudgetRhoCap } from '../../src/config';
import { approxDpEpsilon } from '../../src/privacy';
import { releasePeriod } from '../../src/releases/release-period';
import { createTestApp, requestJson, TEST_ENVIRONMENT, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { SYSTEM_ACTOR } from './release-fixtures';

describe.each(TEST_DIALECTS)('the configuration a package states, on %s', (dialect) => {
  let testApp: TestApp;

  /** The same database after a restart with another configuration. */
  const restartWith = (environment: Record<string, string>) => {
    testApp.deps.config = appConfigFrom(parseEnvironment({ ...TEST_ENVIRONMENT, ...environment }));
  };

  const packagesOf = async (period: string) => {
    const releases = await testApp.deps.database.db.selectFrom('releases').select('id').where('period', '=', period).execute();
    expect(releases.length).toBeGreaterThan(0);
    return Promise.all(
      releases.map(async ({ id }) => {
        const response = await requestJson(testApp, 'GET', `/v1/releases/${id}/datapackage.json`);
        expect(response.status).toBe(200);
        return response.json;
      }),
    );
  };

  beforeEach(async () => {
    testApp = await createTestApp({ dialect, environment: { PERIOD: 'month', YEARLY_BUDGET_RHO: '1', K_ANONYMITY: '10' }, start: new Date('2026-11-03T01:00:00.000Z') });
  });
  afterEach(() => testApp.dispose());

  it('keeps what an earlier package states when the configuration changes before the next release', async () => {
    await releasePeriod(testApp.deps, { period: '2026-10', actor: SYSTEM_ACTOR });
    restartWith({ PERIOD: 'month', YEARLY_BUDGET_RHO: '2', K_ANONYMITY: '12' });
    testApp.clock.set(new Date('2026-12-03T01:00:00.000Z'));
    await releasePeriod(testApp.deps, { period: '2026-11', actor: SYSTEM_ACTOR });

    for (const pkg of await packagesOf('2026-10')) {
      expect(pkg.configuration.period).toMatchObject({ kind: 'month', id: '2026-10' });
      expect(pkg.configuration.yearlyBudget).toMatchObject({ rho: 1, periodRho: periodBudgetRhoCap(1, 'month'), maxPeriodsPerYear: 12 });
      expect(pkg.configuration.yearlyBudget.epsilon).toBeCloseTo(approxDpEpsilon(1, 1e-6), 12);
      expect(pkg.configuration.periodBudget).toMatchObject({ rho: periodBudgetRhoCap(1, 'month'), source: 'derived' });
      expect(pkg.configuration.kAnonymity).toBe(10);
    }
    for (const pkg of await packagesOf('2026-11')) {
      expect(pkg.configuration.period).toMatchObject({ kind: 'month', id: '2026-11' });
      expect(pkg.configuration.yearlyBudget).toMatchObject({ rho: 2, periodRho: periodBudgetRhoCap(2, 'month') });
      expect(pkg.configuration.periodBudget).toMatchObject({ rho: periodBudgetRhoCap(2, 'month'), source: 'derived' });
      expect(pkg.configuration.kAnonymity).toBe(12);
    }
    // The catalogue states today's configuration.
    const catalogue = await requestJson(testApp, 'GET', '/v1/datasets');
    expect(catalogue.json.period).toMatchObject({ kind: 'month', maxPeriodsPerYear: 12 });
    expect(catalogue.json.yearlyBudget).toMatchObject({ rho: 2, periodRho: periodBudgetRhoCap(2, 'month') });
    const page = await (await testApp.app.request('/console/datasets')).text();
    expect(page).toContain('published once per month');
    expect(page).toContain(`<span id="yearly-budget">${catalogue.json.yearlyBudget.summary}</span>`);
    expect(catalogue.json.yearlyBudget.summary).toContain('at most rho = 2 zCDP');
  });
});
