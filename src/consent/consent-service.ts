/**
 * Consent lifecycle: grant (a new record every time; nothing is overwritten), revoke (ends every
 * open grant at once, so ingest stops on the next request, and erases unreleased contributions),
 * history, and the receipt of each grant.
 */
import { type AuditEvent, writeWithAudit } from '../audit/audit-log';
import { auditActor, type Principal } from '../auth/principal';
import { randomUuid } from '../auth/tokens';
import type { Consent } from '../db/schema';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { requireOrganization } from '../registry/registry-service';
import { consentStatusAt, RESEARCH_SCOPE } from './consent-coverage';
import { type ConsentReceipt, buildConsentReceipt } from './consent-receipt';
import { findConsent, insertConsentQuery, listConsents, revokeOpenConsentsQuery } from './consent-repository';
import { buildErasureUnit, type ErasureReceipt, readErasureReceipt, writeWithFreshErasurePlan } from './erasure-service';

type ConsentDeps = Pick<AppDeps, 'database' | 'clock' | 'random' | 'secrets'>;

export interface ConsentGrant {
  scope: typeof RESEARCH_SCOPE;
  policyVersion: string;
  policyUrl?: string | undefined;
  grantedBy: string;
  collectionMethod?: string | undefined;
  evidenceUrl?: string | undefined;
  evidenceSha256?: string | undefined;
  expiresAt?: string | undefined;
}

export async function grantConsent(deps: ConsentDeps, actor: Principal, orgId: string, grant: ConsentGrant): Promise<Consent> {
  await requireOrganization(deps, orgId);
  const now = deps.clock.now().toISOString();
  const expiresAt = grant.expiresAt ? new Date(grant.expiresAt).toISOString() : null;
  if (expiresAt !== null && expiresAt <= now) {
    throw new AppError('invalid-request', 'expiresAt must be in the future.', {
      errors: [{ path: 'expiresAt', message: 'must be later than the current time' }],
    });
  }
  const consent: Consent = {
    id: randomUuid(deps.random),
    org_id: orgId,
    scope: grant.scope,
    policy_version: grant.policyVersion,
    policy_url: grant.policyUrl ?? null,
    granted_by: grant.grantedBy,
    collection_method: grant.collectionMethod ?? 'signed_agreement',
    evidence_url: grant.evidenceUrl ?? null,
    evidence_sha256: grant.evidenceSha256?.toLowerCase() ?? null,
    granted_at: now,
    expires_at: expiresAt,
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    recorded_by: auditActor(actor).actorId ?? 'system',
  };
  await writeWithAudit(
    deps.database,
    deps.clock,
    {
      ...auditActor(actor),
      action: 'consent.granted',
      subject: `org:${orgId}`,
      details: { consentId: consent.id, scope: consent.scope, policyVersion: consent.policy_version, expiresAt },
    },
    () => [insertConsentQuery(deps.database.db, consent)],
  );
  return consent;
}

export interface RevocationOutcome {
  revokedAt: string;
  revokedConsentIds: string[];
  /** The erasure this revocation caused; null when nothing was open and nothing was left to erase. */
  erasure: ErasureReceipt | null;
}

/**
 * Ends every open grant now and erases the organization's contributions to every unreleased
 * period: revocation, erasure receipt and both audit entries land in one atomic unit, so ingest
 * stops and the data goes together or not at all. Idempotent: with no open grant and nothing left
 * to erase, it changes nothing; a repeat that finds stray rows (an ingest that raced the first
 * revocation) erases them with a new receipt.
 */
export async function revokeConsent(
  deps: ConsentDeps,
  actor: Principal,
  orgId: string,
  reason: string,
): Promise<RevocationOutcome> {
  await requireOrganization(deps, orgId);
  const revokedAt = deps.clock.now().toISOString();
  const open = (await listConsents(deps.database.db, orgId)).filter(
    (consent) => consentStatusAt(consent, revokedAt) === 'active' || consentStatusAt(consent, revokedAt) === 'scheduled',
  );
  const revokedBy = auditActor(actor).actorId;
  const erasureId = await writeWithFreshErasurePlan(deps, orgId, async (plan) => {
    if (open.length === 0 && plan.periods.length === 0) return null;
    const erasure = buildErasureUnit(deps, actor, {
      orgId,
      consentId: open.at(-1)?.id ?? null,
      at: revokedAt,
      plan,
      cause: 'revocation',
    });
    const revocation: AuditEvent = {
      ...auditActor(actor),
      action: 'consent.revoked',
      subject: `org:${orgId}`,
      details: { consentIds: open.map((consent) => consent.id), reason, erasureId: erasure.erasureId },
    };
    await writeWithAudit(deps.database, deps.clock, open.length > 0 ? [revocation, erasure.auditEvent] : [erasure.auditEvent], () => [
      ...(open.length > 0 ? [revokeOpenConsentsQuery(deps.database.db, { orgId, revokedAt, revokedBy, reason })] : []),
      ...erasure.queries(),
    ]);
    return erasure.erasureId;
  });
  if (erasureId === null) return { revokedAt, revokedConsentIds: [], erasure: null };
  return {
    revokedAt,
    revokedConsentIds: open.map((consent) => consent.id),
    erasure: await readErasureReceipt(deps, erasureId),
  };
}

export async function consentHistory(deps: Pick<AppDeps, 'database'>, orgId: string): Promise<Consent[]> {
  await requireOrganization(deps, orgId);
  return listConsents(deps.database.db, orgId);
}

export async function consentReceipt(deps: Pick<AppDeps, 'database' | 'clock' | 'config'>, orgId: string, consentId: string): Promise<ConsentReceipt> {
  await requireOrganization(deps, orgId);
  const consent = await findConsent(deps.database.db, orgId, consentId);
  if (!consent) throw new AppError('not-found', 'No consent record with this id for this organization.');
  return buildConsentReceipt(consent, deps.config, deps.clock.now());
}
