/**
 * Erasure: deleting an organization's contributions to every period not yet released, with a
 * receipt for the privacy officer and an audit entry, in one atomic unit. Published releases are
 * not withdrawn (the DP guarantee is what protects the organization there); the receipt lists the
 * releases of periods the organization contributed to, so the officer can say so.
 *
 * Revocation (consent-service.ts) erases as part of the same unit; `requestErasure` is the explicit
 * request, for an organization that wants its unreleased data gone without (or after) revoking.
 */
import { type AuditEvent, writeWithAudit } from '../audit/audit-log';
import { auditActor, type Principal } from '../auth/principal';
import { randomUuid } from '../auth/tokens';
import type { AppDeps } from '../deps';
import { createPseudonymizer } from '../secrets/pseudonymizer';
import { requireOrganization } from '../registry/registry-service';
import {
  countPublishedPeriods,
  type ErasureRow,
  type ErasureTargets,
  erasureQueries,
  findErasure,
  listPeriodsHeldBy,
  listReleasesOfContributedPeriods,
  listUnreleasedStoredPeriods,
  type ReleaseReference,
} from './erasure-repository';

export type ErasureDeps = Pick<AppDeps, 'database' | 'clock' | 'random' | 'secrets'>;

export interface ErasureReceipt {
  id: string;
  orgId: string;
  consentId: string | null;
  requestedAt: string;
  completedAt: string | null;
  requestedBy: string;
  periods: string[];
  rowsRemoved: number;
  releasesIncluding: ReleaseReference[];
}

export function erasureReceiptView(row: ErasureRow): ErasureReceipt {
  return {
    id: row.id,
    orgId: row.org_id,
    consentId: row.consent_id,
    requestedAt: row.requested_at,
    completedAt: row.completed_at,
    requestedBy: row.requested_by,
    periods: JSON.parse(row.periods) as string[],
    rowsRemoved: Number(row.rows_removed),
    releasesIncluding: JSON.parse(row.releases_including) as ReleaseReference[],
  };
}

export interface ErasurePlan {
  /** Every unreleased period and the organization's pseudonym in each: what the deletions match. */
  targets: ErasureTargets;
  /** The unreleased periods in which the organization still holds rows. */
  periods: string[];
  releasesIncluding: ReleaseReference[];
  /** Published periods at planning time; the write is refused if this changed (a release completed meanwhile). */
  publishedPeriods: number;
}

/** Reads what an erasure will touch. Pseudonyms are recomputed from the key; the database cannot name them. */
export async function planErasure(deps: ErasureDeps, orgId: string): Promise<ErasurePlan> {
  const { db, dialect } = deps.database;
  const pseudonymizer = createPseudonymizer(deps.secrets.pseudonymKey);
  // Counted first: a release that completes after this count fails the erasure's guard, so the
  // period lists read below can never be older than the count.
  const publishedPeriods = await countPublishedPeriods(db);
  const unreleased = await listUnreleasedStoredPeriods(db);
  const targets = { periods: unreleased, contributors: unreleased.map((period) => pseudonymizer.contributor(orgId, period)) };
  const [periods, releasesIncluding] = await Promise.all([listPeriodsHeldBy(db, dialect, targets), listReleasesOfContributedPeriods(db, orgId)]);
  return { targets, periods, releasesIncluding, publishedPeriods };
}

const MAX_ERASURE_PLANS = 5;

/**
 * Plans an erasure and writes it; when a period was published between planning and writing (the
 * unit's guard failed), plans again, so the receipt lists exactly the periods erased and every
 * release that may include the organization.
 */
export async function writeWithFreshErasurePlan<T>(
  deps: ErasureDeps,
  orgId: string,
  write: (plan: ErasurePlan) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const plan = await planErasure(deps, orgId);
    try {
      return await write(plan);
    } catch (error) {
      const publishedNow = await countPublishedPeriods(deps.database.db);
      if (publishedNow === plan.publishedPeriods || attempt >= MAX_ERASURE_PLANS) throw error;
    }
  }
}

export interface ErasureUnit {
  erasureId: string;
  auditEvent: AuditEvent;
  queries: () => ReturnType<typeof erasureQueries>;
}

/** The statements and the audit event of one erasure, for the caller's atomic unit. */
export function buildErasureUnit(
  deps: ErasureDeps,
  actor: Principal,
  input: { orgId: string; consentId: string | null; at: string; plan: ErasurePlan; cause: 'revocation' | 'request'; reason?: string | undefined },
): ErasureUnit {
  const erasureId = randomUuid(deps.random);
  const { actorId } = auditActor(actor);
  return {
    erasureId,
    auditEvent: {
      ...auditActor(actor),
      action: 'erasure.completed',
      subject: `org:${input.orgId}`,
      details: {
        erasureId,
        cause: input.cause,
        periods: input.plan.periods,
        releasesIncluding: input.plan.releasesIncluding.map((release) => release.releaseId),
        ...(input.reason ? { reason: input.reason } : {}),
      },
    },
    queries: () =>
      erasureQueries(deps.database.db, deps.database.dialect, {
        id: erasureId,
        orgId: input.orgId,
        consentId: input.consentId,
        at: input.at,
        requestedBy: actorId,
        periods: input.plan.periods,
        releasesIncluding: input.plan.releasesIncluding,
        targets: input.plan.targets,
        publishedPeriods: input.plan.publishedPeriods,
      }),
  };
}

export async function readErasureReceipt(deps: Pick<AppDeps, 'database'>, erasureId: string): Promise<ErasureReceipt> {
  const row = await findErasure(deps.database.db, erasureId);
  if (!row) throw new Error('erasure receipt missing after its atomic write');
  return erasureReceiptView(row);
}

/**
 * An explicit erasure request: removes the organization's unreleased contributions now and keeps a
 * receipt, even when there was nothing to remove (the receipt then says so). It does not stop
 * future ingest; revoking consent does.
 */
export async function requestErasure(deps: ErasureDeps, actor: Principal, orgId: string, reason?: string): Promise<ErasureReceipt> {
  await requireOrganization(deps, orgId);
  const erasureId = await writeWithFreshErasurePlan(deps, orgId, async (plan) => {
    const unit = buildErasureUnit(deps, actor, { orgId, consentId: null, at: deps.clock.now().toISOString(), plan, cause: 'request', reason });
    await writeWithAudit(deps.database, deps.clock, unit.auditEvent, unit.queries);
    return unit.erasureId;
  });
  return readErasureReceipt(deps, erasureId);
}
