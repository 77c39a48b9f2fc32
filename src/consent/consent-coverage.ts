/**
 * Whether a consent record covers an instant. Pure: the ingest gate, the console and the reports
 * all ask the same question the same way. A record covers [granted_at, min(expires_at, revoked_at)).
 */
export const RESEARCH_SCOPE = 'research-telemetry';

export interface ConsentWindow {
  scope: string;
  granted_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export function consentEnd(consent: ConsentWindow): string | null {
  if (consent.expires_at && consent.revoked_at) {
    return consent.expires_at < consent.revoked_at ? consent.expires_at : consent.revoked_at;
  }
  return consent.expires_at ?? consent.revoked_at;
}

/** Timestamps are normalised ISO-8601 UTC strings, so string order is time order. */
export function consentCovers(consent: ConsentWindow, instantIso: string): boolean {
  if (consent.scope !== RESEARCH_SCOPE) return false;
  if (instantIso < consent.granted_at) return false;
  const end = consentEnd(consent);
  return end === null || instantIso < end;
}

export function hasConsentAt(consents: readonly ConsentWindow[], instantIso: string): boolean {
  return consents.some((consent) => consentCovers(consent, instantIso));
}

export type ConsentStatus = 'active' | 'expired' | 'revoked' | 'scheduled';

export function consentStatusAt(consent: ConsentWindow, instantIso: string): ConsentStatus {
  if (consent.revoked_at && consent.revoked_at <= instantIso) return 'revoked';
  if (consent.expires_at && consent.expires_at <= instantIso) return 'expired';
  if (instantIso < consent.granted_at) return 'scheduled';
  return 'active';
}

export type OrganizationConsentStatus = ConsentStatus | 'none';

/**
 * One word for an organization's consent at an instant, from all its records: active if any
 * record covers the instant, else scheduled if one starts later, else the state of the most
 * recent grant (revoked or expired), else none.
 */
export function organizationConsentStatusAt(consents: readonly ConsentWindow[], instantIso: string): OrganizationConsentStatus {
  const research = consents.filter((consent) => consent.scope === RESEARCH_SCOPE);
  if (research.some((consent) => consentCovers(consent, instantIso))) return 'active';
  if (research.some((consent) => consentStatusAt(consent, instantIso) === 'scheduled')) return 'scheduled';
  const latest = research.reduce<ConsentWindow | undefined>(
    (found, consent) => (found === undefined || consent.granted_at > found.granted_at ? consent : found),
    undefined,
  );
  return latest ? consentStatusAt(latest, instantIso) : 'none';
}
