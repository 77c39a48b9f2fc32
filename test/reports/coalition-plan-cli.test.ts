/** `npm run plan` for real: a child process reading the configuration from its environment. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { appConfigFrom, parseEnvironment } from '../../src/config';
import { planCoalition } from '../../src/reports/coalition-plan';

const run = promisify(execFile);

async function planCli(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(join('node_modules', '.bin', 'tsx'), ['scripts/plan.ts', ...args], {
      timeout: 60_000,
      env: { ...process.env, APP_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run plan', () => {
  it('prints the plan as JSON, the same as the data function for the same configuration', async () => {
    const env = { PERIOD: 'month', YEARLY_BUDGET_RHO: '2' };
    const result = await planCli(env, '--orgs', '300', '--json');
    expect(result.code, result.stderr).toBe(0);
    const config = appConfigFrom(parseEnvironment({ APP_ENV: 'test', ...env }));
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify(planCoalition({ config, datasets: undefined }, { organizations: 300 }))));
  });

  it('takes the period kind and yearly budget from its options', async () => {
    const result = await planCli({}, '--orgs', '1000', '--period', 'week', '--yearly-rho', '1', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).input).toMatchObject({ organizations: 1000, period: 'week', yearlyBudgetRho: 1, periodsPerYear: 53 });
  });

  it('prints a table with one block per dataset', async () => {
    const result = await planCli({}, '--orgs', '300');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Plan for 300 organizations: quarterly periods \(4 a year\)/);
    expect(result.stdout).toContain('per organization per year:   rho 1.00 = (7.77, ');
    expect(result.stdout).toMatch(/ai-transfer-volume: 100 keys/);
    expect(result.stdout).toMatch(/a key is published with 50% \/ 95% probability from \d+ \/ \d+ organizations/);
  });

  it('exits 2 with the usage on bad options', async () => {
    const cases = [[], ['--orgs', 'many'], ['--orgs', '300', '--period', 'fortnight'], ['--orgs', '300', '--yearly-rho', '0'], ['--orgs', '3', '--bogus']];
    const results = await Promise.all(cases.map((args) => planCli({}, ...args)));
    results.forEach((result, index) => {
      expect(result.code, cases[index]!.join(' ')).toBe(2);
      expect(result.stderr, cases[index]!.join(' ')).toContain('usage: npm run plan -- --orgs <n>');
    });
  });
});
