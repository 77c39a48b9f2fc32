/**
 * Contribution bounding: property tests (fast-check) that no contributor ever exceeds L0 cells or the
 * per-cell caps, that totals never increase, and a chi-square test that the L0 cells kept are a uniform
 * random subset of the contributor's cells (not the first ones in storage order).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundContributions,
  createSeededRandomSource,
  RandomBitStream,
  totalBoundedContributionsByCell,
  type ContributionRow,
} from '../../src/privacy';
import { chiSquareForCategories } from './chi-square';

const rowArbitrary = fc.record({
  contributor: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
  cell: fc.constantFrom('x', 'y', 'z', 'u', 'v', 'w', 'p', 'q'),
  count: fc.nat({ max: 1_000 }),
  bytes: fc.nat({ max: 10_000_000 }),
});
const boundsArbitrary = fc.record({
  maxCellsPerContributor: fc.integer({ min: 1, max: 5 }),
  maxCountPerCell: fc.integer({ min: 1, max: 50 }),
  maxBytesPerCell: fc.integer({ min: 1, max: 1_000_000 }),
});

describe('boundContributions', () => {
  it('keeps at most L0 distinct cells per contributor, caps counts at Linf and clamps bytes to [0, C]', () => {
    fc.assert(
      fc.property(fc.array(rowArbitrary, { maxLength: 60 }), boundsArbitrary, fc.integer(), (rows, bounds, seed) => {
        const bounded = boundContributions(rows, bounds, createSeededRandomSource(seed));
        const cellsOf = new Map<number, Set<number>>();
        for (let i = 0; i < bounded.keptLength; i++) {
          const cells = cellsOf.get(bounded.keptContributor[i]!) ?? new Set<number>();
          expect(cells.has(bounded.keptCell[i]!)).toBe(false); // each (contributor, cell) at most once
          cells.add(bounded.keptCell[i]!);
          cellsOf.set(bounded.keptContributor[i]!, cells);
          expect(bounded.keptCount[i]).toBeGreaterThanOrEqual(0);
          expect(bounded.keptCount[i]).toBeLessThanOrEqual(bounds.maxCountPerCell);
          expect(bounded.keptBytes[i]).toBeGreaterThanOrEqual(0);
          expect(bounded.keptBytes[i]).toBeLessThanOrEqual(bounds.maxBytesPerCell);
        }
        for (const cells of cellsOf.values()) expect(cells.size).toBeLessThanOrEqual(bounds.maxCellsPerContributor);
      }),
    );
  });

  it('keeps min(L0, distinct cells) per contributor, with the merged (duplicates summed) values, capped', () => {
    fc.assert(
      fc.property(fc.array(rowArbitrary, { maxLength: 60 }), boundsArbitrary, fc.integer(), (rows, bounds, seed) => {
        const merged = new Map<string, Map<string, { count: number; bytes: number }>>();
        for (const row of rows) {
          const cells = merged.get(row.contributor) ?? new Map<string, { count: number; bytes: number }>();
          const current = cells.get(row.cell) ?? { count: 0, bytes: 0 };
          cells.set(row.cell, { count: current.count + row.count, bytes: current.bytes + row.bytes });
          merged.set(row.contributor, cells);
        }
        const bounded = boundContributions(rows, bounds, createSeededRandomSource(seed));
        const contributorNames = [...new Set(rows.map((row) => row.contributor))]; // interned in first-seen order
        const keptPerContributor = new Map<string, number>();
        for (let i = 0; i < bounded.keptLength; i++) {
          const contributor = contributorNames[bounded.keptContributor[i]!]!;
          const cell = bounded.cellKeys[bounded.keptCell[i]!]!;
          const raw = merged.get(contributor)!.get(cell)!;
          expect(bounded.keptCount[i]).toBe(Math.min(raw.count, bounds.maxCountPerCell));
          expect(bounded.keptBytes[i]).toBe(Math.min(raw.bytes, bounds.maxBytesPerCell));
          keptPerContributor.set(contributor, (keptPerContributor.get(contributor) ?? 0) + 1);
        }
        for (const [contributor, cells] of merged) {
          expect(keptPerContributor.get(contributor) ?? 0).toBe(Math.min(cells.size, bounds.maxCellsPerContributor));
        }
      }),
    );
  });

  it('never increases a cell total or the distinct-contributor count', () => {
    fc.assert(
      fc.property(fc.array(rowArbitrary, { maxLength: 60 }), boundsArbitrary, fc.integer(), (rows, bounds, seed) => {
        const totals = totalBoundedContributionsByCell(boundContributions(rows, bounds, createSeededRandomSource(seed)));
        totals.cellKeys.forEach((cell, index) => {
          const inCell = rows.filter((row) => row.cell === cell);
          expect(totals.boundedCount[index]).toBeLessThanOrEqual(inCell.reduce((sum, row) => sum + row.count, 0));
          expect(totals.boundedBytes[index]).toBeLessThanOrEqual(inCell.reduce((sum, row) => sum + row.bytes, 0));
          expect(totals.distinctContributors[index]).toBeLessThanOrEqual(new Set(inCell.map((row) => row.contributor)).size);
        });
      }),
    );
  });

  /** Counts how often each pair of the 5 cells is kept with L0 = 2, over many runs of `keep`. */
  const keptPairFrequencies = (keep: (rows: readonly ContributionRow[]) => number[]): number[] => {
    const rows: ContributionRow[] = ['c1', 'c2', 'c3', 'c4', 'c5'].map((cell) => ({ contributor: 'org', cell, count: 1, bytes: 1 }));
    const allPairs: string[] = [];
    for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) allPairs.push(`${i},${j}`);
    const counts = new Map(allPairs.map((pair) => [pair, 0]));
    for (let trial = 0; trial < 50_000; trial++) {
      const key = keep(rows).sort().join(',');
      counts.set(key, counts.get(key)! + 1);
    }
    return [...counts.values()];
  };

  it('chooses the L0 kept cells uniformly at random (chi-square over the 10 possible pairs of 5 cells)', () => {
    const bits = new RandomBitStream(createSeededRandomSource(77));
    const frequencies = keptPairFrequencies((rows) => {
      const bounded = boundContributions(rows, { maxCellsPerContributor: 2, maxCountPerCell: 1, maxBytesPerCell: 1 }, bits);
      return [bounded.keptCell[0]!, bounded.keptCell[1]!];
    });
    const result = chiSquareForCategories(frequencies, new Array(10).fill(0.1));
    expect(result.statistic).toBeLessThan(result.criticalValue);
  });

  it('the uniformity test has power: keeping the first L0 cells in storage order fails it', () => {
    const frequencies = keptPairFrequencies(() => [0, 1]).map((count) => count + 1); // +1: no empty category
    const result = chiSquareForCategories(frequencies, new Array(10).fill(0.1));
    expect(result.statistic).toBeGreaterThan(result.criticalValue);
  });

  it('rejects rows whose counters are not non-negative safe integers', () => {
    const random = createSeededRandomSource(1);
    const bounds = { maxCellsPerContributor: 1, maxCountPerCell: 1, maxBytesPerCell: 1 };
    expect(() => boundContributions([{ contributor: 'a', cell: 'x', count: 1.5, bytes: 0 }], bounds, random)).toThrow(TypeError);
    expect(() => boundContributions([{ contributor: 'a', cell: 'x', count: 1, bytes: -1 }], bounds, random)).toThrow(TypeError);
    expect(() => boundContributions([{ contributor: 'a', cell: 'x', count: Number.NaN, bytes: 0 }], bounds, random)).toThrow(TypeError);
  });
});
