/**
 * The one source of randomness the application uses. Everything random (tokens, identifiers, DP noise,
 * contribution sampling) is drawn from an injected `RandomSource`, so production wires the operating
 * system's CSPRNG and tests wire a seeded generator that makes runs reproducible.
 *
 * The interface is deliberately byte-oriented and tiny: Node, Workers and browsers all provide
 * `crypto.getRandomValues`, and anything richer (bits, bounded integers, Bernoulli trials) is built on
 * top of it in `random-bit-stream.ts`.
 */

export interface RandomSource {
  /** Overwrite every byte of `target` with independent, uniformly distributed random bytes. */
  fillRandomBytes(target: Uint8Array): void;
}

/** `crypto.getRandomValues` rejects requests above this many bytes (Web Crypto QuotaExceededError). */
const GET_RANDOM_VALUES_MAX_BYTES = 65_536;

const DEFAULT_CRYPTO_BUFFER_BYTES = 16_384;

export interface CryptoRandomSourceOptions {
  /** Bytes fetched per `getRandomValues` call for small requests (1..65536; default 16 KiB). */
  bufferBytes?: number;
}

/**
 * A `RandomSource` backed by the platform CSPRNG (`globalThis.crypto.getRandomValues`).
 *
 * Small requests are served from a buffer refilled in one call, because the per-call overhead of
 * `getRandomValues` dominates when a sampler asks for a few bytes at a time. Served bytes are wiped
 * from the buffer: noise values are as sensitive as the data they protect, so the bytes that produced
 * them should not linger in memory. Large requests bypass the buffer (in chunks of at most 64 KiB).
 */
export function createCryptoRandomSource(options: CryptoRandomSourceOptions = {}): RandomSource {
  const webCrypto = globalThis.crypto;
  if (webCrypto === undefined || typeof webCrypto.getRandomValues !== 'function') {
    throw new Error('createCryptoRandomSource: globalThis.crypto.getRandomValues is not available');
  }
  const bufferBytes = options.bufferBytes ?? DEFAULT_CRYPTO_BUFFER_BYTES;
  if (!Number.isInteger(bufferBytes) || bufferBytes < 1 || bufferBytes > GET_RANDOM_VALUES_MAX_BYTES) {
    throw new RangeError(`createCryptoRandomSource: bufferBytes must be an integer in [1, ${GET_RANDOM_VALUES_MAX_BYTES}]`);
  }
  const buffer = new Uint8Array(bufferBytes);
  let unread = 0; // bytes at the end of `buffer` not yet handed out

  return {
    fillRandomBytes(target: Uint8Array): void {
      // Large requests skip the copy; getRandomValues only accepts views of a non-shared ArrayBuffer.
      if (target.length >= bufferBytes && target.buffer instanceof ArrayBuffer) {
        const view = new Uint8Array(target.buffer, target.byteOffset, target.length);
        for (let offset = 0; offset < view.length; offset += GET_RANDOM_VALUES_MAX_BYTES) {
          webCrypto.getRandomValues(view.subarray(offset, Math.min(view.length, offset + GET_RANDOM_VALUES_MAX_BYTES)));
        }
        return;
      }
      let written = 0;
      while (written < target.length) {
        if (unread === 0) {
          webCrypto.getRandomValues(buffer);
          unread = bufferBytes;
        }
        const start = bufferBytes - unread;
        const take = Math.min(unread, target.length - written);
        target.set(buffer.subarray(start, start + take), written);
        buffer.fill(0, start, start + take);
        unread -= take;
        written += take;
      }
    },
  };
}

/**
 * A deterministic `RandomSource` for TESTS ONLY: xoshiro128** (Blackman & Vigna, 2018) seeded through
 * a 32-bit SplitMix-style mixer. It is statistically good enough for distribution tests and makes
 * failures reproducible, but it is predictable from its output and must never produce released noise
 * or tokens. Same seed, same byte stream.
 */
export function createSeededRandomSource(seed: number): RandomSource {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError('createSeededRandomSource: seed must be a safe integer');
  }
  // Expand the seed into four non-zero state words. Mixing both halves of the seed keeps seeds that
  // differ only above bit 32 apart.
  let mixer = (seed >>> 0) ^ Math.imul(Math.floor(seed / 0x1_0000_0000) | 0, 0x9e3779b9);
  const nextMixed = (): number => {
    mixer = (mixer + 0x9e3779b9) | 0;
    let z = mixer;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let s0 = nextMixed();
  let s1 = nextMixed();
  let s2 = nextMixed();
  let s3 = nextMixed();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  const nextWord = (): number => {
    const scrambled = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0;
    const shifted = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= shifted;
    s3 = rotateLeft(s3, 11);
    return scrambled;
  };

  return {
    fillRandomBytes(target: Uint8Array): void {
      let index = 0;
      for (; index + 4 <= target.length; index += 4) {
        const word = nextWord();
        target[index] = word & 0xff;
        target[index + 1] = (word >>> 8) & 0xff;
        target[index + 2] = (word >>> 16) & 0xff;
        target[index + 3] = word >>> 24;
      }
      if (index < target.length) {
        let word = nextWord();
        for (; index < target.length; index++) {
          target[index] = word & 0xff;
          word >>>= 8;
        }
      }
    },
  };
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}
