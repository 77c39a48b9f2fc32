/**
 * The published signing keys: every key that ever signed a release (stored in signing_keys on first
 * use, so rotated-out keys stay verifiable) plus the current key, which signs the next release.
 */
import type { AppDeps } from '../deps';
import { listSigningKeys } from './release-repository';
import { type Ed25519PublicJwk, loadReleaseSigningKey } from './release-signing';

const currentKeys = new WeakMap<Uint8Array, Promise<Ed25519PublicJwk>>();

function currentPublicJwk(pkcs8: Uint8Array): Promise<Ed25519PublicJwk> {
  let key = currentKeys.get(pkcs8);
  if (!key) {
    key = loadReleaseSigningKey(pkcs8).then((loaded) => loaded.publicJwk);
    currentKeys.set(pkcs8, key);
  }
  return key;
}

export async function listPublishedSigningKeys(deps: Pick<AppDeps, 'database' | 'secrets'>): Promise<Ed25519PublicJwk[]> {
  const [stored, current] = await Promise.all([listSigningKeys(deps.database.db), currentPublicJwk(deps.secrets.signingKeyPkcs8)]);
  const keys = stored.map((row) => JSON.parse(row.public_jwk) as Ed25519PublicJwk);
  if (!keys.some((key) => key.kid === current.kid)) keys.push(current);
  return keys;
}
