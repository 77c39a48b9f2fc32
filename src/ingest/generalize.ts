/**
 * Generalization of quasi-identifiers before storage: size to a band, country to a continent,
 * the organization to its sector and size band, time to the period (done by the caller).
 */
import { countries } from 'countries-list';
import type { CounterCellColumn } from '../db/schema';
import type { MinimizedEvent, MinimizedEventV2 } from './event-schema';
import { SIZE_BANDS, UNKNOWN_VALUE, type Region, type SizeBand } from '../datasets/vocabulary';

export function sizeBandOf(sizeBytes: number): SizeBand {
  for (const { band, upperBytes } of SIZE_BANDS) {
    if (sizeBytes < upperBytes) return band;
  }
  return 'ge_10gb';
}

export function regionOf(countryCode: string): Region {
  const country = countries[countryCode as keyof typeof countries];
  return country.continent as Region;
}

export interface OrganizationProfile {
  sector: string;
  sizeBand: string;
}

export type GeneralizedCell = Record<CounterCellColumn, string | number>;

const flag = (value: boolean) => (value ? 1 : 0);

type IntegrityCell = Pick<
  GeneralizedCell,
  'hash_verified' | 'signature_verified' | 'artifact_class' | 'integrity_evidence' | 'attestation_kind' | 'chain_of_custody'
>;

function isVersion2(event: MinimizedEvent | MinimizedEventV2): event is MinimizedEventV2 {
  return 'evidence' in event.integrity;
}

/**
 * Version 1 events say only whether a hash and a signature were checked: the version 2 dimensions
 * are unknown for them. Version 2 events also fill the version 1 flags, so the datasets built on
 * them keep counting every event: each kind of evidence includes a digest check (a signature and an
 * attestation are verified over the artifact's digest), and an attestation is itself signed (DSSE).
 */
function integrityCellOf(event: MinimizedEvent | MinimizedEventV2): IntegrityCell {
  if (!isVersion2(event)) {
    return {
      hash_verified: flag(event.integrity.hashVerified),
      signature_verified: flag(event.integrity.signatureVerified),
      artifact_class: UNKNOWN_VALUE,
      integrity_evidence: UNKNOWN_VALUE,
      attestation_kind: UNKNOWN_VALUE,
      chain_of_custody: UNKNOWN_VALUE,
    };
  }
  const { evidence, attestationKind, chainOfCustodyRecorded } = event.integrity;
  const attestation = evidence === 'provenance_attestation_verified';
  return {
    hash_verified: flag(evidence !== 'none'),
    signature_verified: flag(evidence === 'signature_verified' || attestation),
    artifact_class: event.content.artifactClass,
    integrity_evidence: evidence,
    attestation_kind: attestation ? (attestationKind ?? 'unspecified') : 'not_applicable',
    chain_of_custody: chainOfCustodyRecorded ? 'recorded' : 'not_recorded',
  };
}

/** The generalized cell an event falls into: the only description of it that is ever stored. */
export function generalizeEvent(event: MinimizedEvent | MinimizedEventV2, organization: OrganizationProfile): GeneralizedCell {
  return {
    protocol: event.transfer.protocol,
    direction: event.transfer.direction,
    cross_org: flag(event.transfer.crossOrg),
    outcome: event.transfer.outcome,
    size_band: sizeBandOf(event.transfer.sizeBytes),
    classification: event.content.classification,
    ai_platform: event.content.aiPlatform,
    mfa: flag(event.controls.mfa),
    sso: flag(event.controls.sso),
    link_expiry: flag(event.controls.linkExpiry),
    download_limit: flag(event.controls.downloadLimit),
    ip_allowlist: flag(event.controls.ipAllowlist),
    watermark: flag(event.controls.watermark),
    dlp_scan: flag(event.controls.dlpScan),
    customer_managed_keys: flag(event.controls.customerManagedKeys),
    ...integrityCellOf(event),
    region: regionOf(event.geo.country),
    sector: organization.sector,
    org_size_band: organization.sizeBand,
  };
}
