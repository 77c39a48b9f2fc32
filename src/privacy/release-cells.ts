/**
 * Executes a release plan on one period's contribution rows. This is the only place where data meets
 * randomness; everything it needs to know about privacy is in the plan (release-plan.ts), and
 * everything random comes from the injected source.
 *
 * Public keys (the default of every shipped spec): bound -> noise every key -> suppress on the noisy count.
 * 1. rows outside the declared key space are dropped (they cannot be published), then contribution
 *    bounding (L0 keys per contributor, uniformly at random; Linf / [0, C] per key);
 * 2. for EVERY declared key, contributed to or not, one independent noise draw per measure on the
 *    bounded total (0 when nobody contributed). The set of rows is fixed by the declaration, so it
 *    reveals nothing;
 * 3. status: `suppressed` (fewer_than_k_organizations) when the noisy distinct-organization count is
 *    below k, else `published`. This reads only noisy output: post-processing, no privacy cost.
 * With an organization_share measure, step 1 also computes each organization's distribution per group
 * (organization-shares.ts, its own L0 on groups, from the declared rows before the key bounds), step 2
 * noises every key's share-sum like any measure, and each key gets a `shareStatus`: its group's, decided
 * on the group's noisy organization count (the sum of the group's noisy share-sums / G) against k.
 *
 * Private keys: bound -> k-floor -> DP key selection -> noise.
 * 1. contribution bounding as above;
 * 2. per cell with >= k distinct contributors, one selection-noise draw decides release;
 * 3. per released cell, one independent noise draw per measure on the bounded total.
 * Cells below the floor consume no randomness and leave no trace in the output.
 *
 * Cells are returned sorted by cell key, so the output order depends only on the released set.
 */
import canonicalize from 'canonicalize';
import { createAdditiveNoiseMechanism, prepareNoise, type NoisyValue, type PreparedNoise } from './additive-noise-mechanism';
import {
  boundContributions,
  totalBoundedContributionsByCell,
  type CellTotals,
  type ContributionRow,
} from './contribution-bounding';
import { shareSumsByKey } from './organization-shares';
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

export type CellStatus = 'published' | 'suppressed';
export type SuppressionReason = 'fewer_than_k_organizations';

export interface ReleasedCell {
  readonly cell: string;
  /** One entry per measure, keyed by measure name: the unprocessed noisy measurement. */
  readonly values: Readonly<Record<string, NoisyValue>>;
  /** Private keys: always published (unselected cells are absent). Public keys: decided on the noisy count. */
  readonly status: CellStatus;
  readonly suppressionReason?: SuppressionReason;
  /**
   * Only with an organization_share measure: the status of the key's share, decided per group on the
   * group's noisy organization count (the sum of its keys' noisy share-sums / G), which is below k
   * for a suppressed group. A key's share may be published while its own counts are suppressed.
   */
  readonly shareStatus?: CellStatus;
}

export interface ReleaseCellsOptions {
  /** The declared key space; required for a public-keys plan, refused for a private one. */
  readonly publicKeys?: readonly string[];
  /** With an organization_share measure: every declared key's group (the key without the share dimension). */
  readonly shareGroups?: ReadonlyMap<string, string>;
}

export interface CellRelease {
  readonly cells: readonly ReleasedCell[];
  /** The plan's accounting: what to charge to the budget ledger and publish as the guarantee. */
  readonly accounting: ReleaseAccounting;
}

/** A plan checked against its spec, with its noise samplers set up; reusable across releases. */
export interface PreparedRelease {
  readonly plan: ReleasePlan;
  /** Private keys only. */
  readonly selectionNoise: PreparedNoise | null;
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
    selectionNoise: recomputed.selection ? prepareNoise(noiseFromDescription(recomputed.selection.noise)) : null,
    measureNoise: recomputed.measures.map((measure) => prepareNoise(noiseFromDescription(measure.noise), measure)),
  };
}

/** Runs the release. `plan` may be a plan (checked on every call) or a `prepareRelease` result. */
export function releaseCells(
  rows: readonly ContributionRow[],
  plan: ReleasePlan | PreparedRelease,
  random: RandomSource | RandomBitStream,
  options: ReleaseCellsOptions = {},
): CellRelease {
  const prepared = 'selectionNoise' in plan ? plan : prepareRelease(plan);
  const { plan: checkedPlan } = prepared;
  const bits = toRandomBitStream(random);
  const { publicKeys } = options;
  if (checkedPlan.keys === 'public' && publicKeys === undefined) throw new TypeError('releaseCells: a public-keys plan needs the declared key space');
  if (checkedPlan.keys === 'private' && publicKeys !== undefined) throw new TypeError('releaseCells: a private-keys plan selects its keys from the data');
  let keySpace: Set<string> | undefined;
  if (publicKeys !== undefined) {
    keySpace = new Set(publicKeys);
    if (keySpace.size !== publicKeys.length) throw new TypeError('releaseCells: the declared key space lists a key twice');
  }

  const declaredRows = keySpace === undefined ? rows : rows.filter((row) => keySpace.has(row.cell));
  const bounded = boundContributions(
    declaredRows,
    {
      maxCellsPerContributor: checkedPlan.maxCellsPerContributor,
      maxCountPerCell: boundOfKind(checkedPlan.measures, 'transfer_count'),
      maxBytesPerCell: boundOfKind(checkedPlan.measures, 'clamped_byte_sum'),
    },
    bits,
  );
  const totals = totalBoundedContributionsByCell(bounded);
  const sharePlan = checkedPlan.measures.find((measure) => measure.kind === 'organization_share');
  const { shareGroups } = options;
  if (sharePlan && (shareGroups === undefined || publicKeys === undefined || publicKeys.some((key) => !shareGroups.has(key)))) {
    throw new TypeError('releaseCells: an organization_share plan needs the group of every declared key');
  }
  // Shares read the rows in the key space before the key bounds (they have their own group bound).
  const shareSums =
    sharePlan && shareGroups
      ? shareSumsByKey(
          declaredRows,
          shareGroups,
          { maxGroupsPerContributor: sharePlan.maxGroupsPerContributor!, gridUnits: sharePlan.maxPerContributorPerCell },
          bits,
        )
      : new Map<string, number>();
  /** A measure's total in a cell (by index among the bounded cells; undefined when nobody kept it) or key. */
  const totalOf = (measure: MeasurePlan): ((cell: number | undefined, key: string) => number) => {
    if (measure.kind === 'organization_share') return (_cell, key) => shareSums.get(key) ?? 0;
    const byCell = totalsForKind(totals, measure.kind);
    return (cell) => (cell === undefined ? 0 : byCell[cell]!);
  };
  const mechanisms = checkedPlan.measures.map((measure, index) => ({
    name: measure.name,
    totalOf: totalOf(measure),
    mechanism: createAdditiveNoiseMechanism(prepared.measureNoise[index]!, bits),
  }));
  const noisyValues = (cell: number | undefined, key: string): Record<string, NoisyValue> =>
    // fromEntries defines own properties, so no measure name (not even "__proto__") can misbehave.
    Object.fromEntries(mechanisms.map(({ name, totalOf, mechanism }): [string, NoisyValue] => [name, mechanism.release(totalOf(cell, key))]));

  if (publicKeys !== undefined) {
    const suppression = checkedPlan.suppression!;
    const indexOfKey = new Map(totals.cellKeys.map((key, index) => [key, index]));
    // Every declared key, in a fixed order, whether or not anyone contributed: the rows and the
    // randomness drawn per row do not depend on the data.
    const cells = [...publicKeys].sort(compareKeys).map((key): ReleasedCell => {
      const values = noisyValues(indexOfKey.get(key), key);
      return values[suppression.measure]!.value < suppression.minNoisyOrganizations
        ? { cell: key, values, status: 'suppressed', suppressionReason: suppression.reason }
        : { cell: key, values, status: 'published' };
    });
    if (!sharePlan || !shareGroups) return { cells, accounting: checkedPlan.accounting };
    // The group's noisy organization count: its noisy share-sums added up, in organizations (post-processing).
    const groupUnits = new Map<string, number>();
    for (const cell of cells) {
      const group = shareGroups.get(cell.cell)!;
      groupUnits.set(group, (groupUnits.get(group) ?? 0) + cell.values[sharePlan.name]!.value);
    }
    const floorUnits = suppression.minNoisyOrganizations * sharePlan.maxPerContributorPerCell;
    return {
      cells: cells.map((cell) => ({ ...cell, shareStatus: groupUnits.get(shareGroups.get(cell.cell)!)! < floorUnits ? 'suppressed' : 'published' })),
      accounting: checkedPlan.accounting,
    };
  }

  const { minContributorsPerCell: k, threshold } = checkedPlan.selection!;
  const selectionSampler = prepared.selectionNoise!.samplerFactory(bits);

  const released: ReleasedCell[] = [];
  for (let cell = 0; cell < totals.cellKeys.length; cell++) {
    const contributors = totals.distinctContributors[cell]!;
    if (contributors < k) continue; // k-anonymity floor: no noise drawn, nothing recorded
    if (!isCellSelected(contributors, selectionSampler.sample(), threshold, k)) continue;
    released.push({ cell: totals.cellKeys[cell]!, values: noisyValues(cell, totals.cellKeys[cell]!), status: 'published' });
  }
  released.sort((a, b) => compareKeys(a.cell, b.cell));
  return { cells: released, accounting: checkedPlan.accounting };
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The bound of the dataset's measure of this kind, or 0 when it has none (the value is then unused). */
function boundOfKind(measures: readonly MeasurePlan[], kind: MeasureKind): number {
  return measures.find((measure) => measure.kind === kind)?.maxPerContributorPerCell ?? 0;
}

function totalsForKind(totals: CellTotals, kind: Exclude<MeasureKind, 'organization_share'>): Float64Array {
  switch (kind) {
    case 'transfer_count':
      return totals.boundedCount;
    case 'clamped_byte_sum':
      return totals.boundedBytes;
    case 'distinct_organizations':
      return totals.distinctContributors;
  }
}
