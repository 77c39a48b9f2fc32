/**
 * Generalization of quasi-identifiers before storage: size to a band, country to a continent,
 * the organization to its sector and size band, time to the period (done by the caller).
 */
import { countries } from 'countries-list';
import type { CounterCellColumn } from '../db/schema';
import type { MinimizedEvent } from './event-schema';
import { SIZE_BANDS, type Region, type SizeBand } from '../datasets/vocabulary';

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

/** The generalized cell an event falls into: the only description of it that is ever stored. */
export function generalizeEvent(event: MinimizedEvent, organization: OrganizationProfile): GeneralizedCell {
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
    hash_verified: flag(event.integrity.hashVerified),
    signature_verified: flag(event.integrity.signatureVerified),
    region: regionOf(event.geo.country),
    sector: organization.sector,
    org_size_band: organization.sizeBand,
  };
}
