/**
 * The coalition planner from the command line: what the configured catalogue would publish for a
 * coalition of a given size. It reads the configuration (PERIOD, YEARLY_BUDGET_RHO, K_ANONYMITY, ...)
 * and the dataset specs, never the database.
 *
 *   npm run plan -- --orgs 300                         the running configuration
 *   npm run plan -- --orgs 300 --period month --yearly-rho 1
 *   npm run plan -- --orgs 1000 --json                 the same data as GET /v1/reports/plan
 *
 * Exit status: 0 done, 2 usage or configuration error.
 */
import { parseArgs } from 'node:util';
import { appConfigFrom, ConfigError, parseEnvironment } from '../src/config';
import { PERIOD_GRANULARITIES, type PeriodGranularity } from '../src/periods/period';
import { type CoalitionPlan, planCoalition } from '../src/reports/coalition-plan';

const usage = `usage: npm run plan -- --orgs <n> [--period ${PERIOD_GRANULARITIES.join('|')}] [--yearly-rho <rho>] [--json]`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

function parse() {
  let values;
  try {
    values = parseArgs({
      options: {
        orgs: { type: 'string' },
        period: { type: 'string' },
        'yearly-rho': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const organizations = Number(values.orgs);
  if (values.orgs === undefined || !Number.isSafeInteger(organizations) || organizations < 1) fail('--orgs must be a positive integer');
  const period = values.period;
  if (period !== undefined && !(PERIOD_GRANULARITIES as readonly string[]).includes(period)) {
    fail(`--period must be one of ${PERIOD_GRANULARITIES.join(', ')}`);
  }
  const yearlyBudgetRho = values['yearly-rho'] === undefined ? undefined : Number(values['yearly-rho']);
  if (yearlyBudgetRho !== undefined && !(yearlyBudgetRho > 0 && yearlyBudgetRho <= 100_000)) fail('--yearly-rho must be a number in (0, 100000]');
  return { organizations, period: period as PeriodGranularity | undefined, yearlyBudgetRho, json: values.json };
}

const percent = (value: number) => `${(100 * value).toFixed(value < 0.1 ? 1 : 0)}%`;
const number = (value: number) => (Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3));
const loss = ({ rho, epsilon, delta }: { rho: number; epsilon: number; delta: number }) =>
  `rho ${rho.toPrecision(3)} = (${epsilon.toPrecision(3)}, ${delta.toExponential(1)})-DP`;

function printTable(plan: CoalitionPlan): void {
  const { input } = plan;
  console.log(
    `Plan for ${input.organizations} organizations: ${input.period}ly periods (${input.periodsPerYear} a year), ` +
      `yearly budget rho ${input.yearlyBudgetRho}, per period rho ${input.periodBudgetRho.toPrecision(4)} (${input.periodBudgetSource}), k = ${input.kAnonymity}`,
  );
  console.log(`  per organization per period: ${loss(plan.perPeriod)}`);
  console.log(`  per organization per year:   ${loss(plan.perYear)}`);
  for (const dataset of plan.datasets) {
    const { publication } = dataset;
    console.log(`\n${dataset.datasetId}: ${dataset.keys} keys, ${dataset.keySelection}, L0 ${dataset.maxKeysPerOrganization}, ~${number(dataset.expectedOrganizationsPerKey)} organizations per key`);
    console.log(
      `  a key is published with 50% / 95% probability from ${publication.organizationsFor50Percent} / ${publication.organizationsFor95Percent} organizations ` +
        `(at ~${Math.floor(dataset.expectedOrganizationsPerKey)}: ${percent(publication.probabilityAtExpectedOrganizations)})`,
    );
    console.log(`  per period ${loss(dataset.perPeriod)}; per year ${loss(dataset.perYear)}`);
    console.log(`  ${'measure'.padEnd(24)} ${'noise sd'.padStart(10)} ${'95% ±'.padStart(10)} ${'expected'.padStart(10)} ${'rel. error'.padStart(10)}  unit`);
    for (const measure of dataset.measures) {
      console.log(
        `  ${measure.name.padEnd(24)} ${number(measure.noiseStandardDeviation).padStart(10)} ${number(measure.ci95HalfWidth).padStart(10)} ` +
          `${number(measure.expectedValue).padStart(10)} ${percent(measure.expectedRelativeError).padStart(10)}  ${measure.unit}`,
      );
      if (measure.share) {
        const at = measure.share.atGroupSize.map((each) => `±${number(each.ci95HalfWidthPercentagePoints)} pp at ${Math.round(each.organizations)}`).join(', ');
        console.log(`  ${''.padEnd(24)} share over ${measure.share.over} (${measure.share.groups} groups of ${measure.share.categories}, L0 ${measure.share.maxGroupsPerOrganization}): ${at} organizations per group`);
      }
    }
  }
  console.log('\nAssumptions:');
  for (const assumption of plan.assumptions) console.log(`  - ${assumption}`);
}

function main(): number {
  const options = parse();
  let config;
  try {
    config = appConfigFrom(parseEnvironment(process.env));
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const plan = planCoalition({ config, datasets: undefined }, options);
  if (options.json) console.log(JSON.stringify(plan, null, 2));
  else printTable(plan);
  return 0;
}

process.exitCode = main();
