/**
 * Node secrets: from the environment in production; in development, generated once into the data
 * folder (with a warning) so `npm start` works with no setup. The database never holds them.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import { ConfigError, type Environment } from '../config';
import type { Logger, Secrets } from '../deps';
import type { RandomSource } from '../privacy/random-source';
import { decodeKeyMaterial } from '../secrets/key-material';
import { ensurePrivateDirectory, PRIVATE_FILE_MODE } from './private-files';

interface StoredSecrets {
  pseudonymKey: string;
  signingKey: string;
}

export async function generateSigningKeyPkcs8(): Promise<Uint8Array> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  return new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
}

export async function loadSecrets(env: Environment, random: RandomSource, logger: Logger): Promise<Secrets> {
  if (env.PSEUDONYM_KEY && env.SIGNING_KEY) {
    return {
      pseudonymKey: decodeKeyMaterial('PSEUDONYM_KEY', env.PSEUDONYM_KEY, 32),
      signingKeyPkcs8: decodeKeyMaterial('SIGNING_KEY', env.SIGNING_KEY, 48),
    };
  }
  if (env.APP_ENV === 'production') {
    throw new ConfigError('PSEUDONYM_KEY and SIGNING_KEY are required when APP_ENV=production');
  }
  const path = join(env.DATA_DIR, 'secrets.json');
  let stored: StoredSecrets;
  if (existsSync(path)) {
    chmodSync(path, PRIVATE_FILE_MODE);
    stored = JSON.parse(readFileSync(path, 'utf8')) as StoredSecrets;
  } else {
    const pseudonymKey = new Uint8Array(32);
    random.fillRandomBytes(pseudonymKey);
    stored = {
      pseudonymKey: Buffer.from(pseudonymKey).toString('base64'),
      signingKey: Buffer.from(await generateSigningKeyPkcs8()).toString('base64'),
    };
    ensurePrivateDirectory(env.DATA_DIR);
    writeFileSync(path, JSON.stringify(stored, null, 2), { mode: PRIVATE_FILE_MODE });
    logger.warn('generated development secrets; set PSEUDONYM_KEY and SIGNING_KEY in production', { path });
  }
  return {
    pseudonymKey: decodeKeyMaterial('PSEUDONYM_KEY', env.PSEUDONYM_KEY ?? stored.pseudonymKey, 32),
    signingKeyPkcs8: decodeKeyMaterial('SIGNING_KEY', env.SIGNING_KEY ?? stored.signingKey, 48),
  };
}
