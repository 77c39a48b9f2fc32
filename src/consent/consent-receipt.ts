/**
 * A machine-readable receipt for one consent record, after the Kantara Initiative Consent Receipt
 * Specification v1.1 (field names as there: consentReceiptID, consentTimestamp in Unix seconds,
 * piiPrincipalId, piiControllers, services -> purposes, ...). The contributing organization is the
 * PII principal; the operator is the controller. Fields the spec does not have (status, policy
 * version, evidence hash) follow under their own names. Pure: built from the record, the
 * controller's configured identity and the instant it is issued.
 */
import type { AppConfig } from '../config';
import type { Consent } from '../db/schema';
import { consentEnd, consentStatusAt, type ConsentStatus } from './consent-coverage';

export const CONSENT_RECEIPT_VERSION = 'KI-CR-v1.1.0';

/** What the research-telemetry scope covers, in the receipt's words. */
const RESEARCH_PII_CATEGORIES = [
  'Generalized file-transfer metadata: protocol, direction, boundary crossing, outcome, size band',
  'Content class and AI platform family',
  'Access controls and integrity verification applied',
  'Region (generalized from country); organization sector and size band',
];

export interface ConsentReceipt {
  version: typeof CONSENT_RECEIPT_VERSION;
  consentReceiptID: string;
  consentTimestamp: number;
  collectionMethod: string;
  language: 'en';
  piiPrincipalId: string;
  piiControllers: { piiController: string; contact: string | null; url: string | null; onBehalf: false }[];
  policyUrl: string | null;
  services: {
    service: string;
    purposes: {
      purpose: string;
      purposeCategory: string[];
      consentType: 'EXPLICIT';
      piiCategory: string[];
      primaryPurpose: true;
      termination: string;
      thirdPartyDisclosure: false;
    }[];
  }[];
  sensitive: false;
  spiCat: string[];
  /** Not in the Kantara spec: the record's lifecycle and evidence. */
  scope: string;
  policyVersion: string;
  status: ConsentStatus;
  statusAt: string;
  grantedAt: string;
  grantedBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  endsAt: string | null;
  evidence: { url: string | null; sha256: string | null };
  issuedAt: string;
}

export function buildConsentReceipt(
  consent: Consent,
  controller: Pick<AppConfig, 'controllerName' | 'controllerContact' | 'publicBaseUrl'>,
  issuedAt: Date,
): ConsentReceipt {
  const issuedIso = issuedAt.toISOString();
  return {
    version: CONSENT_RECEIPT_VERSION,
    consentReceiptID: consent.id,
    consentTimestamp: Math.floor(Date.parse(consent.granted_at) / 1000),
    collectionMethod: consent.collection_method,
    language: 'en',
    piiPrincipalId: consent.org_id,
    piiControllers: [
      { piiController: controller.controllerName, contact: controller.controllerContact ?? null, url: controller.publicBaseUrl ?? null, onBehalf: false },
    ],
    policyUrl: consent.policy_url,
    services: [
      {
        service: 'Privacy-preserving aggregation of file-transfer telemetry',
        purposes: [
          {
            purpose: consent.scope,
            purposeCategory: ['Research', 'Publication of differentially private aggregate statistics'],
            consentType: 'EXPLICIT',
            piiCategory: RESEARCH_PII_CATEGORIES,
            primaryPurpose: true,
            termination: consent.expires_at
              ? `Expires at ${consent.expires_at} unless revoked earlier; revocation erases unreleased contributions.`
              : 'Until revoked; revocation erases unreleased contributions.',
            thirdPartyDisclosure: false,
          },
        ],
      },
    ],
    sensitive: false,
    spiCat: [],
    scope: consent.scope,
    policyVersion: consent.policy_version,
    status: consentStatusAt(consent, issuedIso),
    statusAt: issuedIso,
    grantedAt: consent.granted_at,
    grantedBy: consent.granted_by,
    expiresAt: consent.expires_at,
    revokedAt: consent.revoked_at,
    endsAt: consentEnd(consent),
    evidence: { url: consent.evidence_url, sha256: consent.evidence_sha256 },
    issuedAt: issuedIso,
  };
}
