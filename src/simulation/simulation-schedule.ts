/**
 * The simulated span, cut into ticks: whole release periods of the configured kind (whatever the
 * period module offers: day, week, month, ...), each split into equal ticks. Traffic is sent tick by
 * tick, and membership changes (joins, revocations, the erasure) happen at tick boundaries.
 */
import { type Period, type PeriodGranularity, periodContaining } from '../periods/period';

export interface SimulationTick {
  /** 0-based position in the whole span. */
  index: number;
  period: Period;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** The period before `period` (the one containing the instant just before its start). */
function previousPeriod(period: Period, granularity: PeriodGranularity): Period {
  return periodContaining(new Date(period.start.getTime() - 1), granularity);
}

/**
 * The `count` most recent periods that ended at least `settleMs` before `now`, oldest first. With the
 * grace window as `settleMs` they are the periods a service could release at `now`.
 */
export function recentClosedPeriods(now: Date, granularity: PeriodGranularity, count: number, settleMs = 0): Period[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('recentClosedPeriods: count must be a positive integer');
  let period = previousPeriod(periodContaining(now, granularity), granularity);
  while (period.end.getTime() + settleMs > now.getTime()) period = previousPeriod(period, granularity);
  const periods = [period];
  while (periods.length < count) periods.unshift(previousPeriod(periods[0]!, granularity));
  return periods;
}

/** Splits each period into `ticksPerPeriod` equal ticks (periods of unequal length get ticks of unequal length). */
export function simulationTicks(periods: readonly Period[], ticksPerPeriod: number): SimulationTick[] {
  if (!Number.isInteger(ticksPerPeriod) || ticksPerPeriod < 1) throw new RangeError('simulationTicks: ticksPerPeriod must be a positive integer');
  return periods.flatMap((period, periodIndex) => {
    const start = period.start.getTime();
    const length = period.end.getTime() - start;
    return Array.from({ length: ticksPerPeriod }, (_, tick) => ({
      index: periodIndex * ticksPerPeriod + tick,
      period,
      from: new Date(start + Math.round((length * tick) / ticksPerPeriod)),
      to: new Date(start + Math.round((length * (tick + 1)) / ticksPerPeriod)),
    }));
  });
}

/** The tick in which a timeline fraction of the span (0 <= fraction < 1) falls. */
export function tickAt(fraction: number, tickCount: number): number {
  return Math.min(tickCount - 1, Math.max(0, Math.floor(fraction * tickCount)));
}
