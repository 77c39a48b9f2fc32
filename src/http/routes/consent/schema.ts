/** Wire shapes of the consent routes. */
import { z } from '@hono/zod-openapi';
import { consentStatusAt, RESEARCH_SCOPE } from '../../../consent/consent-coverage';
import type { Consent } from '../../../db/schema';

export const ConsentGrantSchema = z
  .object({
    scope: z.literal(RESEARCH_SCOPE),
    policyVersion: z.string().trim().min(1).max(100),
    policyUrl: z.url().max(2000).optional(),
    grantedBy: z.string().trim().min(1).max(200).openapi({ description: "The customer's signatory (name and role)." }),
    collectionMethod: z.enum(['signed_agreement', 'online_form', 'email_confirmation', 'other']).optional(),
    evidenceUrl: z.url().max(2000).optional(),
    evidenceSha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
      .optional()
      .openapi({ description: 'SHA-256 of the signed consent document.' }),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .openapi('ConsentGrant');

export const ConsentRevocationSchema = z
  .object({ reason: z.string().trim().min(1).max(1000) })
  .openapi('ConsentRevocation');

export const ConsentRecordSchema = z
  .object({
    id: z.uuid(),
    orgId: z.uuid(),
    scope: z.string(),
    status: z.enum(['active', 'expired', 'revoked', 'scheduled']),
    policyVersion: z.string(),
    policyUrl: z.string().nullable(),
    grantedBy: z.string(),
    collectionMethod: z.string(),
    evidenceUrl: z.string().nullable(),
    evidenceSha256: z.string().nullable(),
    grantedAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
    revokeReason: z.string().nullable(),
  })
  .openapi('ConsentRecord');

export function consentView(row: Consent, nowIso: string) {
  return {
    id: row.id,
    orgId: row.org_id,
    scope: row.scope,
    status: consentStatusAt(row, nowIso),
    policyVersion: row.policy_version,
    policyUrl: row.policy_url,
    grantedBy: row.granted_by,
    collectionMethod: row.collection_method,
    evidenceUrl: row.evidence_url,
    evidenceSha256: row.evidence_sha256,
    grantedAt: row.granted_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
  };
}
