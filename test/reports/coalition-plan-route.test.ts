import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCoalition } from '../../src/reports/coalition-plan';
import { issueApiKey } from '../consent/consent-fixtures';
import { expectProblem } from '../support/http-expectations';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';

describe('GET /v1/reports/plan', () => {
  let testApp: TestApp;
  let officer: string;
  let researcher: string;

  beforeAll(async () => {
    testApp = await createTestApp({ environment: { PERIOD: 'quarter' } });
    officer = (await issueApiKey(testApp, 'privacy_officer')).token;
    researcher = (await issueApiKey(testApp, 'researcher')).token;
  });
  afterAll(() => testApp.dispose());

  const get = (path: string, token = officer) => requestJson(testApp, 'GET', path, { token });

  it('gives the privacy officer the plan for the declared coalition, as the data function computes it', async () => {
    const response = await get('/v1/reports/plan?orgs=300');
    expect(response.status).toBe(200);
    expect(response.json).toEqual(JSON.parse(JSON.stringify(planCoalition(testApp.deps, { organizations: 300 }))));
    expect(response.json.input).toMatchObject({ organizations: 300, period: 'quarter', yearlyBudgetRho: 1 });
    expect(response.json.datasets.length).toBeGreaterThan(0);
  });

  it('plans for another period kind and yearly budget than the running one', async () => {
    const response = await get('/v1/reports/plan?orgs=1000&period=month&yearlyRho=2');
    expect(response.status).toBe(200);
    expect(response.json.input).toMatchObject({ organizations: 1000, period: 'month', yearlyBudgetRho: 2, periodsPerYear: 12, periodBudgetSource: 'derived' });
    expect(response.json.perYear.rho).toBeLessThanOrEqual(2);
  });

  it('admits privacy officers only', async () => {
    expectProblem(await requestJson(testApp, 'GET', '/v1/reports/plan?orgs=300'), 401, 'unauthenticated');
    for (const token of [researcher, ADMIN_TOKEN]) {
      expectProblem(await get('/v1/reports/plan?orgs=300', token), 403, 'forbidden');
    }
  });

  it('answers a bad query with 400 problem+json that names the parameter and echoes nothing', async () => {
    for (const [query, parameter] of [
      ['', 'orgs'],
      ['orgs=0', 'orgs'],
      ['orgs=12.5', 'orgs'],
      ['orgs=<script>', 'orgs'],
      ['orgs=300&period=fortnight', 'period'],
      ['orgs=300&yearlyRho=-1', 'yearlyRho'],
    ] as const) {
      const response = await get(`/v1/reports/plan?${query}`);
      expectProblem(response, 400, 'invalid-request');
      expect(JSON.stringify(response.json.errors), query).toContain(parameter);
      expect(response.text, query).not.toContain('<script>');
    }
  });

  it('is in the OpenAPI document', async () => {
    const openapi = await requestJson(testApp, 'GET', '/openapi.json');
    const operation = openapi.json.paths['/v1/reports/plan'].get;
    expect(operation.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(['orgs', 'period', 'yearlyRho']);
    expect(operation.responses['200'].content['application/json'].schema).toBeDefined();
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '401', '403']));
  });
});
