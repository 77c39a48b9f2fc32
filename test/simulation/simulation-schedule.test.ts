/**
 * The simulated span follows the configured period kind: whole periods that a service could release
 * now, cut into ticks that cover them exactly.
 */
import { describe, expect, it } from 'vitest';
import { type PeriodGranularity, periodContaining } from '../../src/periods/period';
import { recentClosedPeriods, simulationTicks, tickAt } from '../../src/simulation/simulation-schedule';

const NOW = new Date('2026-11-29T10:00:00Z'); // a Sunday, in ISO week 2026-W48
const HOUR = 3_600_000;

describe('simulation schedule', () => {
  it.each<[PeriodGranularity, string[]]>([
    ['week', ['2026-W45', '2026-W46', '2026-W47']],
    ['month', ['2026-08', '2026-09', '2026-10']],
    ['day', ['2026-11-24', '2026-11-25', '2026-11-26']],
  ])('takes the most recent %s periods whose grace window has passed', (granularity, expected) => {
    const periods = recentClosedPeriods(NOW, granularity, 3, 48 * HOUR);
    expect(periods.map((period) => period.id)).toEqual(expected);
    for (const period of periods) expect(period.end.getTime() + 48 * HOUR).toBeLessThanOrEqual(NOW.getTime());
    // Consecutive: each period starts where the previous one ended.
    for (let index = 1; index < periods.length; index += 1) expect(periods[index]!.start).toEqual(periods[index - 1]!.end);
  });

  it('without a grace window, ends with the period before the current one', () => {
    const current = periodContaining(NOW, 'month');
    expect(recentClosedPeriods(NOW, 'month', 1).at(-1)!.end).toEqual(current.start);
  });

  it('cuts periods into ticks that cover them exactly, and maps timeline fractions to ticks', () => {
    const periods = recentClosedPeriods(NOW, 'month', 2); // September (30 days) and October (31 days)
    const ticks = simulationTicks(periods, 3);
    expect(ticks.map((tick) => tick.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ticks[0]!.from).toEqual(periods[0]!.start);
    expect(ticks.at(-1)!.to).toEqual(periods.at(-1)!.end);
    for (let index = 1; index < ticks.length; index += 1) expect(ticks[index]!.from).toEqual(ticks[index - 1]!.to);
    expect(ticks.filter((tick) => tick.period.id === periods[1]!.id)).toHaveLength(3);
    expect([0, 0.17, 0.5, 0.999, 1].map((fraction) => tickAt(fraction, ticks.length))).toEqual([0, 1, 3, 5, 5]);
  });
});
