/**
 * Ed25519 signatures over release packages, with WebCrypto only (crypto.subtle), so the same code
 * signs on Node and on Cloudflare Workers and verifies in scripts/verify.ts.
 *
 * What is signed: the RFC 8785 (JCS) canonical bytes of datapackage.json, which are also exactly
 * the bytes the service serves, so `openssl pkeyutl -verify -rawin` works on the downloaded file.
 * Public keys are published as OKP JWKs whose kid is the RFC 7638 thumbprint: anyone can recompute
 * the kid from the key, so a key cannot be swapped under an existing kid.
 */
import { Buffer } from 'node:buffer';
import canonicalize from 'canonicalize';

export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface ReleaseSigningKey {
  kid: string;
  publicJwk: Ed25519PublicJwk;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** RFC 8785 canonical JSON (the text the signature and the package hash cover). */
export function canonicalJsonText(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value cannot be canonicalized');
  return text;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Lower-case hex SHA-256, via WebCrypto. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return Buffer.from(digest).toString('hex');
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an Ed25519 public key: hash of {"crv","kty","x"} in that order. */
export async function jwkThumbprint(jwk: Pick<Ed25519PublicJwk, 'crv' | 'kty' | 'x'>): Promise<string> {
  const required = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}"}`;
  const digest = await crypto.subtle.digest('SHA-256', utf8(required) as BufferSource);
  return Buffer.from(digest).toString('base64url');
}

/** Imports the PKCS#8 private key from secrets and derives its public JWK and kid. */
export async function loadReleaseSigningKey(pkcs8: Uint8Array): Promise<ReleaseSigningKey> {
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8 as BufferSource, { name: 'Ed25519' }, true, ['sign']);
  const exported = (await crypto.subtle.exportKey('jwk', privateKey)) as JsonWebKey;
  if (exported.kty !== 'OKP' || exported.crv !== 'Ed25519' || typeof exported.x !== 'string') {
    throw new Error('the signing key is not an Ed25519 key');
  }
  const kid = await jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: exported.x });
  return {
    kid,
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: exported.x, kid, alg: 'EdDSA', use: 'sig' },
    sign: async (data) => new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, data as BufferSource)),
  };
}

/** Verifies a detached Ed25519 signature with a published JWK (also checks that the kid is its thumbprint). */
export async function verifyWithJwk(jwk: Ed25519PublicJwk, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') return false;
  if ((await jwkThumbprint(jwk)) !== jwk.kid) return false;
  const publicKey = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature as BufferSource, data as BufferSource);
}

/** PEM (SubjectPublicKeyInfo) of an Ed25519 JWK, for `openssl pkeyutl -pubin`. */
export function publicJwkToPem(jwk: Pick<Ed25519PublicJwk, 'x'>): string {
  // SPKI for Ed25519 is a fixed 12-byte prefix (RFC 8410) followed by the 32-byte key.
  const prefix = Buffer.from('302a300506032b6570032100', 'hex');
  const der = Buffer.concat([prefix, Buffer.from(jwk.x, 'base64url')]);
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}
