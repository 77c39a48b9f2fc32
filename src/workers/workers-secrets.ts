/**
 * Workers secrets, from `wrangler secret put` (or .dev.vars locally). Unlike the Node server, a
 * Worker has nowhere to keep generated development keys: an isolate that invented its own
 * pseudonym key would split every contributor and defeat deduplication across isolates. So both
 * keys are required in every environment, and a missing one fails with its name.
 */
import { Buffer } from 'node:buffer';
import { ConfigError, type Environment } from '../config';
import type { Secrets } from '../deps';

/** Hex (even length) or base64, as the Node server accepts them. */
function decodeKey(name: string, value: string | undefined, minBytes: number): Uint8Array {
  if (!value) {
    throw new ConfigError(`${name}: required on Workers (wrangler secret put ${name}; .dev.vars for wrangler dev)`);
  }
  const bytes = /^[0-9a-f]+$/i.test(value) && value.length % 2 === 0 ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (bytes.length < minBytes) throw new ConfigError(`${name}: must encode at least ${minBytes} bytes (hex or base64)`);
  return new Uint8Array(bytes);
}

export function secretsFromEnvironment(env: Pick<Environment, 'PSEUDONYM_KEY' | 'SIGNING_KEY'>): Secrets {
  return {
    pseudonymKey: decodeKey('PSEUDONYM_KEY', env.PSEUDONYM_KEY, 32),
    signingKeyPkcs8: decodeKey('SIGNING_KEY', env.SIGNING_KEY, 48),
  };
}
