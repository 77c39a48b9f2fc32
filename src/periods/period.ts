/**
 * Release periods. Event times are generalized to the period that contains them (UTC), which is
 * also the unit of collection, release and privacy budget. ISO weeks are the default.
 */
export type PeriodGranularity = 'day' | 'week' | 'month';

export interface Period {
  id: string;
  start: Date;
  /** Exclusive. */
  end: Date;
}

const DAY_MS = 86_400_000;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** ISO 8601 week: weeks start on Monday; week 1 contains the year's first Thursday. */
function isoWeekOf(instant: Date): Period {
  const midnight = Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate());
  const mondayBased = (new Date(midnight).getUTCDay() + 6) % 7;
  const monday = midnight - mondayBased * DAY_MS;
  const thursday = new Date(monday + 3 * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * DAY_MS)) + 1;
  return { id: `${isoYear}-W${pad(week)}`, start: new Date(monday), end: new Date(monday + 7 * DAY_MS) };
}

export function periodContaining(instant: Date, granularity: PeriodGranularity): Period {
  switch (granularity) {
    case 'week':
      return isoWeekOf(instant);
    case 'day': {
      const start = Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate());
      return {
        id: `${instant.getUTCFullYear()}-${pad(instant.getUTCMonth() + 1)}-${pad(instant.getUTCDate())}`,
        start: new Date(start),
        end: new Date(start + DAY_MS),
      };
    }
    case 'month': {
      const year = instant.getUTCFullYear();
      const month = instant.getUTCMonth();
      return {
        id: `${year}-${pad(month + 1)}`,
        start: new Date(Date.UTC(year, month, 1)),
        end: new Date(Date.UTC(year, month + 1, 1)),
      };
    }
  }
}

const PERIOD_PATTERNS: Record<PeriodGranularity, RegExp> = {
  week: /^(\d{4})-W(\d{2})$/,
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
};

/** Parses a period id of the given granularity; returns undefined when it is not one. */
export function parsePeriodId(id: string, granularity: PeriodGranularity): Period | undefined {
  const match = PERIOD_PATTERNS[granularity].exec(id);
  if (!match) return undefined;
  const [year, second, third] = match.slice(1).map(Number) as [number, number, number | undefined];
  let probe: Date;
  if (granularity === 'week') {
    // January 4th is always in ISO week 1.
    const weekOne = isoWeekOf(new Date(Date.UTC(year, 0, 4)));
    probe = new Date(weekOne.start.getTime() + (second - 1) * 7 * DAY_MS);
  } else if (granularity === 'day') {
    probe = new Date(Date.UTC(year, second - 1, third));
  } else {
    probe = new Date(Date.UTC(year, second - 1, 1));
  }
  const period = periodContaining(probe, granularity);
  return period.id === id ? period : undefined;
}

/** The periods whose start lies in [from, to), oldest first. */
export function periodsBetween(from: Date, to: Date, granularity: PeriodGranularity): Period[] {
  const periods: Period[] = [];
  let current = periodContaining(from, granularity);
  while (current.start < to) {
    periods.push(current);
    current = periodContaining(current.end, granularity);
  }
  return periods;
}
