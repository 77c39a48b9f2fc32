/**
 * How the researchers' pages show a release's keys, on hand-made tidy rows: the per-organization
 * share as a percentage with its interval (table, trend table, trend CSV, charts on a 0–100 axis),
 * counts as before, a share suppressed on its own inside a published key, and the key table's
 * filters, paging and "not published" rows.
 */
import { describe, expect, it } from 'vitest';
import { appConfigFrom, parseEnvironment } from '../../src/config';
import {
  chartScaleOf,
  formatMeasureValue,
  formatShare,
  measureTitle,
  SHARE_MEASURE,
  shareExplanation,
} from '../../src/console/datasets/measure-display';
import { intervalChart } from '../../src/console/datasets/dataset-release-view';
import { filterKeys, keyFiltersOf, KEYS_PAGE_SIZE, keyTableView, ReleaseKeyTable } from '../../src/console/datasets/release-key-table';
import { releaseKeys, type TidyRow } from '../../src/console/datasets/release-keys';
import { buildTrend, trendChart, trendKeyChoices, trendTable } from '../../src/console/datasets/trend-view';
import { loadDatasetSpecs } from '../../src/datasets/dataset-registry';
import { buildDatasetCatalogue, type CataloguedDataset } from '../../src/releases/dataset-catalogue';

const NBSP = '\u00a0';
const plain = (text: string) => text.replaceAll(NBSP, ' ');

const config = appConfigFrom(parseEnvironment({ APP_ENV: 'test' }));
const catalogue = buildDatasetCatalogue(loadDatasetSpecs(), config);
const volume = catalogue.get('ai-transfer-volume')!;
/** The volume dataset as if its spec also declared the share measure (the display reads measures by name). */
const withShares: CataloguedDataset = { ...volume, spec: { ...volume.spec, measures: [...volume.spec.measures, SHARE_MEASURE] as typeof volume.spec.measures } };
const [contentDimension, protocolDimension, boundaryDimension] = volume.spec.dimensions.map((dimension) => dimension.name);
const domainOf = (name: string) => volume.domains[name]!;

function row(dimensions: readonly string[], measure: string, value: number | null, extra: Partial<TidyRow> = {}): TidyRow {
  const names = [contentDimension!, protocolDimension!, boundaryDimension!];
  const cells: TidyRow = { period: '2026-Q3' };
  names.forEach((name, index) => {
    cells[name] = dimensions[index]!;
  });
  return {
    ...cells,
    measure,
    status: value === null ? 'suppressed' : 'published',
    suppression_reason: value === null ? 'fewer_than_k_organizations' : null,
    value,
    noise_sd: value === null ? null : measure === SHARE_MEASURE ? 0.0327 : 12.5,
    ci95_low: value === null ? null : measure === SHARE_MEASURE ? Math.max(0, value - 0.064) : value - 24,
    ci95_high: value === null ? null : measure === SHARE_MEASURE ? Math.min(1, value + 0.064) : value + 24,
    ...extra,
  };
}

/** Every key of the domain: the first published with counts and a share; the second published but its share suppressed; the rest suppressed. */
function handMadeRelease(): TidyRow[] {
  const keys = domainOf(contentDimension!).flatMap((content) =>
    domainOf(protocolDimension!).flatMap((protocol) => domainOf(boundaryDimension!).map((boundary) => [content, protocol, boundary])),
  );
  return keys.flatMap((key, index) => {
    const measures = [...volume.spec.measures, SHARE_MEASURE];
    if (index === 0) return measures.map((measure) => row(key, measure, measure === SHARE_MEASURE ? 0.345 : 120));
    if (index === 1) return measures.map((measure) => row(key, measure, measure === SHARE_MEASURE ? null : 40));
    return measures.map((measure) => row(key, measure, null));
  });
}

describe('share display', () => {
  it('writes a share as a percentage with one decimal and its interval, counts as numbers', () => {
    expect(plain(formatShare(0.3449))).toBe('34.5 %');
    expect(plain(formatMeasureValue(SHARE_MEASURE, { value: 0.345, low: 0.281, high: 0.409 }))).toBe('34.5 % (95 %: 28.1–40.9 %)');
    expect(plain(formatMeasureValue(SHARE_MEASURE, { value: 0, low: 0, high: 0.0712 }))).toBe('0.0 % (95 %: 0.0–7.1 %)');
    expect(plain(formatMeasureValue('transfer_count', { value: 1234, low: 1180, high: 1288 }))).toBe('1,234 (95 %: 1,180 to 1,288)');
    expect(measureTitle(SHARE_MEASURE, volume.spec)).toBe("Share of the average organization's transfers, %");
    expect(measureTitle('transfer_count', volume.spec)).toBe('Transfers');
    expect(shareExplanation(volume.spec)).toMatch(/weighted equally/);
    expect(chartScaleOf(SHARE_MEASURE)).toEqual({ factor: 100, min: 0, max: 100 });
    expect(chartScaleOf('transfer_count')).toEqual({ factor: 1 });
  });

  it('keeps a key published when only its share is suppressed, and says so in that cell', async () => {
    const keys = releaseKeys(withShares, handMadeRelease());
    expect(keys.filter((key) => key.status === 'published').map((key) => key.id)).toHaveLength(2);
    const [first, second] = keys;
    expect(first!.values[SHARE_MEASURE]?.value).toBe(0.345);
    expect(second!.status).toBe('published');
    expect(second!.values[SHARE_MEASURE]).toBeUndefined();
    expect(second!.suppressedMeasures[SHARE_MEASURE]).toBe('fewer_than_k_organizations');
    expect(keys[2]!.status).toBe('suppressed');
    expect(keys[2]!.suppressionReason).toBe('fewer_than_k_organizations');

    const html = plain(await (<ReleaseKeyTable dataset={withShares} keys={keys} query={{ chart: SHARE_MEASURE }} path="/p" />).toString());
    const text = html.replace(/<[^>]+>/g, '');
    expect(text).toContain('34.5 % (95 %: 28.1–40.9 %)');
    expect(text).toContain('120 (95 %: 96 to 144)');
    expect(html).toMatch(/data-key="[^"]+" data-status="published"[\s\S]*not published: fewer than k organizations \(k = \d+\)/);
    // One card per suppressed key with a single spanning "not published" cell.
    expect(html.match(/colspan="4" class="gap"/g)?.length).toBe(KEYS_PAGE_SIZE - 2);
  });

  it('charts shares in percent on a 0–100 axis', () => {
    const keys = releaseKeys(withShares, handMadeRelease()).filter((key) => key.status === 'published');
    const chart = intervalChart(withShares, keys, SHARE_MEASURE) as { data: { datasets: { data: unknown[] }[] }; options: { scales: { x: { min?: number; max?: number } } } };
    const [bars, points] = chart.data.datasets;
    expect((bars!.data[0] as number[]).map((value) => Math.round(value * 10) / 10)).toEqual([28.1, 40.9]);
    expect(points!.data[0]).toBeCloseTo(34.5, 6);
    expect(points!.data[1]).toBeNull();
    expect(chart.options.scales.x).toMatchObject({ min: 0, max: 100 });
  });

  it('shows a share trend in percent, with the CSV keeping the proportions and adding what is shown', () => {
    const release = releaseKeys(withShares, handMadeRelease());
    const released = [
      { period: '2026-Q2', releaseId: 'a', keys: release },
      { period: '2026-Q3', releaseId: 'b', keys: release.map((key) => (key.id === release[0]!.id ? { ...key, status: 'suppressed' as const, values: {}, suppressionReason: 'fewer_than_k_organizations' } : key)) },
    ];
    const choice = { id: release[0]!.id, dimensions: release[0]!.dimensions, title: 'first' };
    const second = { id: release[1]!.id, dimensions: release[1]!.dimensions, title: 'second' };
    const trend = buildTrend(withShares, released, [choice, second], SHARE_MEASURE, 'quarter');
    expect(trend.series[0]!.points.map((point) => point.status)).toEqual(['published', 'suppressed']);
    expect(trend.series[1]!.points.map((point) => point.status)).toEqual(['suppressed', 'suppressed']);
    const table = trendTable(withShares, trend);
    expect(table.columns).toContain('shown');
    expect(table.rows[0]).toMatchObject({ period: '2026-Q2', measure: SHARE_MEASURE, status: 'published', value: 0.345 });
    expect(plain(String(table.rows[0]!.shown))).toBe('34.5 % (95 %: 28.1–40.9 %)');
    expect(String(table.rows[1]!.shown)).toMatch(/^not published: fewer than k organizations/);
    const chart = trendChart(withShares, trend, 'quarter') as { data: { datasets: { label: string; data: (number | null)[] }[] }; options: { scales: { y: { min?: number; max?: number } } } };
    const line = chart.data.datasets.find((dataset) => dataset.label === 'first')!;
    expect(line.data[0]).toBeCloseTo(34.5, 6);
    expect(line.data[1]).toBeNull();
    expect(chart.options.scales.y).toMatchObject({ min: 0, max: 100 });

    // The key list counts the periods with a value of the chosen measure: the second key's share was never published.
    const published = (measure: string) => new Map(trendKeyChoices(withShares, released, measure).map((entry) => [entry.id, entry.publishedPeriods]));
    expect(published(SHARE_MEASURE).get(second.id)).toBe(0);
    expect(published('transfer_count').get(second.id)).toBe(2);
    expect(published(SHARE_MEASURE).get(choice.id)).toBe(1);
  });
});

describe('key table filters and paging', () => {
  const keys = releaseKeys(withShares, handMadeRelease());

  it('filters by dimension value and by status, ignoring values no key has', () => {
    const firstContent = keys[0]!.dimensions[0]!;
    const filters = keyFiltersOf(withShares, keys, { [contentDimension!]: firstContent, status: 'published', [protocolDimension!]: 'no-such-value' });
    expect(filters).toEqual({ status: 'published', dimensions: { [contentDimension!]: firstContent } });
    expect(filterKeys(withShares, keys, filters).map((key) => key.id)).toEqual([keys[0]!.id, keys[1]!.id]);
    const suppressed = filterKeys(withShares, keys, { status: 'suppressed', dimensions: {} });
    expect(suppressed).toHaveLength(keys.length - 2);
  });

  it('pages the keys and sorts by a measure with keys without a value last', () => {
    const { view } = keyTableView(withShares, keys, { sort: 'transfer_count', dir: 'asc' });
    expect(view.total).toBe(keys.length);
    expect(view.pages).toBe(Math.ceil(keys.length / KEYS_PAGE_SIZE));
    expect(view.rows.slice(0, 2).map((key) => key.values.transfer_count?.value)).toEqual([40, 120]);
    const last = keyTableView(withShares, keys, { page: String(view.pages) }).view;
    expect(last.rows.at(-1)!.status).toBe('suppressed');
  });
});
