/**
 * Splitting a zCDP budget (a period's rho across datasets, or a dataset's rho across its measures and
 * key selection) in proportion to weights, without ever granting more than the cap.
 *
 * Shares are rounded DOWN from their exact proportional value, so their exact sum is <= cap. A ledger
 * that adds the shares in double precision could still round its running total above the cap by an
 * ulp, so the split also checks the left-to-right double sum and, if needed, trims the largest share
 * by single ulps until that sum fits too.
 */
import { nextDoubleDown } from './next-double';
import {
  addRationals,
  compareRationals,
  divideRationals,
  multiplyRationals,
  rational,
  rationalFromNumber,
  rationalToNumberDown,
  type Rational,
} from './rational';

export function splitBudget(cap: number, weights: readonly number[]): number[] {
  if (!(cap >= 0) || !Number.isFinite(cap)) throw new RangeError('splitBudget: cap must be a non-negative finite number');
  if (weights.length === 0) throw new RangeError('splitBudget: at least one weight is required');
  let totalWeight: Rational = rational(0);
  for (const weight of weights) {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError('splitBudget: weights must be non-negative finite numbers');
    totalWeight = addRationals(totalWeight, rationalFromNumber(weight));
  }
  if (totalWeight.numerator === 0n) throw new RangeError('splitBudget: weights must not all be zero');
  const exactCap = rationalFromNumber(cap);
  const shares = weights.map((weight) =>
    rationalToNumberDown(multiplyRationals(exactCap, divideRationals(rationalFromNumber(weight), totalWeight))),
  );
  while (doubleSum(shares) > cap) {
    let largest = 0;
    for (let index = 1; index < shares.length; index++) if (shares[index]! > shares[largest]!) largest = index;
    shares[largest] = nextDoubleDown(shares[largest]!);
  }
  if (compareRationals(exactSum(shares), exactCap) > 0) throw new Error('splitBudget: shares exceed the cap');
  return shares;
}

function doubleSum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function exactSum(values: readonly number[]): Rational {
  let total = rational(0);
  for (const value of values) total = addRationals(total, rationalFromNumber(value));
  return total;
}
