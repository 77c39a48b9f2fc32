/**
 * Reference pmfs computed independently of the engine (plain doubles, straight from the definitions),
 * for the distribution tests. Each covers the support out to where the weights underflow to zero.
 */

export interface ReferencePmf {
  /** Smallest integer with tabulated mass. */
  readonly start: number;
  /** probabilities[i] = P(Z = start + i); sums to 1. */
  readonly probabilities: Float64Array;
}

/** N_Z(0, sigma^2): P(z) proportional to exp(-z^2 / (2 sigma^2)). */
export function discreteGaussianPmf(sigmaSquared: number): ReferencePmf {
  const sigma = Math.sqrt(sigmaSquared);
  const reach = Math.ceil(40 * sigma) + 40; // exp(-800) underflows: nothing beyond is representable
  return normalised(-reach, reach, (z) => Math.exp(-(z * z) / (2 * sigmaSquared)));
}

/** Discrete Laplace: P(z) proportional to exp(-|z| / scale). */
export function discreteLaplacePmf(scale: number): ReferencePmf {
  // Mass beyond the table is exp(-80) ~ 2e-35 of the total; tails are exact to 1e-17 relative up to 40 t.
  const reach = Math.ceil(80 * scale) + 80;
  return normalised(-reach, reach, (z) => Math.exp(-Math.abs(z) / scale));
}

export function pmfMoments(pmf: ReferencePmf): { mean: number; variance: number; fourthCentralMoment: number } {
  let mean = 0;
  pmf.probabilities.forEach((p, i) => (mean += p * (pmf.start + i)));
  let variance = 0;
  let fourth = 0;
  pmf.probabilities.forEach((p, i) => {
    const d = pmf.start + i - mean;
    variance += p * d * d;
    fourth += p * d * d * d * d;
  });
  return { mean, variance, fourthCentralMoment: fourth };
}

/** P(Z >= m) from the table. */
export function pmfUpperTail(pmf: ReferencePmf, m: number): number {
  let tail = 0;
  for (let i = pmf.probabilities.length - 1; i >= 0 && pmf.start + i >= m; i--) tail += pmf.probabilities[i]!;
  return tail;
}

function normalised(start: number, end: number, weight: (z: number) => number): ReferencePmf {
  const probabilities = new Float64Array(end - start + 1);
  let total = 0;
  // Accumulate from the tails inwards so the small terms are not lost.
  for (let offset = end - start; offset >= 0; offset--) {
    const w = weight(start + offset);
    probabilities[offset] = w;
  }
  // Both pmfs are symmetric and unimodal: adding from the two ends inwards adds the small terms first.
  for (let i = 0, j = probabilities.length - 1; i <= j; i++, j--) {
    total += i === j ? probabilities[i]! : probabilities[i]! + probabilities[j]!;
  }
  for (let i = 0; i < probabilities.length; i++) probabilities[i] = probabilities[i]! / total;
  return { start, probabilities };
}
