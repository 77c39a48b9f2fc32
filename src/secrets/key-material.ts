/** Decoding of key material from configuration, shared by the Node and Workers entry points. */
import { Buffer } from 'node:buffer';
import { ConfigError } from '../config';

/** Hex (even length) or base64; fails with the variable's name when too short. */
export function decodeKeyMaterial(name: string, value: string, minBytes: number): Uint8Array {
  const bytes = /^[0-9a-f]+$/i.test(value) && value.length % 2 === 0 ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (bytes.length < minBytes) throw new ConfigError(`${name}: must encode at least ${minBytes} bytes (hex or base64)`);
  return new Uint8Array(bytes);
}
