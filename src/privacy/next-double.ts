/**
 * Stepping to the adjacent IEEE-754 double. Privacy parameters computed in floating point are
 * pushed one way (noise up, budget spent up, budget granted down); these are the primitive steps.
 */

const float = new Float64Array(1);
const bits = new BigInt64Array(float.buffer);

/** The smallest double strictly greater than `x` (for finite x). */
export function nextDoubleUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE; // covers -0 too
  float[0] = x;
  bits[0] = x > 0 ? bits[0]! + 1n : bits[0]! - 1n;
  return float[0]!;
}

/** The largest double strictly smaller than `x` (for finite x). */
export function nextDoubleDown(x: number): number {
  return -nextDoubleUp(-x);
}
