/**
 * Utility benchmark: what a coalition actually gets out of one period with the DEFAULT configuration
 * (quarterly periods, a yearly budget of rho 1). A script, not a timed test.
 *
 *   npm run bench:utility                        300 organizations, seed 1
 *   npm run bench:utility -- --orgs 1000 --json
 *
 * A seeded synthetic coalition (src/simulation: a few large organizations and many small ones,
 * sectors whose AI-content shares and controls differ) registers, consents and sends one quarter of
 * telemetry over HTTP through the product SDK to the real service (in-process app on a SQLite file,
 * served on a local port), which then releases the quarter through POST /v1/admin/releases. The
 * published files are read back over HTTP (GET /v1/releases/{id}/data.json).
 *
 * Baseline: the exact, un-noised per-key values, computed from the stored counters just before the
 * release with the datasets' own cell mapping. Per dataset it prints:
 * - the fraction of keys with >= 30 TRUE organizations that were published (goal >= 90%);
 * - the median 95% half-width of share measures in GROUPS (the key without the share dimension: a
 *   share's population) of >= 100 and >= 200 true organizations, in percentage points (goals <= 10
 *   and <= 5), and the true organizations of each share group;
 * - published values that are negative or not integers, and keys whose transfers are fewer than
 *   their organizations (goal 0);
 * - the yearly (epsilon, delta) per organization (goal epsilon <= 8 at delta 1e-6).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createApp } from '../../src/app';
import { runCoalition } from '../../src/coalition-driver/coalition-runner';
import { createAdminClient } from '../../src/coalition-driver/service-admin-client';
import { parseEnvironment } from '../../src/config';
import { createFixedClock } from '../../src/deps';
import { createNodeDeps } from '../../src/node/node-deps';
import { parsePeriodId } from '../../src/periods/period';
import { createSeededRandomSource } from '../../src/privacy/random-source';
import { ensureBootstrapAdmin } from '../../src/registry/registry-service';
import { type CataloguedDataset, datasetCatalogueOf } from '../../src/releases/dataset-catalogue';
import { createDatasetCellMapper } from '../../src/releases/dataset-cells';
import { yearlyBudgetStatement } from '../../src/releases/yearly-budget';
import { composedLoss } from '../../src/reports/privacy-loss';
import { createCoalition, createSimulationRandom } from '../../src/simulation';
import { simulationTicks } from '../../src/simulation/simulation-schedule';
import { median } from '../support/statistics';

const usage = 'usage: npm run bench:utility -- [--orgs 300] [--seed 1] [--events-per-org 400] [--json]';
/** A quarter that has ended: the simulated clock runs through it, then past its grace window. */
const PERIOD_ID = '2026-Q3';
const MIN_TRUE_ORGANIZATIONS = 30;
const GOALS = { publishedFraction: 0.9, shareHalfWidth100: 10, shareHalfWidth200: 5, inconsistent: 0, yearlyEpsilon: 8 };

function parse() {
  try {
    const { values } = parseArgs({
      options: {
        orgs: { type: 'string', default: '300' },
        seed: { type: 'string', default: '1' },
        'events-per-org': { type: 'string', default: '400' },
        json: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
      },
    });
    const integer = (name: string, text: string, max: number) => {
      const value = Number(text);
      if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`);
      return value;
    };
    return {
      organizations: integer('orgs', values.orgs, 5000),
      seed: integer('seed', values.seed, 2 ** 31),
      eventsPerOrganization: integer('events-per-org', values['events-per-org'], 100_000),
      json: values.json,
      keep: values.keep,
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

/** Exact per-key figures from the stored counters: distinct organizations and transfers. */
interface TrueKey {
  organizations: Set<string>;
  transfers: number;
}

type TidyRow = Record<string, string | number | null> & { measure: string; value: number | null; ci95_low: number | null; ci95_high: number | null; status?: string };

interface DatasetUtility {
  datasetId: string;
  keys: number;
  keysWithTrueOrganizations: number;
  keysWith30: number;
  keysWith30Published: number;
  publishedFraction30: number;
  publishedKeys: number;
  shareMeasures: string[];
  /** True organizations per share group, largest first. */
  shareGroupSizes: number[];
  /** Index g: how many organizations are in exactly g share groups. */
  organizationsByGroupCount: number[];
  medianShareHalfWidthPp100: number | null;
  medianShareHalfWidthPp200: number | null;
  negativeOrNonInteger: number;
  transfersBelowOrganizations: number;
}

const isShareMeasure = (kind: string) => kind.includes('share');

function keyOf(dataset: CataloguedDataset, row: TidyRow): string {
  return dataset.spec.dimensions.map((dimension) => String(row[dimension.name])).join('\u001f');
}

function isPublished(row: TidyRow): boolean {
  return row.status === undefined || row.status === 'published';
}

function utilityOf(dataset: CataloguedDataset, truth: Map<string, TrueKey>, rows: readonly TidyRow[]): DatasetUtility {
  const published = new Map<string, Map<string, TidyRow>>();
  const shareKinds = new Set(dataset.plan.measures.filter((measure) => isShareMeasure(measure.kind)).map((measure) => measure.name));
  for (const row of rows) {
    // A key is published when its own counts are; share rows follow their group's status instead.
    if (!isPublished(row) || shareKinds.has(row.measure)) continue;
    const key = keyOf(dataset, row);
    const measures = published.get(key) ?? new Map<string, TidyRow>();
    measures.set(row.measure, row);
    published.set(key, measures);
  }
  const with30 = [...truth].filter(([, key]) => key.organizations.size >= MIN_TRUE_ORGANIZATIONS);
  const shareMeasures = dataset.plan.measures.filter((measure) => isShareMeasure(measure.kind)).map((measure) => measure.name);
  // A share's population is its GROUP (the key without the share dimension): its true organizations
  // are those of any of the group's keys.
  const groupOrganizations = new Map<string, Set<string>>();
  for (const [key, entry] of truth) {
    const group = dataset.shareGroups?.get(key) ?? key;
    const organizations = groupOrganizations.get(group) ?? new Set<string>();
    for (const organization of entry.organizations) organizations.add(organization);
    groupOrganizations.set(group, organizations);
  }
  const shareRows = new Map<string, TidyRow[]>();
  for (const row of rows) {
    if (!shareMeasures.includes(row.measure) || !isPublished(row)) continue;
    const key = keyOf(dataset, row);
    shareRows.set(key, [...(shareRows.get(key) ?? []), row]);
  }
  const halfWidthsPp = (minimum: number) =>
    (dataset.publicKeys ?? [])
      .filter((key) => (groupOrganizations.get(dataset.shareGroups?.get(key) ?? key)?.size ?? 0) >= minimum)
      .flatMap((key) => shareRows.get(key) ?? [])
      .flatMap((row) => (row.ci95_low !== null && row.ci95_high !== null ? [(100 * (Number(row.ci95_high) - Number(row.ci95_low))) / 2] : []));
  const shareGroupSizes = [...groupOrganizations.values()].map((organizations) => organizations.size).sort((a, b) => b - a);
  // How many share groups each organization is in: what the share measure's group bound (L0) has to cover.
  const groupsPerOrganization = new Map<string, number>();
  for (const organizations of groupOrganizations.values()) {
    for (const organization of organizations) groupsPerOrganization.set(organization, (groupsPerOrganization.get(organization) ?? 0) + 1);
  }
  const groupsHistogram: number[] = [];
  for (const groups of groupsPerOrganization.values()) groupsHistogram[groups] = (groupsHistogram[groups] ?? 0) + 1;
  const pp100 = halfWidthsPp(100);
  const pp200 = halfWidthsPp(200);
  let negativeOrNonInteger = 0;
  let transfersBelowOrganizations = 0;
  for (const measures of published.values()) {
    for (const [measure, row] of measures) {
      if (isShareMeasure(dataset.plan.measures.find((each) => each.name === measure)?.kind ?? '')) continue;
      if (row.value !== null && (Number(row.value) < 0 || !Number.isInteger(Number(row.value)))) negativeOrNonInteger += 1;
    }
    const transfers = measures.get('transfer_count')?.value;
    const organizations = measures.get('distinct_organizations')?.value;
    if (transfers != null && organizations != null && Number(transfers) < Number(organizations)) transfersBelowOrganizations += 1;
  }
  const keys = Object.values(dataset.domains).reduce((product, domain) => product * domain.length, 1);
  return {
    datasetId: dataset.spec.id,
    keys,
    keysWithTrueOrganizations: truth.size,
    keysWith30: with30.length,
    keysWith30Published: with30.filter(([key]) => published.has(key)).length,
    publishedFraction30: with30.length === 0 ? Number.NaN : with30.filter(([key]) => published.has(key)).length / with30.length,
    publishedKeys: published.size,
    shareMeasures,
    shareGroupSizes: shareMeasures.length ? shareGroupSizes : [],
    organizationsByGroupCount: shareMeasures.length ? Array.from(groupsHistogram, (count) => count ?? 0) : [],
    medianShareHalfWidthPp100: pp100.length ? median(pp100) : null,
    medianShareHalfWidthPp200: pp200.length ? median(pp200) : null,
    negativeOrNonInteger,
    transfersBelowOrganizations,
  };
}

async function main(): Promise<void> {
  const options = parse();
  const folder = mkdtempSync(join(tmpdir(), 'bench-utility-'));
  const period = parsePeriodId(PERIOD_ID, 'quarter')!;
  // The default configuration: only where the data goes and how much is logged are set.
  const env = parseEnvironment({ DATABASE_URL: `file:${join(folder, 'utility.sqlite')}`, DATA_DIR: folder, LOG_LEVEL: 'error' });
  const clock = createFixedClock(period.start);
  const deps = await createNodeDeps(env, { clock, logSink: () => {}, config: { apiRatePerMinute: 1_000_000, ingestRatePerMinute: 1_000_000 } });
  const adminToken = 'tagg_adm_bench-utility-0123456789abcdefghijklmnop';
  await ensureBootstrapAdmin(deps, adminToken);
  const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  // Node closes idle keep-alive sockets after 5 s; on a loaded machine the client may reuse one just
  // as it closes (ECONNRESET on a POST it cannot resend). Idle sockets stay open for the whole run.
  if ('keepAliveTimeout' in server) {
    server.keepAliveTimeout = 600_000;
    server.requestTimeout = 0;
  }
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const catalogue = datasetCatalogueOf(deps);

  // The baseline is taken when the release is asked for: the counters are deleted by the release.
  const truth = new Map<string, Map<string, TrueKey>>();
  const snapshotTruth = async () => {
    const rows = await deps.database.db.selectFrom('counters').selectAll().where('period', '=', PERIOD_ID).execute();
    for (const dataset of catalogue.datasets) {
      const mapper = createDatasetCellMapper(dataset.spec);
      const keys = new Map<string, TrueKey>();
      for (const row of rows) {
        if (!mapper.matches(row)) continue;
        for (const key of mapper.cellsOf(row)) {
          const entry = keys.get(key) ?? { organizations: new Set<string>(), transfers: 0 };
          entry.organizations.add(row.contributor);
          entry.transfers += Number(row.events);
          keys.set(key, entry);
        }
      }
      truth.set(dataset.spec.id, keys);
    }
  };
  const snapshottingFetch: typeof fetch = async (input, init) => {
    if (init?.method === 'POST' && String(input).endsWith('/v1/admin/releases')) await snapshotTruth();
    return fetch(input, init);
  };

  // A loaded machine can drop a connection; a batch is collected once (event ids), so resending it is safe.
  const retryingFetch: typeof fetch = async (input, init) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await fetch(input, init);
      } catch (error) {
        if (attempt >= 5 || !String(input).endsWith('/v1/telemetry/batches')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
  };

  const random = createSimulationRandom(createSeededRandomSource(options.seed));
  const coalition = createCoalition(random, { organizations: options.organizations, start: period.start });
  // Everyone consents from the start and stays: the benchmark is about utility, not membership changes.
  const timeline = { consentAt: coalition.organizations.map(() => 0), revocations: [], erasure: undefined };
  // Each instance sends a tick's events when the tick ends, dated across it: ticks no longer than the
  // dedup window (less an hour) keep every event acceptable under the default configuration.
  const ticksPerPeriod = Math.ceil((period.end.getTime() - period.start.getTime()) / (deps.config.dedupWindowMs - 3_600_000));
  const started = performance.now();
  if (!options.json) console.error(`Simulating ${options.organizations} organizations over ${PERIOD_ID} (seed ${options.seed})…`);
  const summary = await runCoalition({
    baseUrl,
    admin: createAdminClient({ baseUrl, token: adminToken, fetch: snapshottingFetch }),
    coalition,
    timeline,
    random,
    ticks: simulationTicks([period], ticksPerPeriod),
    meanEventsPerOrganizationPerPeriod: options.eventsPerOrganization,
    time: { kind: 'simulated', moveTo: (at) => clock.set(at), graceMs: deps.config.graceWindowMs },
    fetch: retryingFetch,
  });
  // Every organization consents throughout, so every event sent must be counted: anything else means
  // the figures below describe a fraction of the simulated traffic.
  if (summary.events.accepted !== summary.events.sent) {
    throw new Error(`only ${summary.events.accepted} of ${summary.events.sent} events were accepted: ${JSON.stringify(summary.events.rejected)}`);
  }
  const releases = summary.releases.flatMap((result) => result.releases);
  const datasets: DatasetUtility[] = [];
  for (const dataset of catalogue.datasets) {
    const release = releases.find((each) => each.datasetId === dataset.spec.id);
    if (!release) throw new Error(`no release of ${dataset.spec.id}`);
    const body = (await (await fetch(`${baseUrl}/v1/releases/${release.id}/data.json`)).json()) as unknown;
    const rows = (Array.isArray(body) ? body : ((body as { rows?: unknown[] }).rows ?? [])) as TidyRow[];
    datasets.push(utilityOf(dataset, truth.get(dataset.spec.id) ?? new Map(), rows));
  }
  const periodsPerYear = yearlyBudgetStatement(deps.config, catalogue.periodBudget.selectionDelta).maxPeriodsPerYear;
  const periodCharges = releases.map((release) => ({ rho: release.rho, delta: catalogue.get(release.datasetId)!.plan.accounting.delta }));
  const yearly = composedLoss(Array.from({ length: periodsPerYear }, () => periodCharges).flat());
  const cap = yearlyBudgetStatement(deps.config, catalogue.periodBudget.selectionDelta);
  const result = {
    organizations: options.organizations,
    seed: options.seed,
    eventsPerOrganization: options.eventsPerOrganization,
    period: PERIOD_ID,
    configuration: { period: deps.config.period, yearlyBudgetRho: deps.config.yearlyBudgetRho, periodBudgetRho: deps.config.periodBudgetRho, kAnonymity: deps.config.kAnonymity },
    events: { sent: summary.events.sent, accepted: summary.events.accepted },
    seconds: (performance.now() - started) / 1000,
    datasets,
    perOrganizationPerYear: { ...yearly, periodsPerYear, enforcedCap: { rho: cap.rho, epsilon: cap.epsilon, delta: cap.delta } },
  };
  server.close();
  await deps.database.close();
  if (!options.keep) rmSync(folder, { recursive: true, force: true });

  if (options.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const mark = (ok: boolean) => (ok ? 'ok ' : 'NOT');
  const pp = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(1)} pp`);
  console.log(
    `${result.organizations} organizations, ${result.events.accepted.toLocaleString('en-US')} events accepted in ${PERIOD_ID}, ` +
      `default configuration (${result.configuration.period}, yearly rho ${result.configuration.yearlyBudgetRho}, k ${result.configuration.kAnonymity}); ${result.seconds.toFixed(0)} s`,
  );
  for (const dataset of datasets) {
    console.log(`\n${dataset.datasetId} (${dataset.keys} keys, ${dataset.keysWithTrueOrganizations} with any organization, ${dataset.publishedKeys} published)`);
    console.log(
      `  ${dataset.keysWith30 === 0 ? 'n/a' : mark(dataset.publishedFraction30 >= GOALS.publishedFraction)} published, of the ${dataset.keysWith30} keys with >= ${MIN_TRUE_ORGANIZATIONS} true organizations: ` +
        `${dataset.keysWith30Published} (${(100 * dataset.publishedFraction30).toFixed(0)}%; goal >= ${100 * GOALS.publishedFraction}%)`,
    );
    if (dataset.shareMeasures.length === 0) console.log('  NOT share measures: none in this dataset');
    else {
      console.log(`  share groups by true organizations: ${dataset.shareGroupSizes.join(', ')}`);
      console.log(
        `  organizations by the number of share groups they are in: ${dataset.organizationsByGroupCount.flatMap((count, groups) => (count > 0 ? [`${groups}: ${count}`] : [])).join(', ')}`,
      );
      console.log(
        `  ${mark((dataset.medianShareHalfWidthPp100 ?? Infinity) <= GOALS.shareHalfWidth100)} median 95% half-width of shares in groups of >= 100 organizations: ${pp(dataset.medianShareHalfWidthPp100)} (goal <= ${GOALS.shareHalfWidth100})`,
      );
      console.log(
        `  ${mark((dataset.medianShareHalfWidthPp200 ?? Infinity) <= GOALS.shareHalfWidth200)} median 95% half-width of shares in groups of >= 200 organizations: ${pp(dataset.medianShareHalfWidthPp200)} (goal <= ${GOALS.shareHalfWidth200})`,
      );
    }
    const inconsistent = dataset.negativeOrNonInteger + dataset.transfersBelowOrganizations;
    console.log(
      `  ${mark(inconsistent === GOALS.inconsistent)} negative or non-integer values: ${dataset.negativeOrNonInteger}; keys with transfers < organizations: ${dataset.transfersBelowOrganizations} (goal 0)`,
    );
  }
  const { perOrganizationPerYear: year } = result;
  console.log(
    `\n${mark(year.epsilon <= GOALS.yearlyEpsilon)} per organization per year (${year.periodsPerYear} periods like this one): rho ${year.rho.toPrecision(3)} = ` +
      `(${year.epsilon.toFixed(2)}, ${year.delta.toExponential(1)})-DP; enforced cap rho ${year.enforcedCap.rho} = (${year.enforcedCap.epsilon.toFixed(2)}, ${year.enforcedCap.delta.toExponential(1)})-DP (goal epsilon <= ${GOALS.yearlyEpsilon} at delta 1e-6)`,
  );
}

main().catch((error: unknown) => {
  const cause = error instanceof Error && error.cause !== undefined ? `\ncaused by: ${String((error.cause as Error).stack ?? error.cause)}` : '';
  console.error(`bench:utility: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}${cause}`);
  process.exit(1);
});
