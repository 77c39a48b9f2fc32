/**
 * Random bits and unbiased bounded integers on top of a byte-oriented `RandomSource`.
 *
 * The exact samplers consume a few bits at a time, millions of times per release. Asking the source
 * for bytes on every draw would cost a call (and, for the crypto source, a copy) per draw, so this
 * stream fetches a block of words at once and hands out bits from it. Unused bits may be discarded
 * (when a request does not fit in the bits left over): discarding independent uniform bits never
 * biases what is handed out.
 *
 * Bounded integers use rejection sampling (draw the smallest number of bits that covers the range,
 * retry when the draw falls outside it), never `% bound`, which would favour small values whenever the
 * range does not divide 2^bits. Each attempt succeeds with probability > 1/2.
 */
import type { RandomSource } from './random-source';

const TWO_POW_32 = 0x1_0000_0000;
/** The largest bound `uniformBelow` accepts: every integer below it is exactly representable. */
const MAX_NUMBER_BOUND = 2 ** 53;

const DEFAULT_BUFFER_WORDS = 1024; // 4 KiB per refill

export class RandomBitStream {
  readonly #source: RandomSource;
  readonly #words: Uint32Array;
  readonly #bytes: Uint8Array;
  #nextWordIndex: number;
  /** Spare bits of the last word split by `nextBits`, lowest bits first. */
  #spareBits = 0;
  #spareBitCount = 0;

  constructor(source: RandomSource, bufferWords: number = DEFAULT_BUFFER_WORDS) {
    if (!Number.isInteger(bufferWords) || bufferWords < 1) {
      throw new RangeError('RandomBitStream: bufferWords must be a positive integer');
    }
    this.#source = source;
    this.#words = new Uint32Array(bufferWords);
    this.#bytes = new Uint8Array(this.#words.buffer);
    this.#nextWordIndex = bufferWords; // empty: the first draw refills
  }

  /** A uniform integer in [0, 2^32). */
  nextUint32(): number {
    if (this.#nextWordIndex === this.#words.length) {
      this.#source.fillRandomBytes(this.#bytes);
      this.#nextWordIndex = 0;
    }
    return this.#words[this.#nextWordIndex++]!;
  }

  /** A uniform integer in [0, 2^count), for 0 <= count <= 32. */
  nextBits(count: number): number {
    if (count === 32) return this.nextUint32();
    if (count === 0) return 0;
    if (this.#spareBitCount < count) {
      this.#spareBits = this.nextUint32();
      this.#spareBitCount = 32;
    }
    const value = this.#spareBits & ((1 << count) - 1);
    this.#spareBits >>>= count;
    this.#spareBitCount -= count;
    return value;
  }

  /** A fair coin: 0 or 1. */
  nextBit(): number {
    return this.nextBits(1);
  }

  /** A uniform integer in [0, bound), for integer 1 <= bound <= 2^53. */
  uniformBelow(bound: number): number {
    if (bound <= TWO_POW_32) {
      if (bound === 1) return 0;
      if (!(bound > 1) || !Number.isInteger(bound)) throw new RangeError(`uniformBelow: invalid bound ${bound}`);
      const bitCount = 32 - Math.clz32(bound - 1);
      for (;;) {
        const candidate = this.nextBits(bitCount);
        if (candidate < bound) return candidate;
      }
    }
    if (bound > MAX_NUMBER_BOUND || !Number.isInteger(bound)) {
      throw new RangeError(`uniformBelow: invalid bound ${bound}`);
    }
    // (bound - 1) / 2^32 is exact (power-of-two scaling), so its floor is the exact high word.
    const highBitCount = 32 - Math.clz32(Math.floor((bound - 1) / TWO_POW_32));
    for (;;) {
      // Both parts are < 2^53 in total, so the combination is exact.
      const candidate = this.nextBits(highBitCount) * TWO_POW_32 + this.nextUint32();
      if (candidate < bound) return candidate;
    }
  }

  /** A uniform integer in [0, bound), for any bigint bound >= 1. */
  uniformBelowBigInt(bound: bigint): bigint {
    if (bound < 1n) throw new RangeError('uniformBelowBigInt: bound must be >= 1');
    if (bound <= BigInt(MAX_NUMBER_BOUND)) return BigInt(this.uniformBelow(Number(bound)));
    const bitCount = (bound - 1n).toString(2).length;
    const wordCount = Math.ceil(bitCount / 32);
    const topBitCount = bitCount - 32 * (wordCount - 1);
    for (;;) {
      let candidate = BigInt(this.nextBits(topBitCount));
      for (let word = 1; word < wordCount; word++) {
        candidate = (candidate << 32n) | BigInt(this.nextUint32());
      }
      if (candidate < bound) return candidate;
    }
  }
}

/** Samplers accept either a raw source or a stream; a raw source gets a private stream. */
export function toRandomBitStream(random: RandomSource | RandomBitStream): RandomBitStream {
  return random instanceof RandomBitStream ? random : new RandomBitStream(random);
}
