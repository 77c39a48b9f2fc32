/**
 * The release job for one period: lock -> read counters -> privacy engine per dataset -> signed
 * packages -> one atomic write (releases, files, budget charges, signing key, audit entry, lock
 * completion) -> retention (the period's counters and replay guards deleted in chunks).
 *
 * Collect-once is the database's job: inserting the period's `period_releases` row is the lock
 * (its primary key admits one writer), `releases (dataset_id, period)` and
 * `budget_ledger (period, dataset_id)` are unique, so however many callers race, one release and one
 * charge per dataset can ever be written. Ingest refuses events for a locked period.
 *
 * Crash safety: nothing is visible until the atomic unit commits. A process that dies after taking
 * the lock leaves a 'started' row and unpublished, unobserved noise; once the lock's lease has run
 * out (or an operator forces it) the next attempt takes the lock over and computes afresh. That is
 * safe because noise nobody saw costs no privacy, and the charge is written only with the release.
 * Retention runs after the commit (see period-retention.ts for why) and is finished by the next
 * scheduled run if the process dies during it.
 *
 * Chains: each dataset's release names the previous release and the SHA-256 of its
 * datapackage.json. A guard in the atomic unit rolls it back if another release of the dataset was
 * appended since the package was built (the audit log's sequence number serializes the units); the
 * job then rebuilds the packages on the new head and retries, reusing the noisy results.
 */
import { Buffer } from 'node:buffer';
import { writeWithAudit } from '../audit/audit-log';
import { randomUuid } from '../auth/tokens';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { type Period, parsePeriodId, periodContaining, periodsBetween } from '../periods/period';
import { type CellRelease, releaseCells } from '../privacy';
import { type BuiltPackage, buildDataPackage } from './data-package';
import { createDatasetCellMapper } from './dataset-cells';
import { type CataloguedDataset, datasetCatalogueOf } from './dataset-catalogue';
import { BYTE_UNITS } from '../datasets/dataset-spec';
import { purgePeriodData, purgeReleasedPeriods } from './period-retention';
import { countPeriodCounters, type DatasetReader, DEFAULT_ROWS_PER_PAGE, readPeriodContributions } from './period-contributions';
import {
  type ChainHead,
  chainUnchangedGuardQuery,
  completePeriodQuery,
  earliestConsentGrant,
  findChainHead,
  findPeriodRelease,
  insertBudgetChargeQuery,
  insertReleaseFileQuery,
  insertReleaseQuery,
  insertSigningKeyQuery,
  listPeriodReleases,
  listPeriodsWithCounters,
  PERIOD_STATUS,
  takeOverPeriodLock,
  tryInsertPeriodLock,
} from './release-repository';
import { loadReleaseSigningKey } from './release-signing';

export type ReleaseDeps = Pick<AppDeps, 'database' | 'clock' | 'random' | 'secrets' | 'config' | 'datasets' | 'logger'>;

/** Who asked: an API key, or a system trigger (scheduler, CLI, cron). */
export interface ReleaseActor {
  actorId: string | null;
  actorRole: string;
}

export interface ReleaseProgress {
  phase: 'reading' | 'privacy' | 'packaging' | 'writing' | 'retention' | 'done';
  datasetId?: string;
  /** Steps done and total steps of the whole job (for a progress bar). */
  completed: number;
  total: number;
}

export interface PublishedRelease {
  id: string;
  datasetId: string;
  packageSha256: string;
  position: number;
  previousReleaseId: string | null;
  cells: number;
  rows: number;
  rho: number;
}

export interface PeriodReleaseResult {
  period: string;
  releasedAt: string;
  /** True when an abandoned 'started' lock was taken over. */
  resumed: boolean;
  releases: PublishedRelease[];
  countersDeleted: number;
  replayGuardsDeleted: number;
  /** False when the retention deletes were interrupted; the next scheduled run finishes them. */
  retentionComplete: boolean;
}

/**
 * How long a 'started' lock protects a running release. A release of 2 million counter rows takes
 * seconds, so a lock this old belongs to a process that died; the next attempt may take it over.
 */
export const RELEASE_LEASE_MS = 15 * 60_000;

const MAX_CHAIN_ATTEMPTS = 5;

export interface ReleaseRequest {
  period: string;
  actor: ReleaseActor;
  /** Take over a 'started' lock even if its lease has not run out (an operator who knows the holder died). */
  takeOverStartedLock?: boolean;
  onProgress?: (progress: ReleaseProgress) => void;
}

/** The period for an id in the configured granularity, or invalid-request. */
export function requirePeriod(deps: Pick<AppDeps, 'config'>, periodId: string): Period {
  const period = parsePeriodId(periodId, deps.config.period);
  if (!period) {
    const example = { week: '2026-W48', day: '2026-11-26', month: '2026-11' }[deps.config.period];
    throw new AppError('invalid-request', `"${periodId}" is not a ${deps.config.period} period id (for example ${example}).`, {
      errors: [{ path: 'period', message: `must be a ${deps.config.period} period id such as ${example}` }],
    });
  }
  return period;
}

/** When a period may be released: after it ended and its grace window for late events passed. */
export function releasableAt(deps: Pick<AppDeps, 'config'>, period: Period): Date {
  return new Date(period.end.getTime() + deps.config.graceWindowMs);
}

async function acquirePeriodLock(deps: ReleaseDeps, period: Period, takeOver: boolean): Promise<{ resumed: boolean }> {
  const { db } = deps.database;
  const now = deps.clock.now();
  const startedAt = now.toISOString();
  if (await tryInsertPeriodLock(db, period.id, startedAt)) return { resumed: false };
  const existing = await findPeriodRelease(db, period.id);
  if (existing?.status === PERIOD_STATUS.completed) {
    throw new AppError('already-released', `Period ${period.id} was released at ${existing.completed_at}; a period is released once.`, {
      period: period.id,
      releasedAt: existing.completed_at,
    });
  }
  if (existing) {
    const lockAge = now.getTime() - Date.parse(existing.started_at);
    if ((takeOver || lockAge >= RELEASE_LEASE_MS) && (await takeOverPeriodLock(db, period.id, existing.started_at, startedAt))) {
      deps.logger.warn('release lock taken over', { period: period.id, lockAgeMs: lockAge });
      return { resumed: true };
    }
  }
  const retryAfter = existing ? Math.max(1, Math.ceil((RELEASE_LEASE_MS - (now.getTime() - Date.parse(existing.started_at))) / 1000)) : 5;
  throw new AppError(
    'conflict',
    `A release of period ${period.id} is in progress${existing ? ` (started ${existing.started_at})` : ''}; it completes or its lock expires.`,
    { period: period.id },
    { 'retry-after': String(Math.min(retryAfter, 60)) },
  );
}

interface ComputedRelease {
  dataset: CataloguedDataset;
  release: CellRelease;
}

async function computeReleases(
  deps: ReleaseDeps,
  period: Period,
  report: (progress: Omit<ReleaseProgress, 'total'>) => void,
  setTotal: (total: number, counterRows: number) => void,
): Promise<ComputedRelease[]> {
  const { datasets } = datasetCatalogueOf(deps);
  const counterRows = await countPeriodCounters(deps.database.db, period.id);
  const pages = Math.max(1, Math.ceil(counterRows / DEFAULT_ROWS_PER_PAGE));
  setTotal(pages + datasets.length + 3, counterRows);
  let completed = 0;
  const readers: DatasetReader[] = datasets.map((dataset) => ({
    mapper: createDatasetCellMapper(dataset.spec),
    byteUnitBytes: BYTE_UNITS[dataset.spec.byteUnit],
    rows: [],
  }));
  await readPeriodContributions(deps.database.db, period.id, readers, {
    onPage: () => report({ phase: 'reading', completed: Math.min(++completed, pages) }),
  });
  completed = pages;
  return datasets.map((dataset, index) => {
    const reader = readers[index]!;
    // The only step where data meets randomness; the result is kept and reused if the write is retried.
    const release = releaseCells(reader.rows, dataset.prepared, deps.random);
    reader.rows = []; // let the engine input go before the next dataset runs
    report({ phase: 'privacy', datasetId: dataset.spec.id, completed: ++completed });
    return { dataset, release };
  });
}

function sameHeads(a: readonly ChainHead[], b: readonly ChainHead[]): boolean {
  return a.every((head, index) => head.length === b[index]!.length && head.head?.id === b[index]!.head?.id);
}

/** Retention right after a release; a failure here leaves the release published and the purge to the next run. */
async function retainAfterRelease(
  deps: ReleaseDeps,
  period: string,
  onChunk: (deleted: number) => void,
): Promise<{ countersDeleted: number; replayGuardsDeleted: number; retentionComplete: boolean }> {
  try {
    const { countersDeleted, replayGuardsDeleted } = await purgePeriodData(deps, period, { onChunk });
    return { countersDeleted, replayGuardsDeleted, retentionComplete: true };
  } catch (error) {
    deps.logger.error('retention after release interrupted; the next run finishes it', { period, error: (error as Error).name });
    return { countersDeleted: 0, replayGuardsDeleted: 0, retentionComplete: false };
  }
}

/** Releases one period (see the module comment). Throws AppError for refusals. */
export async function releasePeriod(deps: ReleaseDeps, request: ReleaseRequest): Promise<PeriodReleaseResult> {
  const period = requirePeriod(deps, request.period);
  const opensAt = releasableAt(deps, period);
  if (deps.clock.now() < opensAt) {
    throw new AppError(
      'period-not-releasable',
      `Period ${period.id} can be released from ${opensAt.toISOString()} (its end plus the ${deps.config.graceWindowMs / 3_600_000} h grace window for late events).`,
      { period: period.id, releasableAt: opensAt.toISOString() },
    );
  }
  const catalogue = datasetCatalogueOf(deps);
  const signingKey = await loadReleaseSigningKey(deps.secrets.signingKeyPkcs8);
  const { resumed } = await acquirePeriodLock(deps, period, request.takeOverStartedLock ?? false);

  let total = 1;
  const report = (progress: Omit<ReleaseProgress, 'total'>) => request.onProgress?.({ ...progress, total });
  const started = deps.clock.now().getTime();
  let counterRows = 0;
  const computed = await computeReleases(deps, period, report, (steps, rows) => {
    total = steps;
    counterRows = rows;
  });
  const { db } = deps.database;
  const releaseIds = computed.map(() => randomUuid(deps.random));
  const chargeIds = computed.map(() => randomUuid(deps.random));

  for (let attempt = 1; ; attempt += 1) {
    const createdAt = deps.clock.now().toISOString();
    const heads = await Promise.all(computed.map(({ dataset }) => findChainHead(db, dataset.spec.id)));
    const auditLogHead =
      (await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()) ?? null;
    const packages: BuiltPackage[] = [];
    const signatures: string[] = [];
    for (const [index, { dataset, release }] of computed.entries()) {
      const head = heads[index]!;
      const built = await buildDataPackage({
        dataset,
        periodBudget: catalogue.periodBudget,
        period,
        releaseId: releaseIds[index]!,
        createdAt,
        license: deps.config.releaseLicense,
        baseUrl: deps.config.publicBaseUrl,
        position: head.length + 1,
        previous: head.head,
        auditLogHead: auditLogHead && { seq: Number(auditLogHead.seq), hash: auditLogHead.hash },
        cells: release.cells,
      });
      packages.push(built);
      signatures.push(Buffer.from(await signingKey.sign(new TextEncoder().encode(built.canonical))).toString('base64'));
    }
    report({ phase: 'packaging', completed: total - 2 });

    const buildQueries = () => {
      const queries = [
        ...computed.map(({ dataset }, index) => chainUnchangedGuardQuery(db, dataset.spec.id, heads[index]!.length)),
        insertSigningKeyQuery(db, { kid: signingKey.kid, publicJwk: JSON.stringify(signingKey.publicJwk), createdAt }),
      ];
      computed.forEach(({ dataset, release }, index) => {
        const built = packages[index]!;
        const head = heads[index]!;
        queries.push(
          insertReleaseQuery(db, {
            id: releaseIds[index]!,
            dataset_id: dataset.spec.id,
            period: period.id,
            created_at: createdAt,
            package_sha256: built.sha256,
            previous_release_id: head.head?.id ?? null,
            previous_package_sha256: head.head?.sha256 ?? null,
            signing_key_id: signingKey.kid,
            signature: signatures[index]!,
            datapackage: built.canonical,
          }),
          ...built.files.map((file) =>
            insertReleaseFileQuery(db, {
              release_id: releaseIds[index]!,
              path: file.path,
              media_type: file.mediaType,
              bytes: file.bytes,
              sha256: file.sha256,
              content: file.content,
            }),
          ),
          insertBudgetChargeQuery(db, {
            id: chargeIds[index]!,
            period: period.id,
            datasetId: dataset.spec.id,
            releaseId: releaseIds[index]!,
            rho: release.accounting.rhoCharged,
            epsilon: release.accounting.epsilon,
            delta: release.accounting.delta,
            chargedAt: createdAt,
          }),
        );
      });
      queries.push(completePeriodQuery(db, period.id, createdAt));
      return queries;
    };
    // Compiled once; the audit helper may run them again on a new audit head, unchanged.
    const queries = buildQueries();

    const published = computed.map(({ dataset, release }, index): PublishedRelease => ({
      id: releaseIds[index]!,
      datasetId: dataset.spec.id,
      packageSha256: packages[index]!.sha256,
      position: heads[index]!.length + 1,
      previousReleaseId: heads[index]!.head?.id ?? null,
      cells: release.cells.length,
      rows: packages[index]!.descriptor.dataset.rows as number,
      rho: release.accounting.rhoCharged,
    }));

    report({ phase: 'writing', completed: total - 2 });
    try {
      await writeWithAudit(
        deps.database,
        deps.clock,
        {
          ...request.actor,
          action: 'release.published',
          subject: `period:${period.id}`,
          details: {
            period: period.id,
            resumed,
            signingKeyId: signingKey.kid,
            rhoCharged: published.reduce((sum, release) => sum + release.rho, 0),
            releases: published.map(({ id, datasetId, packageSha256, previousReleaseId, rho }) => ({
              id,
              datasetId,
              packageSha256,
              previousReleaseId,
              rho,
            })),
          },
        },
        () => queries,
      );
      deps.logger.info('period released', { period: period.id, datasets: published.length, durationMs: deps.clock.now().getTime() - started });
      const retention = await retainAfterRelease(deps, period.id, (deleted) =>
        report({ phase: 'retention', completed: total - 1 + Math.min(0.99, deleted / Math.max(1, counterRows)) }),
      );
      report({ phase: 'done', completed: total });
      return { period: period.id, releasedAt: createdAt, resumed, releases: published, ...retention };
    } catch (error) {
      const state = await findPeriodRelease(db, period.id);
      if (state?.status === PERIOD_STATUS.completed) {
        throw new AppError('already-released', `Period ${period.id} was released concurrently at ${state.completed_at}.`, {
          period: period.id,
          releasedAt: state.completed_at,
        });
      }
      const headsNow = await Promise.all(computed.map(({ dataset }) => findChainHead(db, dataset.spec.id)));
      if (attempt < MAX_CHAIN_ATTEMPTS && !sameHeads(heads, headsNow)) {
        deps.logger.info('release chain moved while writing; re-linking the packages', { period: period.id, attempt });
        continue;
      }
      throw error;
    }
  }
}

/**
 * Periods due for release, oldest first: every period from the one holding the first consent grant
 * up to the last whose grace window has passed, not yet completed. Periods without counters are due
 * too, so whether a period is published never depends on whether anyone contributed to it.
 */
export async function findDuePeriods(deps: Pick<AppDeps, 'database' | 'clock' | 'config'>): Promise<Period[]> {
  const { db } = deps.database;
  const now = deps.clock.now();
  const [firstGrant, withCounters, locks] = await Promise.all([
    earliestConsentGrant(db),
    listPeriodsWithCounters(db),
    listPeriodReleases(db),
  ]);
  const completed = new Set(locks.filter((lock) => lock.status === PERIOD_STATUS.completed).map((lock) => lock.period));
  // Released periods count as a start too: their counters are gone, but every later period is due.
  const starts = [
    ...(firstGrant ? [new Date(firstGrant)] : []),
    ...[...withCounters, ...locks.map((lock) => lock.period)].flatMap((id) => {
      const period = parsePeriodId(id, deps.config.period);
      return period ? [period.start] : [];
    }),
  ];
  if (starts.length === 0) return [];
  const from = new Date(Math.min(...starts.map((start) => start.getTime())));
  const candidates = periodsBetween(periodContaining(from, deps.config.period).start, now, deps.config.period);
  return candidates.filter((period) => !completed.has(period.id) && releasableAt(deps, period).getTime() <= now.getTime());
}

export interface DueReleaseOutcome {
  released: PeriodReleaseResult[];
  /** Periods another process is releasing right now, or that were released meanwhile. */
  skipped: { period: string; reason: string }[];
}

/**
 * Releases every due period, oldest first; idempotent, so the Node scheduler, the Workers cron
 * trigger and several instances may all call it. Stops at the first unexpected error (after logging
 * it) so a broken release is noticed rather than skipped.
 */
export async function releaseDuePeriods(
  deps: ReleaseDeps,
  options: { actor?: ReleaseActor; onProgress?: (period: string, progress: ReleaseProgress) => void } = {},
): Promise<DueReleaseOutcome> {
  const actor = options.actor ?? { actorId: null, actorRole: 'system' };
  const outcome: DueReleaseOutcome = { released: [], skipped: [] };
  await purgeReleasedPeriods(deps);
  for (const period of await findDuePeriods(deps)) {
    try {
      outcome.released.push(
        await releasePeriod(deps, {
          period: period.id,
          actor,
          ...(options.onProgress ? { onProgress: (progress) => options.onProgress?.(period.id, progress) } : {}),
        }),
      );
    } catch (error) {
      if (error instanceof AppError && (error.code === 'already-released' || error.code === 'conflict')) {
        outcome.skipped.push({ period: period.id, reason: error.code });
        continue;
      }
      deps.logger.error('release failed', { period: period.id, error: (error as Error).name, reason: (error as Error).message.slice(0, 300) });
      throw error;
    }
  }
  return outcome;
}
