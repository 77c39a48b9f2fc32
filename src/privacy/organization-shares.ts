/**
 * Per-organization shares: each organization contributes, per GROUP it appears in, its own
 * distribution over the categories of the group (the share dimension's values), so that one
 * organization moves the released sums by a fixed amount whatever its volume.
 *
 * A group is a set of keys that differ only in the share dimension (the key without that
 * dimension). For an organization with transfers a_1 .. a_C in the C keys of a group (T = sum > 0),
 * its contribution to key c is a_c / T, on an integer grid of G units per organization:
 *
 *   units_c = floor(G a_c / T), plus one unit for the G - sum floor(...) largest remainders
 *
 * (largest-remainder apportionment), so the parts are integers >= 0 that sum to EXACTLY G. Hence
 * per group the organization's vector has L1 norm G and L2 norm <= G (sum u_c^2 <= (sum u_c)^2 for
 * u_c >= 0). Each organization contributes to at most L0 groups (maxGroupsPerContributor), chosen
 * uniformly at random when it has more (a partial Fisher-Yates shuffle on the injected random
 * source, as for the key bound), so over all groups:
 *
 *   L1 sensitivity = L0 * G,   L2 sensitivity = sqrt(L0) * G.
 *
 * The share-sums are integers, so exact integer noise calibrated to those sensitivities gives the
 * stated zCDP / pure-DP cost exactly. The counts used are the organization's transfers before the
 * key bounds (no per-key cap: the share is already bounded, whatever the volume); rows outside the
 * declared key space are dropped by the caller first.
 *
 * Summed over a group's keys, each kept organization adds exactly G units, so the group's
 * organization count is (sum of the group's share-sums) / G, and its noisy version is the sum of the
 * noisy share-sums: post-processing, no extra cost.
 */
import { RandomBitStream, toRandomBitStream } from './random-bit-stream';
import type { RandomSource } from './random-source';
import type { ContributionRow } from './contribution-bounding';

export interface ShareBounds {
  /** L0 of the share measure: the most groups one organization contributes a distribution to. */
  readonly maxGroupsPerContributor: number;
  /** G: grid units one organization's distribution in a group is apportioned into. */
  readonly gridUnits: number;
}

/**
 * Splits `gridUnits` over categories in proportion to `counts` (non-negative safe integers with a
 * positive sum), by largest remainders: integers >= 0 summing to exactly `gridUnits`. Ties between
 * equal remainders go to the earlier category, so the result depends only on the counts.
 */
export function apportionShares(counts: readonly number[], gridUnits: number): number[] {
  if (!Number.isSafeInteger(gridUnits) || gridUnits < 1) throw new RangeError('gridUnits must be a positive safe integer');
  let total = 0;
  for (const count of counts) {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError('counts must be non-negative safe integers');
    total += count;
  }
  if (!(total > 0) || !Number.isSafeInteger(total)) throw new RangeError('counts must have a positive safe-integer sum');
  const exact = counts.every((count) => Number.isSafeInteger(count * gridUnits));
  const bigTotal = BigInt(total);
  const units: number[] = [];
  const remainders: (number | bigint)[] = [];
  let assigned = 0;
  for (const count of counts) {
    if (exact) {
      const scaled = count * gridUnits;
      units.push(Math.floor(scaled / total));
      remainders.push(scaled % total);
    } else {
      const scaled = BigInt(count) * BigInt(gridUnits);
      units.push(Number(scaled / bigTotal));
      remainders.push(scaled % bigTotal);
    }
    assigned += units[units.length - 1]!;
  }
  const order = counts.map((_, index) => index);
  order.sort((a, b) => {
    const ra = remainders[a]!;
    const rb = remainders[b]!;
    return ra > rb ? -1 : ra < rb ? 1 : a - b;
  });
  for (let extra = 0; extra < gridUnits - assigned; extra += 1) units[order[extra]!]! += 1;
  return units;
}

/**
 * The share-sums per key in grid units: for every organization, its distribution in each of at most
 * L0 of its groups (chosen uniformly at random), apportioned onto the grid and summed per key.
 * `groupOf` maps every declared key to its group; rows whose key it does not know are ignored.
 */
export function shareSumsByKey(
  rows: readonly ContributionRow[],
  groupOf: ReadonlyMap<string, string>,
  bounds: ShareBounds,
  random: RandomSource | RandomBitStream,
): Map<string, number> {
  const { maxGroupsPerContributor, gridUnits } = bounds;
  if (!Number.isSafeInteger(maxGroupsPerContributor) || maxGroupsPerContributor < 1) throw new RangeError('maxGroupsPerContributor must be a positive integer');
  const bits = toRandomBitStream(random);
  // contributor -> group -> key -> transfers (duplicates merged).
  const byContributor = new Map<string, Map<string, Map<string, number>>>();
  for (const row of rows) {
    const group = groupOf.get(row.cell);
    if (group === undefined || row.count === 0) continue;
    if (!Number.isSafeInteger(row.count) || row.count < 0) throw new TypeError('contribution counts must be non-negative safe integers');
    let groups = byContributor.get(row.contributor);
    if (!groups) byContributor.set(row.contributor, (groups = new Map()));
    let keys = groups.get(group);
    if (!keys) groups.set(group, (keys = new Map()));
    keys.set(row.cell, (keys.get(row.cell) ?? 0) + row.count);
  }
  const sums = new Map<string, number>();
  for (const groups of byContributor.values()) {
    const chosen = [...groups.values()];
    const keep = Math.min(chosen.length, maxGroupsPerContributor);
    if (chosen.length > maxGroupsPerContributor) {
      // Partial Fisher-Yates: the first `keep` entries become a uniformly random subset.
      for (let i = 0; i < keep; i += 1) {
        const j = i + bits.uniformBelow(chosen.length - i);
        [chosen[i], chosen[j]] = [chosen[j]!, chosen[i]!];
      }
    }
    for (let i = 0; i < keep; i += 1) {
      const keys = [...chosen[i]!.keys()].sort();
      const units = apportionShares(keys.map((key) => chosen[i]!.get(key)!), gridUnits);
      keys.forEach((key, index) => {
        if (units[index]! > 0) sums.set(key, (sums.get(key) ?? 0) + units[index]!);
      });
    }
  }
  for (const total of sums.values()) if (!Number.isSafeInteger(total)) throw new RangeError('a share-sum exceeds 2^53 - 1');
  return sums;
}
