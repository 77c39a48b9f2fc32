/**
 * Executes a release plan on one period's contribution rows: bound -> k-floor -> DP key selection ->
 * noise. This is the only place where data meets randomness; everything it needs to know about privacy
 * is in the plan (release-plan.ts), and everything random comes from the injected source.
 *
 * Order of operations (each step's privacy argument is in its own module):
 * 1. contribution bounding (L0 cells per contributor, uniformly at random; Linf / [0, C] per cell);
 * 2. per cell with >= k distinct contributors, one selection-noise draw decides release;
 * 3. per released cell, one independent noise draw per measure on the bounded total.
 * Cells below the floor consume no randomness and leave no trace in the output. Released cells are
 * returned sorted by cell key, so the output order depends only on the released set.
 */
import canonicalize from 'canonicalize';
import { createAdditiveNoiseMechanism, prepareNoise, type NoisyValue, type PreparedNoise } from './additive-noise-mechanism';
import {
  boundContributions,
  totalBoundedContributionsByCell,
  type CellTotals,
  type ContributionRow,
} from './contribution-bounding';
import { isCellSelected } from './partition-selection';
import { toRandomBitStream, type RandomBitStream } from './random-bit-stream';
import type { RandomSource } from './random-source';
import {
  noiseFromDescription,
  planDatasetRelease,
  type MeasureKind,
  type MeasurePlan,
  type ReleaseAccounting,
  type ReleasePlan,
} from './release-plan';

export interface ReleasedCell {
  readonly cell: string;
  /** One entry per measure, keyed by measure name. */
  readonly values: Readonly<Record<string, NoisyValue>>;
}

export interface CellRelease {
  readonly cells: readonly ReleasedCell[];
  /** The plan's accounting: what to charge to the budget ledger and publish as the guarantee. */
  readonly accounting: ReleaseAccounting;
}

/** A plan checked against its spec, with its noise samplers set up; reusable across releases. */
export interface PreparedRelease {
  readonly plan: ReleasePlan;
  readonly selectionNoise: PreparedNoise;
  readonly measureNoise: readonly PreparedNoise[];
}

/**
 * Re-derives the plan from `plan.spec` and refuses a plan that differs (hand-edited, or produced by a
 * different engine version): the noise actually added must be the noise that was accounted for.
 * Plans are compared in RFC 8785 canonical form, so a plan read back from a store that reorders JSON
 * keys (PostgreSQL jsonb) still matches.
 */
export function prepareRelease(plan: ReleasePlan): PreparedRelease {
  const recomputed = planDatasetRelease(plan.spec);
  if (canonicalize(recomputed) !== canonicalize(plan)) {
    throw new Error('prepareRelease: the plan does not match the plan derived from its spec; re-plan the dataset');
  }
  return {
    plan: recomputed,
    selectionNoise: prepareNoise(noiseFromDescription(recomputed.selection.noise)),
    measureNoise: recomputed.measures.map((measure) => prepareNoise(noiseFromDescription(measure.noise), measure)),
  };
}

/** Runs the release. `plan` may be a plan (checked on every call) or a `prepareRelease` result. */
export function releaseCells(
  rows: readonly ContributionRow[],
  plan: ReleasePlan | PreparedRelease,
  random: RandomSource | RandomBitStream,
): CellRelease {
  const prepared = 'selectionNoise' in plan ? plan : prepareRelease(plan);
  const { plan: checkedPlan } = prepared;
  const bits = toRandomBitStream(random);

  const bounded = boundContributions(
    rows,
    {
      maxCellsPerContributor: checkedPlan.maxCellsPerContributor,
      maxCountPerCell: boundOfKind(checkedPlan.measures, 'transfer_count'),
      maxBytesPerCell: boundOfKind(checkedPlan.measures, 'clamped_byte_sum'),
    },
    bits,
  );
  const totals = totalBoundedContributionsByCell(bounded);

  const { minContributorsPerCell: k, threshold } = checkedPlan.selection;
  const selectionSampler = prepared.selectionNoise.samplerFactory(bits);
  const mechanisms = checkedPlan.measures.map((measure, index) => ({
    name: measure.name,
    totalsOf: totalsForKind(totals, measure.kind),
    mechanism: createAdditiveNoiseMechanism(prepared.measureNoise[index]!, bits),
  }));

  const released: ReleasedCell[] = [];
  for (let cell = 0; cell < totals.cellKeys.length; cell++) {
    const contributors = totals.distinctContributors[cell]!;
    if (contributors < k) continue; // k-anonymity floor: no noise drawn, nothing recorded
    if (!isCellSelected(contributors, selectionSampler.sample(), threshold, k)) continue;
    // fromEntries defines own properties, so no measure name (not even "__proto__") can misbehave.
    const values = Object.fromEntries(
      mechanisms.map(({ name, totalsOf, mechanism }): [string, NoisyValue] => [name, mechanism.release(totalsOf[cell]!)]),
    );
    released.push({ cell: totals.cellKeys[cell]!, values });
  }
  released.sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
  return { cells: released, accounting: checkedPlan.accounting };
}

/** The bound of the dataset's measure of this kind, or 0 when it has none (the value is then unused). */
function boundOfKind(measures: readonly MeasurePlan[], kind: MeasureKind): number {
  return measures.find((measure) => measure.kind === kind)?.maxPerContributorPerCell ?? 0;
}

function totalsForKind(totals: CellTotals, kind: MeasureKind): Float64Array {
  switch (kind) {
    case 'transfer_count':
      return totals.boundedCount;
    case 'clamped_byte_sum':
      return totals.boundedBytes;
    case 'distinct_organizations':
      return totals.distinctContributors;
  }
}
