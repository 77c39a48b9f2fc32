/**
 * The random sources and the bit stream on top of them: buffering edge cases, determinism of the
 * seeded source, and unbiased bounded integers (a modulo reduction would fail the bucket test).
 */
import { describe, expect, it } from 'vitest';
import { createCryptoRandomSource, createSeededRandomSource, RandomBitStream, type RandomSource } from '../../src/privacy';
import { chiSquareForCategories } from './chi-square';

describe('createCryptoRandomSource', () => {
  it('fills requests of every size, across buffer refills, with fresh bytes', () => {
    const random = createCryptoRandomSource({ bufferBytes: 1024 });
    for (const size of [0, 1, 3, 1023, 1024, 1025, 5000, 70_000, 200_000]) {
      const first = new Uint8Array(size);
      const second = new Uint8Array(size);
      random.fillRandomBytes(first);
      random.fillRandomBytes(second);
      if (size >= 16) {
        expect(first.some((byte) => byte !== 0)).toBe(true);
        expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
      }
    }
  });

  it('fills subarray views in place, leaving the rest of the buffer alone', () => {
    const random = createCryptoRandomSource({ bufferBytes: 64 });
    const backing = new Uint8Array(300);
    random.fillRandomBytes(backing.subarray(100, 200)); // large path (>= buffer size) on a view with an offset
    random.fillRandomBytes(backing.subarray(250, 260)); // buffered path
    expect(backing.subarray(0, 100).every((byte) => byte === 0)).toBe(true);
    expect(backing.subarray(200, 250).every((byte) => byte === 0)).toBe(true);
    expect(backing.subarray(100, 200).some((byte) => byte !== 0)).toBe(true);
  });

  it('rejects impossible buffer sizes', () => {
    expect(() => createCryptoRandomSource({ bufferBytes: 0 })).toThrow(RangeError);
    expect(() => createCryptoRandomSource({ bufferBytes: 65_537 })).toThrow(RangeError);
  });
});

describe('createSeededRandomSource (tests only)', () => {
  const bytes = (random: RandomSource, size: number): number[] => {
    const target = new Uint8Array(size);
    random.fillRandomBytes(target);
    return [...target];
  };

  it('is deterministic per seed and differs between seeds', () => {
    expect(bytes(createSeededRandomSource(42), 64)).toEqual(bytes(createSeededRandomSource(42), 64));
    expect(bytes(createSeededRandomSource(42), 64)).not.toEqual(bytes(createSeededRandomSource(43), 64));
    expect(bytes(createSeededRandomSource(2 ** 40), 64)).not.toEqual(bytes(createSeededRandomSource(0), 64));
  });

  it('produces the same stream whatever the request sizes', () => {
    const whole = bytes(createSeededRandomSource(7), 40);
    const split = createSeededRandomSource(7);
    expect([...bytes(split, 12), ...bytes(split, 28)]).toEqual(whole);
  });
});

describe('RandomBitStream', () => {
  const stream = (seed: number): RandomBitStream => new RandomBitStream(createSeededRandomSource(seed));

  it('draws uniformBelow(bound) uniformly, for small, 32-bit and 53-bit bounds', () => {
    for (const bound of [2, 3, 7, 3 * 2 ** 30, 2 ** 32, 3 * 2 ** 50 + 1, 2 ** 53]) {
      const bits = stream(bound % 1000);
      const buckets = 10;
      const counts = new Array<number>(buckets).fill(0);
      const n = 100_000;
      let outOfRange = 0;
      for (let i = 0; i < n; i++) {
        const value = bits.uniformBelow(bound);
        if (!(Number.isInteger(value) && value >= 0 && value < bound)) outOfRange++;
        else counts[Math.floor((value * buckets) / bound)]!++;
      }
      expect(outOfRange).toBe(0);
      // Expected bucket probabilities, exact for integer buckets of [0, bound).
      const probabilities = counts.map((_, b) => (Math.ceil(((b + 1) * bound) / buckets) - Math.ceil((b * bound) / buckets)) / bound);
      const nonEmpty = probabilities.map((p, b) => [p, counts[b]!] as const).filter(([p]) => p > 0);
      const result = chiSquareForCategories(nonEmpty.map(([, c]) => c), nonEmpty.map(([p]) => p));
      expect(result.statistic, `bound ${bound}`).toBeLessThan(result.criticalValue);
    }
  });

  it('the bucket test has power: reducing 32 random bits modulo 3 * 2^30 fails it', () => {
    const bits = stream(5);
    const bound = 3 * 2 ** 30;
    const counts = new Array<number>(3).fill(0);
    for (let i = 0; i < 100_000; i++) counts[Math.floor(((bits.nextUint32() % bound) * 3) / bound)]!++;
    const result = chiSquareForCategories(counts, [1 / 3, 1 / 3, 1 / 3]);
    expect(result.statistic).toBeGreaterThan(result.criticalValue);
  });

  it('draws uniformBelowBigInt(bound) uniformly for a 70-bit bound', () => {
    const bits = stream(9);
    const bound = 3n * 2n ** 68n + 5n;
    const counts = new Array<number>(3).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const value = bits.uniformBelowBigInt(bound);
      expect(value >= 0n && value < bound).toBe(true);
      counts[Number((value * 3n) / bound)]!++;
    }
    const result = chiSquareForCategories(counts, [1 / 3, 1 / 3, 1 / 3]);
    expect(result.statistic).toBeLessThan(result.criticalValue);
  });

  it('hands out fair bits of every width', () => {
    const bits = stream(3);
    for (const width of [1, 5, 17, 31, 32]) {
      let ones = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) if (bits.nextBits(width) >= 2 ** (width - 1)) ones++; // the top bit
      expect(Math.abs(ones - n / 2)).toBeLessThan(6 * Math.sqrt(n / 4));
    }
  });
});
