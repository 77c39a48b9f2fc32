/**
 * Workers secrets, from `wrangler secret put` (or .dev.vars locally). Unlike the Node server, a
 * Worker has nowhere to keep generated development keys: an isolate that invented its own
 * pseudonym key would split every contributor and defeat deduplication across isolates. So both
 * keys are required in every environment, and a missing one fails with its name.
 */
import { ConfigError, type Environment } from '../config';
import type { Secrets } from '../deps';
import { decodeKeyMaterial } from '../secrets/key-material';

function decodeKey(name: string, value: string | undefined, minBytes: number): Uint8Array {
  if (!value) {
    throw new ConfigError(`${name}: required on Workers (wrangler secret put ${name}; .dev.vars for wrangler dev)`);
  }
  return decodeKeyMaterial(name, value, minBytes);
}

export function secretsFromEnvironment(env: Pick<Environment, 'PSEUDONYM_KEY' | 'SIGNING_KEY'>): Secrets {
  return {
    pseudonymKey: decodeKey('PSEUDONYM_KEY', env.PSEUDONYM_KEY, 32),
    signingKeyPkcs8: decodeKey('SIGNING_KEY', env.SIGNING_KEY, 48),
  };
}
