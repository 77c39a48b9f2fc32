/**
 * The yearly privacy budget per organization, enforced over any rolling 12 months.
 *
 * What an organization cares about is its loss over a year, not over one period: every period's
 * release protects that period's data, and over the periods it takes part in, rho adds (zCDP
 * composition, BS16 Lemma 1.7). YEARLY_BUDGET_RHO caps that sum for the periods whose start falls in
 * any window of 12 calendar months [s, s + 12 months). The budget per period is derived from it
 * (config.ts: rho_year / maxPeriodsPerYear, rounded down), so under one configuration the cap always
 * holds; this module is what keeps it after a change of configuration (a larger PERIOD_BUDGET_RHO,
 * a shorter PERIOD) would otherwise push some 12 months over the cap.
 *
 * The check is data-independent on purpose. It assumes every organization took part in every
 * released period (the worst case, which bounds every organization's loss), so whether a period is
 * released never depends on who contributed to it: a refusal reveals nothing outside the DP
 * guarantee. The per-organization report (reports/privacy-loss-report.ts) shows the actual loss of
 * each organization, over the periods it took part in, within the same windows.
 *
 * Pure: charges in, verdict out. Sums are exact (composeZcdp), so "within the cap" is decided exactly.
 */
import { type AppConfig } from '../config';
import { addCalendarYear, maxPeriodsPerYear, type Period, parseAnyPeriodId, subtractCalendarYear } from '../periods/period';
import {
  addRationals,
  approxDpEpsilon,
  compareRationals,
  composeZcdp,
  DEFAULT_CONVERSION_DELTA,
  rational,
  rationalFromNumber,
  rationalToNumberDown,
  type Rational,
} from '../privacy';

/** What one released period charged (every dataset's charge of that period, composed). */
export interface PeriodCharge {
  period: string;
  start: Date;
  rho: number;
}

/** Ledger rows (one per period and dataset) as per-period charges. Ids no PERIOD kind can parse are kept out (never written by this service). */
export function periodChargesOf(ledger: readonly { period: string; rho: number }[]): PeriodCharge[] {
  const byPeriod = new Map<string, number[]>();
  for (const row of ledger) byPeriod.set(row.period, [...(byPeriod.get(row.period) ?? []), row.rho]);
  return [...byPeriod].flatMap(([period, rhos]) => {
    const parsed = parseAnyPeriodId(period);
    return parsed ? [{ period, start: parsed.start, rho: composeZcdp(rhos) }] : [];
  });
}

export interface RollingYearWindow {
  /** Inclusive start of the 12 months. */
  from: string;
  /** Exclusive end: `from` plus 12 calendar months. */
  to: string;
  /** The periods starting in the window, the candidate included, in start order. */
  periods: string[];
  /** Their composed rho, the candidate's included. */
  rho: number;
}

export interface YearlyBudgetCheck {
  period: string;
  /** What releasing the period would charge. */
  rho: number;
  yearlyBudgetRho: number;
  withinCap: boolean;
  /** The 12 months containing the period's start where the loss would be highest. */
  worstWindow: RollingYearWindow;
  /** The most this period may charge so that every 12 months containing it stays within the cap (0 when none is left). */
  headroomRho: number;
}

function exactSum(rhos: readonly number[]): Rational {
  return rhos.reduce<Rational>((sum, rho) => addRationals(sum, rationalFromNumber(rho)), rational(0));
}

/**
 * Whether charging `candidate` keeps the loss of every 12 months containing its start within the cap.
 *
 * The windows that contain the candidate's start p are [s, s + 12 months) with p - 12 months < s <= p.
 * Sliding a window right until its left edge meets the first period start inside it never drops a
 * period and may add some, so the worst window starts at one of the period starts in (p - 12 months, p]:
 * only those are tried. Periods of another kind (recorded before PERIOD changed) count by their start
 * like any other. A charge already recorded for the candidate's own period is replaced, not added.
 */
export function checkRollingYear(charges: readonly PeriodCharge[], candidate: { period: Period; rho: number }, yearlyBudgetRho: number): YearlyBudgetCheck {
  const start = candidate.period.start;
  const others = charges.filter((charge) => charge.period !== candidate.period.id);
  const all = [...others, { period: candidate.period.id, start, rho: candidate.rho }].sort(
    (a, b) => a.start.getTime() - b.start.getTime() || a.period.localeCompare(b.period),
  );
  const earliest = subtractCalendarYear(start);
  const windowStarts = new Set(all.filter((charge) => charge.start > earliest && charge.start <= start).map((charge) => charge.start.getTime()));
  windowStarts.add(start.getTime()); // the candidate's own start: never empty
  const windows = [...windowStarts].map((time) => {
    const from = new Date(time);
    const to = addCalendarYear(from);
    const inside = all.filter((charge) => charge.start >= from && charge.start < to);
    const othersExact = exactSum(inside.filter((charge) => charge.period !== candidate.period.id).map((charge) => charge.rho));
    const window: RollingYearWindow = {
      from: from.toISOString(),
      to: to.toISOString(),
      periods: inside.map((charge) => charge.period),
      rho: composeZcdp(inside.map((charge) => charge.rho)),
    };
    return { window, othersExact };
  });
  const { window, othersExact } = windows.reduce((worst, each) => (compareRationals(each.othersExact, worst.othersExact) > 0 ? each : worst));
  const cap = rationalFromNumber(yearlyBudgetRho);
  const left = addRationals(cap, rational(-othersExact.numerator, othersExact.denominator));
  return {
    period: candidate.period.id,
    rho: candidate.rho,
    yearlyBudgetRho,
    withinCap: compareRationals(addRationals(othersExact, rationalFromNumber(candidate.rho)), cap) <= 0,
    worstWindow: window,
    headroomRho: left.numerator > 0n ? rationalToNumberDown(left) : 0,
  };
}

/** The yearly budget as researchers and privacy officers read it: zCDP rho and its tight (epsilon, delta). */
export interface YearlyBudgetStatement {
  rho: number;
  epsilon: number;
  delta: number;
  /** Periods of the configured kind that can start in 12 months. */
  maxPeriodsPerYear: number;
  /** What each period may spend, and where that number came from. */
  periodRho: number;
  periodRhoSource: AppConfig['periodBudgetSource'];
  summary: string;
}

/**
 * (epsilon, delta) of the yearly cap by the tight CKS20 conversion at the engine's conversion delta,
 * plus the key-selection delta of every period that can start in 12 months (deltas add). The caller
 * passes the selection delta one period actually spends (the catalogue's: 0 when every dataset has
 * public keys): defaulting to SELECTION_DELTA overstated delta wherever a caller forgot it.
 */
export function yearlyBudgetStatement(
  config: Pick<AppConfig, 'yearlyBudgetRho' | 'period' | 'periodBudgetRho' | 'periodBudgetSource'>,
  selectionDeltaPerPeriod: number,
): YearlyBudgetStatement {
  const periods = maxPeriodsPerYear(config.period);
  const epsilon = approxDpEpsilon(config.yearlyBudgetRho, DEFAULT_CONVERSION_DELTA);
  const delta = DEFAULT_CONVERSION_DELTA + periods * selectionDeltaPerPeriod;
  return {
    rho: config.yearlyBudgetRho,
    epsilon,
    delta,
    maxPeriodsPerYear: periods,
    periodRho: config.periodBudgetRho,
    periodRhoSource: config.periodBudgetSource,
    summary:
      `Over any 12 months, everything published about one organization is at most rho = ${config.yearlyBudgetRho} zCDP, ` +
      `i.e. (${epsilon.toPrecision(3)}, ${delta.toExponential(1)})-DP: whatever an organization sent in a year, ` +
      `the releases of that year together change the odds of any conclusion about it by at most a factor of e^${epsilon.toPrecision(3)} ` +
      `(about ${Math.round(Math.exp(epsilon)).toLocaleString('en-US')}×), except with probability ${delta.toExponential(1)}.`,
  };
}
