/**
 * The approximate-DP test of google/differential-privacy's StatisticalTestsUtil: run a mechanism n times
 * on each of two neighbouring inputs, histogram the outputs, and estimate
 *   T(A, B) = sum over outputs o of max(0, (cA(o) - e^epsilon cB(o)) / n),
 * the smallest delta for which the empirical distributions satisfy (epsilon, delta)-DP on every set of
 * outputs (the worst set is {o : cA(o) > e^epsilon cB(o)}). The mechanism passes iff
 * max(T(A, B), T(B, A)) <= delta + tolerance; a correct mechanism's T is sampling noise around a value
 * <= delta, a mechanism with too little noise has a T far above it.
 */

export type Output = string | number;

export function histogram(outputs: Iterable<Output>): Map<Output, number> {
  const counts = new Map<Output, number>();
  for (const output of outputs) counts.set(output, (counts.get(output) ?? 0) + 1);
  return counts;
}

/** max(T(A, B), T(B, A)) for equal-sized runs. */
export function approximateDpStatistic(outputsA: readonly Output[], outputsB: readonly Output[], epsilon: number): number {
  if (outputsA.length !== outputsB.length) throw new Error('runs must have the same size');
  const n = outputsA.length;
  const a = histogram(outputsA);
  const b = histogram(outputsB);
  return Math.max(oneSided(a, b, n, epsilon), oneSided(b, a, n, epsilon));
}

function oneSided(first: Map<Output, number>, second: Map<Output, number>, n: number, epsilon: number): number {
  const factor = Math.exp(epsilon);
  let total = 0;
  for (const [output, count] of first) total += Math.max(0, (count - factor * (second.get(output) ?? 0)) / n);
  return total;
}

/** Runs `mechanism` n times on each input and returns the statistic. */
export function runApproximateDpTest<I>(
  mechanism: (input: I) => Output,
  inputA: I,
  inputB: I,
  runs: number,
  epsilon: number,
): number {
  const outputsA: Output[] = new Array(runs);
  const outputsB: Output[] = new Array(runs);
  for (let i = 0; i < runs; i++) {
    outputsA[i] = mechanism(inputA);
    outputsB[i] = mechanism(inputB);
  }
  const statistic = approximateDpStatistic(outputsA, outputsB, epsilon);
  if (process.env['DP_TEST_VERBOSE'] === '1') console.log(`approximate-DP statistic ${statistic.toFixed(5)} (n = ${runs})`);
  return statistic;
}
