/**
 * Release periods. Event times are generalized to the period that contains them (UTC), which is
 * also the unit of collection, release and privacy budget. Calendar quarters are the default
 * (PERIOD in config.ts); ISO weeks, months and days stay available.
 */
export const PERIOD_GRANULARITIES = ['day', 'week', 'month', 'quarter'] as const;

export type PeriodGranularity = (typeof PERIOD_GRANULARITIES)[number];

export interface Period {
  id: string;
  start: Date;
  /** Exclusive. */
  end: Date;
}

const DAY_MS = 86_400_000;

/** One id of each kind, for messages that say what a valid id looks like. */
export const PERIOD_ID_EXAMPLES: Record<PeriodGranularity, string> = {
  day: '2026-11-26',
  week: '2026-W48',
  month: '2026-11',
  quarter: '2026-Q4',
};

/**
 * The most periods of this kind whose start can fall in any window of 12 calendar months: a leap
 * year holds 366 day starts, 365 days hold 53 Mondays when the window begins on one, and months and
 * quarters are fixed. A yearly privacy budget divided by this number is therefore never exceeded by
 * the periods that start in any 12 months (see config.ts and releases/yearly-budget.ts).
 */
export function maxPeriodsPerYear(granularity: PeriodGranularity): number {
  switch (granularity) {
    case 'day':
      return 366;
    case 'week':
      return 53;
    case 'month':
      return 12;
    case 'quarter':
      return 4;
  }
}

/** The same instant 12 calendar months later (UTC); 29 February moves to 1 March. */
export function addCalendarYear(instant: Date): Date {
  const later = new Date(instant);
  later.setUTCFullYear(later.getUTCFullYear() + 1);
  return later;
}

/** The same instant 12 calendar months earlier (UTC). */
export function subtractCalendarYear(instant: Date): Date {
  const earlier = new Date(instant);
  earlier.setUTCFullYear(earlier.getUTCFullYear() - 1);
  return earlier;
}

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
    case 'quarter': {
      const year = instant.getUTCFullYear();
      const quarter = Math.floor(instant.getUTCMonth() / 3);
      return {
        id: `${year}-Q${quarter + 1}`,
        start: new Date(Date.UTC(year, quarter * 3, 1)),
        end: new Date(Date.UTC(year, quarter * 3 + 3, 1)),
      };
    }
  }
}

const PERIOD_PATTERNS: Record<PeriodGranularity, RegExp> = {
  week: /^(\d{4})-W(\d{2})$/,
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
  quarter: /^(\d{4})-Q(\d)$/,
};

/** Parses a period id of the given granularity; returns undefined when it is not one. */
export function parsePeriodId(id: string, granularity: PeriodGranularity): Period | undefined {
  const match = PERIOD_PATTERNS[granularity].exec(id);
  if (!match) return undefined;
  const [year, second, third] = match.slice(1).map(Number) as [number, number, number | undefined];
  let probe: Date;
  switch (granularity) {
    case 'week': {
      // January 4th is always in ISO week 1.
      const weekOne = isoWeekOf(new Date(Date.UTC(year, 0, 4)));
      probe = new Date(weekOne.start.getTime() + (second - 1) * 7 * DAY_MS);
      break;
    }
    case 'day':
      probe = new Date(Date.UTC(year, second - 1, third));
      break;
    case 'month':
      probe = new Date(Date.UTC(year, second - 1, 1));
      break;
    case 'quarter':
      probe = new Date(Date.UTC(year, (second - 1) * 3, 1));
      break;
  }
  // Out-of-range parts (week 54, month 13, Q5, 31 February) land in another period: not this id.
  const period = periodContaining(probe, granularity);
  return period.id === id ? period : undefined;
}

/** A period id of any kind (ids of different kinds never look alike), for records kept across a change of PERIOD. */
export function parseAnyPeriodId(id: string): Period | undefined {
  for (const granularity of PERIOD_GRANULARITIES) {
    const period = parsePeriodId(id, granularity);
    if (period) return period;
  }
  return undefined;
}

/** The periods whose start lies in [from, to), oldest first. */
export function periodsBetween(from: Date, to: Date, granularity: PeriodGranularity): Period[] {
  const periods: Period[] = [];
  let current = periodContaining(from, granularity);
  if (current.start < from) current = periodContaining(current.end, granularity);
  while (current.start < to) {
    periods.push(current);
    current = periodContaining(current.end, granularity);
  }
  return periods;
}
