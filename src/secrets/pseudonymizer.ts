/**
 * Keyed hashes that replace identifiers in storage. The key lives in secrets, never in the
 * database, so a copy of the database alone cannot link a pseudonym back to an organization or
 * an event. A contributor's pseudonym changes every period, so periods cannot be linked either.
 * HMAC-SHA-256 truncated to 128 bits: collisions are negligible at any plausible volume. Pseudonyms
 * and tokens are those 128 bits in hex; an event hash stays binary (16 bytes), the form the replay
 * guard stores it in.
 */
import { createHash, type Hash } from 'node:crypto';

export interface Pseudonymizer {
  contributor(orgId: string, periodId: string): string;
  /** 16 bytes; `.toString('hex')` gives the hex form. */
  eventHash(orgId: string, eventId: string): Buffer;
  /**
   * The console sign-in form's token for a nonce the browser holds in a cookie. Keyed, so a page
   * that can plant a cookie (a sibling host, plain HTTP) still cannot make a token that matches it.
   */
  signInToken(nonce: string): string;
}

const SHA256_BLOCK_BYTES = 64;

/**
 * HMAC-SHA-256 (RFC 2104) with the inner and outer pad states hashed once and cloned per message:
 * H((K ^ opad) || H((K ^ ipad) || m)). Building a fresh HMAC object re-imports the key each time,
 * which dominated ingest CPU; cloning a hash state is an order of magnitude cheaper.
 */
function createHmacSha256(key: Uint8Array): (message: string) => Buffer {
  const blockKey = new Uint8Array(SHA256_BLOCK_BYTES);
  blockKey.set(key.length > SHA256_BLOCK_BYTES ? createHash('sha256').update(key).digest() : key);
  const inner: Hash = createHash('sha256').update(blockKey.map((byte) => byte ^ 0x36));
  const outer: Hash = createHash('sha256').update(blockKey.map((byte) => byte ^ 0x5c));
  return (message) => outer.copy().update(inner.copy().update(message, 'utf8').digest()).digest();
}

export function createPseudonymizer(key: Uint8Array): Pseudonymizer {
  const hmac = createHmacSha256(key);
  const keyed = (domain: string, ...parts: string[]) => hmac(`${domain}\u0000${parts.join('\u0000')}`).subarray(0, 16);
  return {
    contributor: (orgId, periodId) => keyed('contributor', orgId, periodId).toString('hex'),
    // Lower-cased so that the same UUID in another case is still recognised as a retry.
    eventHash: (orgId, eventId) => keyed('event', orgId, eventId.toLowerCase()),
    signInToken: (nonce) => keyed('console-sign-in', nonce).toString('hex'),
  };
}
