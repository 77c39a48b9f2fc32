/**
 * Releases periods from the command line, against the configured database (DATABASE_URL etc.):
 *
 *   npm run release -- --period 2026-Q4        release one period (it must have ended + grace window)
 *   npm run release -- --due                   release every due period, oldest first (what the scheduler does)
 *   npm run release -- --period 2026-Q4 --resume
 *                                              take over the lock of a release whose process died
 *   npm run release -- --finish-retention      finish deleting the data of released periods whose retention was interrupted
 *   npm run release -- --plan                  print each dataset's privacy plan and the yearly budget; changes nothing
 *
 * Add --json for machine-readable output. Exit status: 0 done (or nothing due), 3 refused (already
 * released, not yet releasable, in progress, over the yearly budget), 2 usage error, 1 failure, 4 the
 * database went away or could not be written (unreachable, disk full, read-only): nothing half-done is
 * published; run the same command again with --resume once the database is back.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ConfigError, parseEnvironment } from '../src/config';
import { classifyStoreFault, STORE_FAULT_ADVICE, type StoreFaultKind } from '../src/db/store-faults';
import { AppError } from '../src/errors';
import { createNodeDeps } from '../src/node/node-deps';
import { datasetCatalogueOf } from '../src/releases/dataset-catalogue';
import { purgeReleasedPeriods } from '../src/releases/period-retention';
import { type PeriodReleaseResult, type ReleaseProgress, releaseDuePeriods, releasePeriod } from '../src/releases/release-period';
import { yearlyBudgetStatement } from '../src/releases/yearly-budget';

const STORE_FAULT_EXIT = 4;

/** What to run once the store is back: the lock a dead release left is taken over with --resume. */
function storeFaultMessage(kind: StoreFaultKind, code: string | undefined, values: { period?: string | undefined; due: boolean; 'finish-retention': boolean }): string {
  const again = values.period
    ? `npm run release -- --period ${values.period} --resume`
    : values.due
      ? 'npm run release -- --due'
      : values['finish-retention']
        ? 'npm run release -- --finish-retention'
        : 'the same command';
  return [
    `release stopped: ${STORE_FAULT_ADVICE[kind]}${code ? ` (${code})` : ''}`,
    'Nothing of an unfinished release is published: a release becomes visible in one atomic write, and the budget is charged in the same write.',
    `Once the database is back, run: ${again}`,
    '(--resume takes over the lock this run left; if the release had already been written, it reports that and how to finish its retention).',
  ].join('\n');
}

const usage = 'usage: npm run release -- (--period <id> [--resume] | --due | --finish-retention | --plan) [--json]';

function parse() {
  try {
    return parseArgs({
      options: {
        period: { type: 'string' },
        due: { type: 'boolean', default: false },
        resume: { type: 'boolean', default: false },
        plan: { type: 'boolean', default: false },
        'finish-retention': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

function printResult(result: PeriodReleaseResult): void {
  console.log(`released ${result.period} at ${result.releasedAt} (packages dated ${result.created})${result.resumed ? ' (resumed an abandoned release)' : ''}`);
  for (const release of result.releases) {
    console.log(`  ${release.datasetId.padEnd(34)} ${release.id}  cells ${String(release.cells).padStart(5)}  rho ${release.rho.toPrecision(3)}  sha256 ${release.packageSha256.slice(0, 16)}…`);
  }
  console.log(
    result.retentionComplete
      ? `  retention: ${result.countersDeleted} counter rows and ${result.replayGuardsDeleted} replay guards deleted`
      : '  retention: interrupted; the scheduler finishes it at its next check, or run `npm run release -- --finish-retention`',
  );
}

async function main(): Promise<number> {
  const values = parse();
  const modes = [values.period !== undefined, values.due, values.plan, values['finish-retention']].filter(Boolean).length;
  if (values.help || modes !== 1 || (values.resume && !values.period)) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  // Keep the JSON log lines off the terminal unless asked for; progress and results go to stdout.
  const env = parseEnvironment({ LOG_LEVEL: 'warn', ...process.env });
  const deps = await createNodeDeps(env, { logSink: (line) => console.error(line) });
  const interactive = process.stdout.isTTY && !values.json;
  const bar = interactive
    ? new cliProgress.SingleBar(
        { format: '{period} {phase} {dataset} [{bar}] {percentage}% | {value}/{total} steps', hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let barStarted = false;
  const onProgress = (period: string, progress: ReleaseProgress) => {
    if (!bar) return;
    const payload = { period, phase: progress.phase.padEnd(9), dataset: progress.datasetId ?? '' };
    if (!barStarted) {
      bar.start(progress.total, 0, payload);
      barStarted = true;
    }
    bar.setTotal(progress.total);
    bar.update(progress.completed, payload);
    if (progress.phase === 'done') {
      bar.stop();
      barStarted = false;
    }
  };
  const actor = { actorId: 'release-cli', actorRole: 'system' };
  try {
    if (values.plan) {
      const catalogue = datasetCatalogueOf(deps);
      const yearly = yearlyBudgetStatement(deps.config);
      if (values.json) console.log(JSON.stringify({ yearlyBudget: yearly, periodBudget: catalogue.periodBudget, datasets: catalogue.datasets.map((d) => ({ id: d.spec.id, k: d.k, rho: d.rho, plan: d.plan })) }, null, 2));
      else {
        for (const dataset of catalogue.datasets) {
          console.log(`${dataset.spec.id}: ${dataset.plan.accounting.summary}; k ${dataset.k}, ${dataset.plan.selection ? `publish if organizations + noise >= ${dataset.plan.selection.threshold}` : `${dataset.publicKeys?.length} public keys, suppressed when the noisy organization count < k`}`);
          for (const measure of dataset.plan.measures) console.log(`  ${measure.name.padEnd(24)} noise sd ${measure.noiseStandardDeviation.toPrecision(4)}  95% ±${measure.ci95HalfWidth}`);
        }
        console.log(`period (${deps.config.period}): rho ${catalogue.periodBudget.rhoCharged.toPrecision(3)} = (${catalogue.periodBudget.epsilon.toPrecision(3)}, ${catalogue.periodBudget.delta})-DP per organization`);
        console.log(`year: ${yearly.summary}`);
      }
      return 0;
    }
    if (values['finish-retention']) {
      const results = await purgeReleasedPeriods(deps);
      if (values.json) console.log(JSON.stringify({ retention: results }, null, 2));
      else if (results.length === 0) console.log('no released period holds data: retention is complete');
      else for (const result of results) console.log(`retention of ${result.period} finished: ${result.countersDeleted} counter rows and ${result.replayGuardsDeleted} replay guards deleted`);
      return 0;
    }
    if (values.due) {
      const outcome = await releaseDuePeriods(deps, { actor, onProgress });
      if (values.json) console.log(JSON.stringify(outcome, null, 2));
      else {
        for (const result of outcome.released) printResult(result);
        for (const skipped of outcome.skipped) console.log(`skipped ${skipped.period}: ${skipped.reason}`);
        if (outcome.released.length === 0 && outcome.skipped.length === 0) console.log('no period is due');
      }
      return 0;
    }
    const result = await releasePeriod(deps, {
      period: values.period!,
      actor,
      takeOverStartedLock: values.resume,
      onProgress: (progress) => onProgress(values.period!, progress),
    });
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else printResult(result);
    return 0;
  } catch (error) {
    bar?.stop();
    if (error instanceof AppError) {
      if (values.json) console.log(JSON.stringify({ error: error.code, detail: error.detail, ...error.extensions }, null, 2));
      else console.error(`refused (${error.code}): ${error.detail}`);
      return error.code === 'invalid-request' ? 2 : 3;
    }
    const fault = classifyStoreFault(error);
    if (fault && fault !== 'busy') {
      const code = (error as { code?: unknown }).code;
      if (values.json) console.log(JSON.stringify({ error: 'store-unavailable', reason: fault }, null, 2));
      console.error(storeFaultMessage(fault, typeof code === 'string' ? code : undefined, values));
      return STORE_FAULT_EXIT;
    }
    throw error;
  } finally {
    // Closing a pool whose server went away must not turn a clean refusal into a crash.
    await deps.database.close().catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Also reached when the database is unreachable or unwritable before the release starts (start-up migrations).
    const fault = classifyStoreFault(error);
    if (fault && fault !== 'busy') {
      console.error(storeFaultMessage(fault, (error as { code?: string }).code, parse()));
      process.exit(STORE_FAULT_EXIT);
    }
    console.error(`release: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
