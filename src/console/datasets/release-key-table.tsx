/**
 * Every key of one release on the shared DataTable: filters by dimension value and by status, sorting
 * and paging through query parameters (so it works without a script and a filtered view is a link),
 * and one card per key on a phone. A key that was not published keeps its row and says why, so a
 * missing value is never a silent gap. The interval chart under the table draws the published keys
 * of the rows shown, one measure at a time, so the page stays short however large the key space is.
 */
import type { Child } from 'hono/jsx';
import { valueTitle } from '../../datasets/value-titles';
import type { CataloguedDataset } from '../../releases/dataset-catalogue';
import { ChartCanvas } from '../shared/console-layout';
import { DataTable, linkTo, type TableColumn, type TableView, tableView } from '../shared/data-table';
import { formatCount } from '../shared/format';
import { intervalChart, intervalChartHeight } from './dataset-release-view';
import { formatMeasureInterval, formatMeasureNumber, isShareMeasure, measureCardLabel, measureLabel, measureShortLabel, measureTitle } from './measure-display';
import { publishedFirst, type ReleaseKey } from './release-keys';
import { gapText } from './trend-view';

type Query = Record<string, string>;

export const KEYS_PAGE_SIZE = 20;
/**
 * Cards a phone shows before "show the rest of this page": ten cards are about two screens. The page
 * size stays 20 everywhere, so a link (page 3, sorted, filtered) means the same rows on any screen.
 */
export const KEYS_PHONE_ROWS = 10;
export type KeyStatusFilter = '' | 'published' | 'suppressed';

export interface KeyFilters {
  status: KeyStatusFilter;
  /** Chosen value per dimension name; dimensions without a choice are absent. */
  dimensions: Record<string, string>;
}

/** The values of each dimension that occur among the keys, in the dataset's domain order. */
export function dimensionChoices(dataset: CataloguedDataset, keys: readonly ReleaseKey[]): Map<string, string[]> {
  const choices = new Map<string, string[]>();
  dataset.spec.dimensions.forEach((dimension, index) => {
    const seen = new Set(keys.map((key) => key.dimensions[index]!));
    const domain = dataset.domains[dimension.name] ?? [];
    const ordered = [...domain.filter((value) => seen.has(value)), ...[...seen].filter((value) => !domain.includes(value))];
    choices.set(dimension.name, ordered);
  });
  return choices;
}

/** The filters a query asks for; values that no key has are ignored rather than showing an empty table for a stale link. */
export function keyFiltersOf(dataset: CataloguedDataset, keys: readonly ReleaseKey[], query: Query): KeyFilters {
  const choices = dimensionChoices(dataset, keys);
  const dimensions: Record<string, string> = {};
  for (const dimension of dataset.spec.dimensions) {
    const wanted = query[dimension.name];
    if (wanted && choices.get(dimension.name)?.includes(wanted)) dimensions[dimension.name] = wanted;
  }
  const status = query.status === 'published' || query.status === 'suppressed' ? query.status : '';
  return { status, dimensions };
}

export function filterKeys(dataset: CataloguedDataset, keys: readonly ReleaseKey[], filters: KeyFilters): ReleaseKey[] {
  const names = dataset.spec.dimensions.map((dimension) => dimension.name);
  return keys.filter((key) => {
    if (filters.status === 'published' && key.status !== 'published') return false;
    if (filters.status === 'suppressed' && key.status === 'published') return false;
    return names.every((name, index) => filters.dimensions[name] === undefined || filters.dimensions[name] === key.dimensions[index]);
  });
}

function measureCell(dataset: CataloguedDataset, key: ReleaseKey, measure: string): Child {
  const value = key.values[measure];
  // The interval stays on one line; a narrow column wraps between the value and its interval.
  if (value) {
    return (
      <span>
        {formatMeasureNumber(measure, value.value)} <span class="interval">{`(95\u00a0%: ${formatMeasureInterval(measure, value)})`}</span>
      </span>
    );
  }
  const reason = key.suppressedMeasures[measure];
  if (reason !== undefined) return <span class="gap">{gapText(dataset, { status: 'suppressed', suppressionReason: reason })}</span>;
  return <span class="muted">–</span>;
}

/** The key's dimensions, a link to its trend (of the charted measure), and one column per measure. */
export function keyColumns(dataset: CataloguedDataset, chartMeasure: string): TableColumn<ReleaseKey>[] {
  const { spec } = dataset;
  return [
    ...spec.dimensions.map((dimension, index): TableColumn<ReleaseKey> => ({
      key: dimension.name,
      label: dimension.title,
      cellClass: 'key-dimension',
      render: (key) => <span title={key.dimensions[index]}>{valueTitle(dimension, key.dimensions[index]!)}</span>,
      sortBy: (key) => valueTitle(dimension, key.dimensions[index]!),
    })),
    {
      key: 'trend',
      label: 'Over time',
      cellClass: 'key-trend',
      render: (key) => (
        <a href={`/console/datasets/${spec.id}/trend?${new URLSearchParams({ measure: chartMeasure, key: key.id, view: 'chart' })}`} aria-label={`Trend of ${key.dimensions.map((value, index) => valueTitle(spec.dimensions[index]!, value)).join(' · ')}`}>
          trend →
        </a>
      ),
      sortBy: false,
    },
    ...(spec.measures as readonly string[]).map(
      (measure): TableColumn<ReleaseKey> => ({
        key: measure,
        label: measureTitle(measure, spec),
        cardLabel: measureCardLabel(measure, spec),
        numeric: true,
        render: (key) => measureCell(dataset, key, measure),
        sortBy: (key) => key.values[measure]?.value ?? null,
      }),
    ),
  ];
}

function KeyFilterForm(props: { dataset: CataloguedDataset; keys: readonly ReleaseKey[]; filters: KeyFilters; query: Query; path: string }) {
  const { dataset, filters, query } = props;
  const choices = dimensionChoices(dataset, props.keys);
  const kept = ['release', 'chart', 'sort', 'dir'].filter((name) => query[name]);
  return (
    <form method="get" action={`${props.path}#keys`} class="filters key-filters" role="search" aria-label="Filter the keys">
      {dataset.spec.dimensions.map((dimension) => (
        <label>
          {dimension.title}
          <select name={dimension.name}>
            <option value="">any</option>
            {(choices.get(dimension.name) ?? []).map((value) => (
              <option value={value} selected={filters.dimensions[dimension.name] === value}>
                {valueTitle(dimension, value)}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label>
        Status
        <select name="status">
          <option value="">any</option>
          <option value="published" selected={filters.status === 'published'}>
            published
          </option>
          <option value="suppressed" selected={filters.status === 'suppressed'}>
            not published
          </option>
        </select>
      </label>
      {kept.map((name) => (
        <input type="hidden" name={name} value={query[name]} />
      ))}
      <button type="submit">Filter</button>
      <a href={`${linkTo(props.path, query.release ? { release: query.release } : {}, {})}#keys`}>Clear</a>
    </form>
  );
}

/** Links to the other measures' charts, keeping the table's filters, sort and page. */
function ChartTabs(props: { dataset: CataloguedDataset; measure: string; query: Query; path: string }) {
  const measures = props.dataset.spec.measures as readonly string[];
  if (measures.length < 2) return null;
  return (
    <ul class="tabs" aria-label="Measure charted">
      {measures.map((measure) => (
        <li>
          <a href={linkTo(props.path, props.query, { chart: measure }, 'keys-chart')} aria-current={measure === props.measure ? 'page' : undefined}>
            {measureShortLabel(measure)}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function keyTableView(dataset: CataloguedDataset, keys: readonly ReleaseKey[], query: Query) {
  const filters = keyFiltersOf(dataset, keys, query);
  const shown = publishedFirst(filterKeys(dataset, keys, filters));
  const measures = dataset.spec.measures as readonly string[];
  const chartMeasure = measures.includes(query.chart ?? '') ? query.chart! : measures[0]!;
  const columns = keyColumns(dataset, chartMeasure);
  const view: TableView<ReleaseKey> = tableView(shown, columns, query, { pageSize: KEYS_PAGE_SIZE });
  return { filters, columns, view, chartMeasure };
}

function countText(view: TableView<ReleaseKey>, total: number, filtered: boolean): string {
  const matching = filtered ? `${formatCount(view.total)} of ${formatCount(total)} keys match` : `${formatCount(total)} keys`;
  return view.total === 0 ? matching : `${matching}; published keys first`;
}

/** The filter form, the table of keys, and the chart of the published keys on the table's page. */
export function ReleaseKeyTable(props: { dataset: CataloguedDataset; keys: readonly ReleaseKey[]; query: Query; path: string }) {
  const { dataset, keys, query, path } = props;
  const { filters, columns, view, chartMeasure } = keyTableView(dataset, keys, query);
  const filtered = filters.status !== '' || Object.keys(filters.dimensions).length > 0;
  const measures = dataset.spec.measures as readonly string[];
  const chartKeys = view.rows.filter((key) => key.status === 'published' && key.values[chartMeasure]);
  const firstMeasure = measures[0]!;
  return (
    <>
      <KeyFilterForm dataset={dataset} keys={keys} filters={filters} query={query} path={path} />
      <p class="muted" id="keys-count">
        {`${countText(view, keys.length, filtered)}. Each value is followed by its 95% interval.`}
      </p>
      <DataTable
        id="release-table"
        caption="Every key of this release"
        captionHidden
        columns={columns}
        view={view}
        path={path}
        query={query}
        anchor="keys"
        phoneRows={{ count: KEYS_PHONE_ROWS, noun: 'keys' }}
        empty={`No key of this release matches these filters.`}
        rowAttributes={(key) => ({ 'data-key': key.id, 'data-status': key.status })}
        rowSpan={(key) =>
          key.status === 'published'
            ? undefined
            : {
                from: firstMeasure,
                label: 'Value',
                class: 'gap',
                content: gapText(dataset, { status: key.status, ...(key.suppressionReason !== undefined ? { suppressionReason: key.suppressionReason } : {}) }),
              }
        }
      />
      <h3 id="keys-chart">{`Chart: ${measureTitle(chartMeasure, dataset.spec)}`}</h3>
      <ChartTabs dataset={dataset} measure={chartMeasure} query={query} path={path} />
      {chartKeys.length === 0 ? (
        <p class="muted" id="keys-chart-empty">
          No published key among the keys shown above, so there is nothing to chart.
        </p>
      ) : (
        <>
          <p class="muted">
            {`The ${chartKeys.length} published key${chartKeys.length === 1 ? '' : 's'} shown in the table above, with ${isShareMeasure(chartMeasure) ? 'the share in percent (axis 0–100 %)' : 'the published value'} and its 95% interval.`}
          </p>
          <ChartCanvas
            id={`chart-${chartMeasure}`}
            label={`${measureLabel(chartMeasure)} per published key with 95% intervals`}
            config={intervalChart(dataset, chartKeys, chartMeasure)}
            height={intervalChartHeight(dataset, chartKeys.length)}
          />
        </>
      )}
    </>
  );
}
