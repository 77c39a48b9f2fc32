/**
 * Release periods: ids, parsing and boundaries of every kind, with quarters (the default) in
 * detail, and the count of period starts any 12 months can hold, which the yearly budget divides by.
 */
import { describe, expect, it } from 'vitest';
import {
  addCalendarYear,
  maxPeriodsPerYear,
  PERIOD_GRANULARITIES,
  PERIOD_ID_EXAMPLES,
  parseAnyPeriodId,
  parsePeriodId,
  periodContaining,
  periodsBetween,
} from '../../src/periods/period';

const at = (iso: string) => new Date(iso);

describe('quarters', () => {
  it('names the calendar quarter containing an instant (UTC)', () => {
    expect(periodContaining(at('2026-11-26T12:00:00Z'), 'quarter')).toEqual({
      id: '2026-Q4',
      start: at('2026-10-01T00:00:00Z'),
      end: at('2027-01-01T00:00:00Z'),
    });
    expect(periodContaining(at('2026-01-01T00:00:00Z'), 'quarter').id).toBe('2026-Q1');
    expect(periodContaining(at('2026-03-31T23:59:59.999Z'), 'quarter').id).toBe('2026-Q1');
    expect(periodContaining(at('2026-04-01T00:00:00Z'), 'quarter').id).toBe('2026-Q2');
    expect(periodContaining(at('2026-06-30T23:59:59.999Z'), 'quarter')).toMatchObject({ id: '2026-Q2', end: at('2026-07-01T00:00:00Z') });
    expect(periodContaining(at('2026-07-01T00:00:00Z'), 'quarter').id).toBe('2026-Q3');
    expect(periodContaining(at('2026-12-31T23:59:59.999Z'), 'quarter').id).toBe('2026-Q4');
  });

  it('is UTC: a local time near a boundary counts by its UTC instant', () => {
    expect(periodContaining(at('2026-03-31T23:30:00-01:00'), 'quarter').id).toBe('2026-Q2');
    expect(periodContaining(at('2026-04-01T00:30:00+02:00'), 'quarter').id).toBe('2026-Q1');
  });

  it('parses its own ids and nothing else', () => {
    for (const id of ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2026-Q4']) {
      const period = parsePeriodId(id, 'quarter');
      expect(period?.id, id).toBe(id);
      expect(periodContaining(period!.start, 'quarter')).toEqual(period);
    }
    for (const id of ['2026-Q0', '2026-Q5', '2026-q4', '2026Q4', '2026-Q04', '2026-11', '2026-W48', '', 'Q4-2026']) {
      expect(parsePeriodId(id, 'quarter'), id).toBeUndefined();
    }
  });

  it('lists the quarters whose start lies in a range, in order, across a year boundary', () => {
    expect(periodsBetween(at('2026-07-01T00:00:00Z'), at('2027-04-01T00:00:00Z'), 'quarter').map((period) => period.id)).toEqual([
      '2026-Q3',
      '2026-Q4',
      '2027-Q1',
    ]);
    // A quarter that started before `from` is not in the range.
    expect(periodsBetween(at('2026-08-15T00:00:00Z'), at('2027-01-01T00:00:00Z'), 'quarter').map((period) => period.id)).toEqual(['2026-Q4']);
  });
});

describe('every period kind', () => {
  it('round-trips ids and tiles time without gaps or overlaps', () => {
    for (const granularity of PERIOD_GRANULARITIES) {
      expect(parsePeriodId(PERIOD_ID_EXAMPLES[granularity], granularity)?.id, granularity).toBe(PERIOD_ID_EXAMPLES[granularity]);
      let period = periodContaining(at('2023-12-20T00:00:00Z'), granularity);
      for (let step = 0; step < 60; step += 1) {
        const next = periodContaining(period.end, granularity);
        expect(next.start, `${granularity} after ${period.id}`).toEqual(period.end);
        expect(parsePeriodId(next.id, granularity)).toEqual(next);
        period = next;
      }
    }
  });

  it('parses an id of any kind without confusing kinds', () => {
    expect(parseAnyPeriodId('2026-Q4')?.start).toEqual(at('2026-10-01T00:00:00Z'));
    expect(parseAnyPeriodId('2026-11')?.end).toEqual(at('2026-12-01T00:00:00Z'));
    expect(parseAnyPeriodId('2026-W48')?.start).toEqual(at('2026-11-23T00:00:00Z'));
    expect(parseAnyPeriodId('2026-11-26')?.end).toEqual(at('2026-11-27T00:00:00Z'));
    expect(parseAnyPeriodId('chain-guard:x')).toBeUndefined();
  });

  it('maxPeriodsPerYear is the most period starts any 12 calendar months hold, and that many do occur', () => {
    // Every window [s, s + 12 months) starting at any midnight over four years, leap year included.
    for (const granularity of PERIOD_GRANULARITIES) {
      let most = 0;
      for (let day = 0; day < 4 * 366; day += 1) {
        const from = new Date(Date.UTC(2023, 0, 1) + day * 86_400_000);
        const starts = periodsBetween(from, addCalendarYear(from), granularity).length;
        most = Math.max(most, starts);
      }
      expect(most, granularity).toBe(maxPeriodsPerYear(granularity));
    }
    expect(PERIOD_GRANULARITIES.map(maxPeriodsPerYear)).toEqual([366, 53, 12, 4]);
  });
});
