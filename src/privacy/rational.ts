/**
 * Exact rational numbers (bigint numerator / denominator) for privacy parameters.
 *
 * Noise parameters (sigma^2, Laplace scale) and privacy costs are kept exact so that a statement such as
 * "sigma^2 >= Delta^2 / (2 rho)" is checked without rounding error; conversion to a double happens
 * only for display or accounting, and always in a named direction (`rationalToNumberUp/Down`).
 * Rationals are always stored reduced with a positive denominator, so equal values compare equal
 * field by field and serialise identically.
 */
import { nextDoubleDown, nextDoubleUp } from './next-double';

export interface Rational {
  readonly numerator: bigint;
  /** Always > 0; gcd(numerator, denominator) = 1. */
  readonly denominator: bigint;
}

export function rational(numerator: bigint | number, denominator: bigint | number = 1n): Rational {
  const n = toBigInt(numerator, 'numerator');
  const d = toBigInt(denominator, 'denominator');
  if (d === 0n) throw new RangeError('rational: denominator must not be zero');
  const sign = d < 0n ? -1n : 1n;
  const divisor = gcd(n, d);
  return { numerator: (sign * n) / divisor, denominator: (sign * d) / divisor };
}

/** The exact value of a finite double as a rational (every double is m * 2^e). */
export function rationalFromNumber(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`rationalFromNumber: ${x} is not finite`);
  if (Number.isSafeInteger(x)) return { numerator: BigInt(x), denominator: 1n };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biasedExponent = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  let exponent: number;
  if (biasedExponent === 0) {
    exponent = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    exponent = biasedExponent - 1075;
  }
  if (high >>> 31 === 1) mantissa = -mantissa;
  return exponent >= 0 ? rational(mantissa << BigInt(exponent)) : rational(mantissa, 1n << BigInt(-exponent));
}

/** Parses "n/d" or "n" (as written by `formatRational`). */
export function parseRational(text: string): Rational {
  const match = /^(-?\d+)(?:\/(\d+))?$/.exec(text.trim());
  if (match === null) throw new SyntaxError(`parseRational: "${text}" is not of the form n/d`);
  return rational(BigInt(match[1]!), BigInt(match[2] ?? '1'));
}

export function formatRational(value: Rational): string {
  return value.denominator === 1n ? `${value.numerator}` : `${value.numerator}/${value.denominator}`;
}

export function compareRationals(a: Rational, b: Rational): -1 | 0 | 1 {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function addRationals(a: Rational, b: Rational): Rational {
  return rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);
}

export function multiplyRationals(a: Rational, b: Rational): Rational {
  return rational(a.numerator * b.numerator, a.denominator * b.denominator);
}

export function divideRationals(a: Rational, b: Rational): Rational {
  if (b.numerator === 0n) throw new RangeError('divideRationals: division by zero');
  return rational(a.numerator * b.denominator, a.denominator * b.numerator);
}

export function floorRational(value: Rational): bigint {
  const quotient = value.numerator / value.denominator; // truncates toward zero
  return value.numerator < 0n && quotient * value.denominator !== value.numerator ? quotient - 1n : quotient;
}

export function ceilRational(value: Rational): bigint {
  return -floorRational({ numerator: -value.numerator, denominator: value.denominator });
}

/** floor(sqrt(n)) for n >= 0, by Newton's method on integers. */
export function integerSquareRoot(n: bigint): bigint {
  if (n < 0n) throw new RangeError('integerSquareRoot: negative argument');
  if (n < 2n) return n;
  // Start above the root (2^ceil(bits/2) > sqrt(n)); Newton steps then decrease monotonically to it.
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const next = (x + n / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

/** The smallest double >= value. */
export function rationalToNumberUp(value: Rational): number {
  let x = approximateToNumber(value);
  while (compareRationals(rationalFromNumber(x), value) < 0) x = nextDoubleUp(x);
  for (;;) {
    const below = nextDoubleDown(x);
    if (!Number.isFinite(below) || compareRationals(rationalFromNumber(below), value) < 0) return x;
    x = below;
  }
}

/** The largest double <= value. */
export function rationalToNumberDown(value: Rational): number {
  return -rationalToNumberUp({ numerator: -value.numerator, denominator: value.denominator });
}

/** Within a few ulps of the value, for values whose magnitude fits in a double. */
function approximateToNumber(value: Rational): number {
  const { numerator, denominator } = value;
  const direct = Number(numerator) / Number(denominator);
  if (Number.isFinite(direct) && direct !== 0) return direct;
  if (numerator === 0n) return 0;
  // Huge numerator or denominator: keep the top ~64 bits of each and rescale by the shifted powers.
  const shiftOf = (n: bigint): number => Math.max(0, (n < 0n ? -n : n).toString(2).length - 64);
  const numeratorShift = shiftOf(numerator);
  const denominatorShift = shiftOf(denominator);
  const scaled =
    Number(numerator >> BigInt(numeratorShift)) / Number(denominator >> BigInt(denominatorShift));
  return scaled * 2 ** (numeratorShift - denominatorShift);
}

function toBigInt(value: bigint | number, name: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`rational: ${name} ${value} is not a safe integer`);
  return BigInt(value);
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}
