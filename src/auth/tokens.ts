/**
 * Bearer tokens and identifiers. Tokens carry 256 random bits from the injected random source,
 * are shown once, and only their SHA-256 is stored; a high-entropy secret needs no slow hash.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { RandomSource } from '../privacy/random-source';

export type TokenKind = 'admin' | 'privacy_officer' | 'researcher' | 'ingest';

const TOKEN_PREFIX: Record<TokenKind, string> = {
  admin: 'tagg_adm',
  privacy_officer: 'tagg_dpo',
  researcher: 'tagg_res',
  ingest: 'tagg_ing',
};

function randomBytes(random: RandomSource, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  random.fillRandomBytes(bytes);
  return bytes;
}

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** A prefixed token (the prefix lets secret scanners recognise leaked tokens). */
export function generateToken(random: RandomSource, kind: TokenKind): string {
  return `${TOKEN_PREFIX[kind]}_${base64Url(randomBytes(random, 32))}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Compares two strings in time that depends only on their length. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  const length = Math.max(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    difference |= (left[index] ?? 0) ^ (right[index] ?? 0);
  }
  return difference === 0;
}

/** RFC 9562 version-4 UUID from the injected random source. */
export function randomUuid(random: RandomSource): string {
  const bytes = randomBytes(random, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A single-use value for a Content-Security-Policy nonce: 144 random bits, base64url. */
export function generateNonce(random: RandomSource): string {
  return base64Url(randomBytes(random, 18));
}
