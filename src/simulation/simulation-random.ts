/**
 * The random draws a simulated coalition needs (uniform, weighted choice, normal, log-normal,
 * Poisson, UUIDs), all taken from an injected `RandomSource`. A seeded source makes a simulation
 * repeatable: the same seed gives the same organizations and the same events, which is what the
 * demo, the simulate command and the utility benchmark rely on to compare runs.
 *
 * These draws shape synthetic data only. They are plain floating-point conveniences, not the exact
 * samplers of src/privacy: nothing drawn here protects anyone.
 */
import { RandomBitStream } from '../privacy/random-bit-stream';
import type { RandomSource } from '../privacy/random-source';

export interface SimulationRandom {
  /** Uniform in [0, 1), 53 random bits. */
  uniform(): number;
  /** Uniform integer in [0, bound). */
  below(bound: number): number;
  /** True with probability `probability` (clamped to [0, 1]). */
  chance(probability: number): boolean;
  pick<T>(values: readonly T[]): T;
  /** One key, chosen with probability proportional to its (non-negative) weight. */
  pickWeighted<K extends string>(weights: Readonly<Partial<Record<K, number>>>): K;
  /** `count` distinct values in random order (all of them when count >= values.length). */
  sampleDistinct<T>(values: readonly T[], count: number): T[];
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** exp(N(mu, sigma²)): heavy right tail, the usual shape of traffic volumes and file sizes. */
  logNormal(mu: number, sigma: number): number;
  /** Poisson(mean): exact (Knuth) below 30, normal approximation above, never negative. */
  poisson(mean: number): number;
  /** A random (version 4) UUID. */
  uuid(): string;
  /** `byteCount` random bytes as lower-case hex. */
  hex(byteCount: number): string;
}

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;
/** Below this mean Knuth's product method is exact and cheap; above it the normal approximation is close enough for synthetic counts. */
const EXACT_POISSON_LIMIT = 30;
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export function createSimulationRandom(source: RandomSource): SimulationRandom {
  const bits = new RandomBitStream(source);
  const uniform = () => (bits.nextBits(21) * TWO_POW_32 + bits.nextUint32()) / TWO_POW_53;
  const below = (bound: number) => bits.uniformBelow(bound);
  const normal = () => {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    return radius * Math.cos(2 * Math.PI * uniform());
  };
  const hex = (byteCount: number) => {
    const bytes = new Uint8Array(byteCount);
    source.fillRandomBytes(bytes);
    let text = '';
    for (const byte of bytes) text += HEX_BYTES[byte];
    return text;
  };

  return {
    uniform,
    below,
    chance: (probability) => uniform() < probability,
    pick: <T>(values: readonly T[]): T => {
      if (values.length === 0) throw new RangeError('pick: no values');
      return values[below(values.length)] as T;
    },
    pickWeighted: <K extends string>(weights: Readonly<Partial<Record<K, number>>>): K => {
      const entries = (Object.entries(weights) as [K, number][]).filter(([, weight]) => weight > 0);
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      if (entries.length === 0 || !Number.isFinite(total)) throw new RangeError('pickWeighted: no positive weight');
      let target = uniform() * total;
      for (const [key, weight] of entries) {
        target -= weight;
        if (target < 0) return key;
      }
      return entries[entries.length - 1]![0]; // rounding left a sliver at the end
    },
    sampleDistinct: <T>(values: readonly T[], count: number): T[] => {
      const copy = [...values];
      const take = Math.min(count, copy.length);
      // Partial Fisher–Yates: the first `take` slots end up a uniform sample in random order.
      for (let index = 0; index < take; index += 1) {
        const swap = index + below(copy.length - index);
        [copy[index], copy[swap]] = [copy[swap]!, copy[index]!];
      }
      return copy.slice(0, take);
    },
    normal,
    logNormal: (mu, sigma) => Math.exp(mu + sigma * normal()),
    poisson: (mean) => {
      if (!(mean > 0)) return 0;
      if (mean >= EXACT_POISSON_LIMIT) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
      const limit = Math.exp(-mean);
      let count = 0;
      for (let product = uniform(); product > limit; product *= uniform()) count += 1;
      return count;
    },
    uuid: () => {
      const digits = hex(16).split('');
      digits[12] = '4'; // version 4
      digits[16] = '89ab'[Number.parseInt(digits[16]!, 16) & 0x3]!; // RFC 9562 variant
      const text = digits.join('');
      return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
    },
    hex,
  };
}
