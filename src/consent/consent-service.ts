/**
 * Consent lifecycle: grant (a new record every time; nothing is overwritten), revoke (ends every
 * open grant at once, so ingest stops on the next request), history.
 */
import { writeWithAudit } from '../audit/audit-log';
import { auditActor, type Principal } from '../auth/principal';
import { randomUuid } from '../auth/tokens';
import type { Consent } from '../db/schema';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { requireOrganization } from '../registry/registry-service';
import { consentStatusAt, RESEARCH_SCOPE } from './consent-coverage';
import { insertConsentQuery, listConsents, revokeOpenConsentsQuery } from './consent-repository';

type ConsentDeps = Pick<AppDeps, 'database' | 'clock' | 'random'>;

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
}

/** Ends every open grant now. Idempotent: revoking without an open grant changes nothing. */
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
  if (open.length === 0) return { revokedAt, revokedConsentIds: [] };
  const revokedBy = auditActor(actor).actorId ?? 'system';
  await writeWithAudit(
    deps.database,
    deps.clock,
    {
      ...auditActor(actor),
      action: 'consent.revoked',
      subject: `org:${orgId}`,
      details: { consentIds: open.map((consent) => consent.id), reason },
    },
    () => [revokeOpenConsentsQuery(deps.database.db, { orgId, revokedAt, revokedBy, reason })],
  );
  return { revokedAt, revokedConsentIds: open.map((consent) => consent.id) };
}

export async function consentHistory(deps: Pick<AppDeps, 'database'>, orgId: string): Promise<Consent[]> {
  await requireOrganization(deps, orgId);
  return listConsents(deps.database.db, orgId);
}
