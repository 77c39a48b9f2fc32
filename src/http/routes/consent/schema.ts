/** Wire shapes of the consent routes' responses (their request bodies are in src/consent/consent-requests.ts). */
import { z } from '@hono/zod-openapi';
import { consentStatusAt } from '../../../consent/consent-coverage';
import type { Consent } from '../../../db/schema';

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

export const ReleaseReferenceSchema = z.object({ releaseId: z.string(), datasetId: z.string(), period: z.string() });

export const ErasureReceiptSchema = z
  .object({
    id: z.uuid(),
    orgId: z.uuid(),
    consentId: z.uuid().nullable().openapi({ description: 'The consent whose revocation caused the erasure; null for an explicit request.' }),
    requestedAt: z.string(),
    completedAt: z.string().nullable(),
    requestedBy: z.string().openapi({ description: 'API key id of whoever asked.' }),
    periods: z.array(z.string()).openapi({ description: 'Unreleased periods from which the organization\'s contributions were removed.' }),
    rowsRemoved: z.number().int().openapi({ description: 'Counter and replay-protection rows deleted.' }),
    releasesIncluding: z.array(ReleaseReferenceSchema).openapi({
      description: 'Already published releases of periods the organization contributed to. They are not withdrawn; differential privacy bounds what they reveal.',
    }),
  })
  .openapi('ErasureReceipt');

export const ConsentReceiptSchema = z
  .object({
    version: z.string(),
    consentReceiptID: z.uuid(),
    consentTimestamp: z.number().int().openapi({ description: 'Grant time, Unix seconds (Kantara).' }),
    collectionMethod: z.string(),
    language: z.string(),
    piiPrincipalId: z.uuid().openapi({ description: 'The consenting organization.' }),
    piiControllers: z.array(
      z.object({ piiController: z.string(), contact: z.string().nullable(), url: z.string().nullable(), onBehalf: z.boolean() }),
    ),
    policyUrl: z.string().nullable(),
    services: z.array(
      z.object({
        service: z.string(),
        purposes: z.array(
          z.object({
            purpose: z.string(),
            purposeCategory: z.array(z.string()),
            consentType: z.string(),
            piiCategory: z.array(z.string()),
            primaryPurpose: z.boolean(),
            termination: z.string(),
            thirdPartyDisclosure: z.boolean(),
          }),
        ),
      }),
    ),
    sensitive: z.boolean(),
    spiCat: z.array(z.string()),
    scope: z.string(),
    policyVersion: z.string(),
    status: z.enum(['active', 'expired', 'revoked', 'scheduled']),
    statusAt: z.string(),
    grantedAt: z.string(),
    grantedBy: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    evidence: z.object({ url: z.string().nullable(), sha256: z.string().nullable() }),
    issuedAt: z.string(),
  })
  .openapi('ConsentReceipt', { description: 'After the Kantara Initiative Consent Receipt Specification v1.1.' });
