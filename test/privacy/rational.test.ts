/** Exact rationals and directed rounding: the arithmetic every "rounded up" claim rests on. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareRationals,
  formatRational,
  parseRational,
  rational,
  rationalFromNumber,
  rationalToNumberDown,
  rationalToNumberUp,
} from '../../src/privacy';
import { integerSquareRoot } from '../../src/privacy/rational';
import { nextDoubleDown, nextDoubleUp } from '../../src/privacy/next-double';

const bigRational = fc
  .tuple(fc.bigInt({ min: -(2n ** 120n), max: 2n ** 120n }), fc.bigInt({ min: 1n, max: 2n ** 120n }))
  .map(([n, d]) => rational(n, d));

describe('rational', () => {
  it('reduces and normalises the sign', () => {
    expect(rational(6, -4)).toEqual({ numerator: -3n, denominator: 2n });
    expect(rational(0, 5)).toEqual({ numerator: 0n, denominator: 1n });
    expect(() => rational(1, 0)).toThrow(RangeError);
  });

  it('converts every finite double exactly', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const exact = rationalFromNumber(x);
        return rationalToNumberUp(exact) === x && rationalToNumberDown(exact) === x;
      }),
    );
    expect(rationalFromNumber(0.1)).toEqual(rational(3602879701896397n, 2n ** 55n));
    expect(rationalFromNumber(5e-324)).toEqual(rational(1n, 2n ** 1074n));
  });

  it('rounds up to the smallest double >= value and down to the largest double <= value', () => {
    fc.assert(
      fc.property(bigRational, (value) => {
        const up = rationalToNumberUp(value);
        const down = rationalToNumberDown(value);
        return (
          compareRationals(rationalFromNumber(up), value) >= 0 &&
          compareRationals(rationalFromNumber(nextDoubleDown(up)), value) < 0 &&
          compareRationals(rationalFromNumber(down), value) <= 0 &&
          compareRationals(rationalFromNumber(nextDoubleUp(down)), value) > 0
        );
      }),
    );
  });

  it('round-trips through its text form', () => {
    fc.assert(fc.property(bigRational, (value) => compareRationals(parseRational(formatRational(value)), value) === 0));
    expect(() => parseRational('1.5')).toThrow(SyntaxError);
  });

  it('computes integer square roots', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 200n }), (n) => {
        const root = integerSquareRoot(n);
        return root * root <= n && (root + 1n) * (root + 1n) > n;
      }),
    );
  });
});
