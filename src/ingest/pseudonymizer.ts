/**
 * Keyed hashes that replace identifiers in storage. The key lives in secrets, never in the
 * database, so a copy of the database alone cannot link a pseudonym back to an organization or
 * an event. A contributor's pseudonym changes every period, so periods cannot be linked either.
 * HMAC-SHA-256 truncated to 128 bits: collisions are negligible at any plausible volume.
 */
import { createHmac } from 'node:crypto';

export interface Pseudonymizer {
  contributor(orgId: string, periodId: string): string;
  eventHash(orgId: string, eventId: string): string;
}

export function createPseudonymizer(key: Uint8Array): Pseudonymizer {
  const keyed = (domain: string, ...parts: string[]) =>
    createHmac('sha256', key)
      .update(`${domain}\u0000${parts.join('\u0000')}`)
      .digest('hex')
      .slice(0, 32);
  return {
    contributor: (orgId, periodId) => keyed('contributor', orgId, periodId),
    // Lower-cased so that the same UUID in another case is still recognised as a retry.
    eventHash: (orgId, eventId) => keyed('event', orgId, eventId.toLowerCase()),
  };
}
