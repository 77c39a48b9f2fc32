/**
 * Load and integration check of a running service: the demo's coalition generator, sent over HTTP
 * through the product SDK to any instance, with a summary of what was sent, accepted and rejected.
 *
 *   npm run simulate -- --url http://127.0.0.1:8787 --admin-token $TOKEN --orgs 50 --periods 2
 *
 * It registers --orgs new organizations (with an instance each) in the target service, grants
 * consent as they join, revokes it for a few (whose instances keep sending and are refused), asks
 * for one erasure, and sends --periods periods' worth of traffic. A live service accepts events of
 * its open period only, so the traffic is generated for the simulated span (AI content grows period
 * by period) and dated at the present; nothing is released (the service's scheduler does that when a
 * period falls due). Use a test instance: the organizations stay registered.
 *
 * The admin token may also come from ADMIN_TOKEN. Exit status: 0 when everything sent was answered
 * (accepted or rejected with a reason), 1 on a failure, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { environmentSchema } from '../src/config';
import { systemClock } from '../src/deps';
import { type PeriodGranularity, periodContaining } from '../src/periods/period';
import { createSeededRandomSource } from '../src/privacy/random-source';
import { createCoalition, createSimulationRandom, planCoalitionTimeline } from '../src/simulation';
import { type CoalitionProgress, runCoalition } from '../src/coalition-driver/coalition-runner';
import { createAdminClient } from '../src/coalition-driver/service-admin-client';
import { recentClosedPeriods, simulationTicks } from '../src/simulation/simulation-schedule';

const usage =
  'usage: npm run simulate -- --url <service URL> [--admin-token <token> | ADMIN_TOKEN=...] [--orgs 50] [--periods 1] ' +
  '[--period <kind>] [--events-per-org 100] [--ticks-per-period 2] [--concurrency 6] [--seed 1] [--json]';

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        'admin-token': { type: 'string' },
        orgs: { type: 'string', default: '50' },
        periods: { type: 'string', default: '1' },
        period: { type: 'string' },
        'events-per-org': { type: 'string', default: '100' },
        'ticks-per-period': { type: 'string', default: '2' },
        concurrency: { type: 'string', default: '6' },
        seed: { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
}

function positiveInteger(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) fail(`--${name} must be a whole number from 1 to ${max}`);
  return value;
}

async function main(): Promise<number> {
  const values = parse();
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (!values.url || !/^https?:\/\//.test(values.url)) fail('--url must be the service URL, e.g. http://127.0.0.1:8787');
  const adminToken = values['admin-token'] ?? process.env.ADMIN_TOKEN;
  if (!adminToken) fail('an admin API key is needed: --admin-token <token> or ADMIN_TOKEN');
  const organizations = positiveInteger('orgs', values.orgs, 10_000);
  const periodCount = positiveInteger('periods', values.periods, 60);
  const eventsPerOrg = positiveInteger('events-per-org', values['events-per-org'], 1_000_000);
  const ticksPerPeriod = positiveInteger('ticks-per-period', values['ticks-per-period'], 100);
  const concurrency = positiveInteger('concurrency', values.concurrency, 64);
  const seed = positiveInteger('seed', values.seed, 2 ** 31);
  // The period kind only shapes the simulated span; by default the service's default, or PERIOD as set here.
  const periodKind = (values.period ?? environmentSchema.shape.PERIOD.parse(process.env.PERIOD || undefined)) as PeriodGranularity;
  try {
    if (!periodContaining(systemClock.now(), periodKind)) throw new Error('unknown period kind');
  } catch {
    fail(`--period ${periodKind} is not a period kind of this service`);
  }

  const baseUrl = values.url.replace(/\/$/, '');
  const periods = recentClosedPeriods(systemClock.now(), periodKind, periodCount);
  const random = createSimulationRandom(createSeededRandomSource(seed));
  const coalition = createCoalition(random, { organizations, start: periods[0]!.start });
  const timeline = planCoalitionTimeline(random, organizations);
  let warnedAboutWaiting = false;
  const admin = createAdminClient({
    baseUrl,
    token: adminToken,
    onWait: (status, milliseconds) => {
      if (warnedAboutWaiting) return;
      warnedAboutWaiting = true;
      console.error(
        `the service answered ${status}; waiting ${Math.ceil(milliseconds / 1000)} s as it asks` +
          (status === 429 ? ' (its API_RATE_PER_MINUTE limits admin calls; raise it on a test instance to go faster)' : ''),
      );
    },
  });

  const interactive = process.stderr.isTTY === true && !values.json;
  const bar = interactive
    ? new cliProgress.SingleBar({ format: '{phase} [{bar}] {percentage}% | {value}/{total} events', hideCursor: true, clearOnComplete: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  let started = false;
  const onProgress = (progress: CoalitionProgress) => {
    if (!bar) return;
    const payload = { phase: progress.phase.padEnd(11) };
    if (!started) bar.start(Math.max(1, progress.eventsPlanned), 0, payload);
    started = true;
    bar.setTotal(Math.max(1, progress.eventsPlanned));
    bar.update(progress.eventsSent, payload);
    if (progress.phase === 'done') bar.stop();
  };

  const startedAt = performance.now();
  const summary = await runCoalition({
    baseUrl,
    admin,
    coalition,
    timeline,
    random,
    ticks: simulationTicks(periods, ticksPerPeriod),
    meanEventsPerOrganizationPerPeriod: eventsPerOrg,
    time: { kind: 'live', now: () => systemClock.now() },
    concurrency,
    onProgress,
  }).catch((error: unknown) => {
    bar?.stop();
    throw error;
  });
  const seconds = (performance.now() - startedAt) / 1000;
  if (values.json) {
    console.log(JSON.stringify({ ...summary, seconds }, null, 2));
    return 0;
  }
  const { events } = summary;
  const rejectedTotal = Object.values(events.rejected).reduce((sum, count) => sum + count, 0);
  console.log(`organizations  ${summary.organizations} registered, ${summary.consenting} consented, ${summary.revoked} revoked, ${summary.erasures} erasure`);
  console.log(`events sent    ${events.sent} in ${seconds.toFixed(1)} s (${Math.round(events.sent / seconds)} events/s, ${periodCount} ${periodKind} period(s) of traffic)`);
  console.log(`accepted       ${events.accepted}`);
  if (events.duplicates > 0) console.log(`duplicates     ${events.duplicates}`);
  console.log(`rejected       ${rejectedTotal}`);
  for (const [reason, count] of Object.entries(events.rejected).sort((a, b) => b[1] - a[1])) console.log(`  ${reason.padEnd(20)} ${count}`);
  const dropped = Object.entries(summary.droppedFields).sort((a, b) => b[1] - a[1]);
  console.log(`identifier fields dropped on receipt: ${dropped.map(([field, count]) => `${field} ${count}`).join(', ') || 'none'}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`simulate: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
