/**
 * Seeded draws for generating benchmark data, so every run measures the same data. Built on the
 * service's own seeded source (a fixed xoshiro stream); benchmarks only, never the service, which
 * draws from the crypto source.
 */
import { createSeededRandomSource } from '../../src/privacy/random-source';

/** Uniform numbers in [0, 1) from a seed. */
export function seededUniform(seed: number): () => number {
  const source = createSeededRandomSource(seed);
  const word = new Uint32Array(1);
  const bytes = new Uint8Array(word.buffer);
  return () => {
    source.fillRandomBytes(bytes);
    return word[0]! / 2 ** 32;
  };
}

/** One value drawn with weight 1 / (index + 1)^skew: the first few values are common, most are rare. */
export function skewedPick<T>(values: readonly T[], random: () => number, skew = 1.2): T {
  const weights = values.map((_, index) => 1 / (index + 1) ** skew);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let target = random() * total;
  for (let index = 0; index < values.length; index += 1) {
    target -= weights[index]!;
    if (target <= 0) return values[index]!;
  }
  return values[values.length - 1]!;
}
