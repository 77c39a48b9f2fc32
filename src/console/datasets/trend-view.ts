/**
 * The trend view of a dataset: chosen keys' values of one measure across its released periods,
 * with the 95% interval as a shaded band and every period a key was not published in as a labelled
 * gap. The chart, the table and the CSV are built from the same points, so what is downloaded is
 * exactly what is shown, with the released values unchanged.
 */
import type { CataloguedDataset } from '../../releases/dataset-catalogue';
import { type Period, type PeriodGranularity, parsePeriodId, periodsBetween } from '../../periods/period';
import type { ReportCell, ReportTable } from '../../reports/report-table';
import { valueTitle } from '../../datasets/value-titles';
import { axisTitle, chartScaleOf, formatMeasureValue } from './measure-display';
import type { KeyStatus, PublishedValue, ReleaseKey } from './release-keys';
import { seriesColor } from '../shared/palette';

export interface ReleasedPeriod {
  period: string;
  releaseId: string;
  keys: readonly ReleaseKey[];
}

export type TrendStatus = KeyStatus | 'not_released';

export interface TrendKey {
  id: string;
  dimensions: string[];
  title: string;
}

export interface TrendPoint {
  period: string;
  status: TrendStatus;
  suppressionReason?: string;
  value?: PublishedValue;
}

export interface TrendSeries {
  key: TrendKey;
  colour: string;
  points: TrendPoint[];
}

export interface Trend {
  measure: string;
  periods: string[];
  series: TrendSeries[];
}

/** A series colour (`#rrggbb`) at 20% opacity, for its interval band. */
function translucent(hex: string): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, 0.2)`;
}

/** The most keys one trend compares: more lines than this cannot be told apart. */
export const MAX_TREND_KEYS = 6;

export function keyTitle(dataset: CataloguedDataset, dimensions: readonly string[]): string {
  return dimensions.map((value, index) => valueTitle(dataset.spec.dimensions[index]!, value)).join(' · ');
}

/** What a point that has no value says, in the words of the release. */
export function gapText(dataset: CataloguedDataset, point: Pick<TrendPoint, 'status' | 'suppressionReason'>): string {
  switch (point.status) {
    case 'suppressed':
      return point.suppressionReason === undefined || point.suppressionReason === 'fewer_than_k_organizations'
        ? `not published: fewer than k organizations (k = ${dataset.k})`
        : `not published: ${point.suppressionReason.replaceAll('_', ' ')}`;
    case 'not_published':
      return 'not published: below the publication thresholds';
    case 'not_released':
      return 'no release for this period';
    case 'published':
      return '';
  }
}

/** Every period from the first release to the last, so that a period without a release shows as a gap too. */
function continuousPeriods(released: readonly ReleasedPeriod[], granularity: PeriodGranularity): string[] {
  const ids = released.map((entry) => entry.period);
  const parsed = ids.map((id) => parsePeriodId(id, granularity));
  if (ids.length === 0 || parsed.some((period) => period === undefined)) return [...new Set(ids)].sort();
  const periods = parsed as Period[];
  const first = periods.reduce((a, b) => (a.start <= b.start ? a : b));
  const last = periods.reduce((a, b) => (a.end >= b.end ? a : b));
  return periodsBetween(first.start, last.end, granularity).map((period) => period.id);
}

/**
 * Every key any of the periods lists, the most often published first. "Published" counts the periods
 * with a value of the measure: a share is published on its group's count, which is not the key's.
 */
export function trendKeyChoices(dataset: CataloguedDataset, released: readonly ReleasedPeriod[], measure: string): (TrendKey & { publishedPeriods: number })[] {
  const choices = new Map<string, TrendKey & { publishedPeriods: number; order: number }>();
  for (const entry of released) {
    for (const key of entry.keys) {
      let choice = choices.get(key.id);
      if (!choice) {
        choice = { id: key.id, dimensions: key.dimensions, title: keyTitle(dataset, key.dimensions), publishedPeriods: 0, order: choices.size };
        choices.set(key.id, choice);
      }
      if (key.status === 'published' && key.values[measure]) choice.publishedPeriods += 1;
    }
  }
  return [...choices.values()].sort((a, b) => b.publishedPeriods - a.publishedPeriods || a.order - b.order);
}

export function buildTrend(
  dataset: CataloguedDataset,
  released: readonly ReleasedPeriod[],
  keys: readonly TrendKey[],
  measure: string,
  granularity: PeriodGranularity,
): Trend {
  const periods = continuousPeriods(released, granularity);
  const byPeriod = new Map(released.map((entry) => [entry.period, new Map(entry.keys.map((key) => [key.id, key]))]));
  const series = keys.map((key, index): TrendSeries => ({
    key,
    colour: seriesColor(index),
    points: periods.map((period): TrendPoint => {
      const keysOfPeriod = byPeriod.get(period);
      if (!keysOfPeriod) return { period, status: 'not_released' };
      const released = keysOfPeriod.get(key.id);
      if (!released) return { period, status: 'not_published' };
      const value = released.values[measure];
      if (released.status === 'published' && value) return { period, status: 'published', value };
      const measureReason = released.suppressedMeasures[measure];
      if (released.status === 'published' && measureReason !== undefined) return { period, status: 'suppressed', suppressionReason: measureReason };
      return {
        period,
        status: released.status === 'published' ? 'not_published' : released.status,
        ...(released.suppressionReason !== undefined ? { suppressionReason: released.suppressionReason } : {}),
      };
    }),
  }));
  return { measure, periods, series };
}

/**
 * The CSV's rows: one per key and period, the released value, noise and interval as published (shares
 * as proportions), the status, and `shown`: the value and interval as the page writes them.
 */
export function trendTable(dataset: CataloguedDataset, trend: Trend): ReportTable<Record<string, ReportCell>> {
  const dimensionNames = dataset.spec.dimensions.map((dimension) => dimension.name);
  const columns = ['period', ...dimensionNames, 'measure', 'status', 'note', 'value', 'noise_sd', 'ci95_low', 'ci95_high', 'shown'];
  const rows = trend.series.flatMap((series) =>
    series.points.map((point) => {
      const row: Record<string, ReportCell> = { period: point.period };
      dimensionNames.forEach((name, index) => {
        row[name] = series.key.dimensions[index]!;
      });
      row.measure = trend.measure;
      row.status = point.status;
      row.note = gapText(dataset, point);
      row.value = point.value?.value ?? null;
      row.noise_sd = point.value?.noiseSd ?? null;
      row.ci95_low = point.value?.low ?? null;
      row.ci95_high = point.value?.high ?? null;
      row.shown = point.value ? formatMeasureValue(trend.measure, point.value) : row.note;
      return row;
    }),
  );
  return { columns, rows };
}

/**
 * Chart.js configuration (data only, no callbacks): per key an invisible lower edge, the upper edge
 * filled down to it (the band), a thin interval bar per period, the value line, and crosses on the
 * axis where it was not published.
 * Nulls break the line and the band, so a gap is never drawn across.
 */
export function trendChart(dataset: CataloguedDataset, trend: Trend, granularity: PeriodGranularity) {
  const scale = chartScaleOf(trend.measure);
  const datasets = trend.series.flatMap((series) => {
    const values = series.points.map((point) =>
      point.value ? { value: point.value.value * scale.factor, low: point.value.low * scale.factor, high: point.value.high * scale.factor } : undefined,
    );
    return [
      {
        type: 'line',
        label: `${series.key.title}: 95% interval, lower end`,
        data: values.map((value) => value?.low ?? null),
        borderColor: 'transparent',
        backgroundColor: 'transparent',
        pointRadius: 0,
        pointHitRadius: 0,
        fill: false,
      },
      {
        type: 'line',
        label: `${series.key.title}: 95% interval, upper end`,
        data: values.map((value) => value?.high ?? null),
        borderColor: 'transparent',
        backgroundColor: translucent(series.colour),
        pointRadius: 0,
        pointHitRadius: 0,
        fill: '-1',
      },
      {
        // A thin bar per period as well, so that a value without published neighbours still shows its interval.
        type: 'bar',
        label: `${series.key.title}: 95% interval`,
        data: values.map((value) => (value ? [value.low, value.high] : null)),
        backgroundColor: translucent(series.colour),
        borderColor: series.colour,
        borderWidth: 1,
        barPercentage: 0.12,
        grouped: false,
      },
      {
        type: 'line',
        label: series.key.title,
        data: values.map((value) => value?.value ?? null),
        borderColor: series.colour,
        backgroundColor: series.colour,
        borderWidth: 2,
        pointRadius: 3,
        fill: false,
      },
      {
        type: 'line',
        label: `${series.key.title}: not published`,
        data: series.points.map((point) => (point.status === 'published' ? null : 0)),
        showLine: false,
        pointStyle: 'crossRot',
        pointRadius: 7,
        pointBorderWidth: 2,
        borderColor: series.colour,
        backgroundColor: series.colour,
      },
    ];
  });
  return {
    type: 'line',
    data: { labels: trend.periods, datasets },
    options: {
      locale: 'en-US',
      spanGaps: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { title: { display: true, text: `Period (${granularity})` } },
        y: {
          title: { display: true, text: axisTitle(trend.measure, dataset.spec) },
          ...(scale.min !== undefined ? { min: scale.min } : {}),
          ...(scale.max !== undefined ? { max: scale.max } : {}),
        },
      },
      // The legend is HTML under the chart: it wraps on phones and leaves out the band's edges.
      plugins: { legend: { display: false } },
    },
  };
}
