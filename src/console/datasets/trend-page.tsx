/**
 * `/console/datasets/{id}/trend`: chosen keys of one dataset across its periods, as a chart (value
 * line, shaded 95% band, crosses where a key was not published) or as a table, and the CSV of
 * exactly those rows. The choice is a plain GET form and the tabs are links, so the table and the
 * CSV work without JavaScript.
 */
import { valueTitle } from '../../datasets/value-titles';
import type { CataloguedDataset } from '../../releases/dataset-catalogue';
import { ChartCanvas } from '../shared/console-layout';
import { DatasetsStyle } from './datasets-stylesheet';
import { formatMeasureInterval, formatMeasureNumber, isShareMeasure, measureLabel, measureTitle, shareExplanation } from './measure-display';
import { gapText, keyTitle, MAX_TREND_KEYS, type Trend, type TrendKey } from './trend-view';

export type TrendTab = 'chart' | 'table';

export interface TrendPageProps {
  dataset: CataloguedDataset;
  trend: Trend;
  choices: readonly (TrendKey & { publishedPeriods: number })[];
  releasedPeriods: number;
  tab: TrendTab;
  chart: unknown;
  periodUnit: string;
}

/** The query string of this view with one parameter changed: tabs and the CSV link keep the choice. */
export function trendQuery(trend: Pick<Trend, 'measure' | 'series'>, tab?: TrendTab): string {
  const query = new URLSearchParams({ measure: trend.measure });
  for (const series of trend.series) query.append('key', series.key.id);
  if (tab) query.set('view', tab);
  return query.toString();
}

function TrendTable(props: { dataset: CataloguedDataset; trend: Trend }) {
  const { dataset, trend } = props;
  const unit = measureTitle(trend.measure, dataset.spec);
  return (
    <div class="table-scroll">
      <table id="trend-table" class="stack">
        <caption class="muted">{`${unit}: value and 95% interval per period`}</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Key</th>
            <th scope="col" class="num">{`Value (${unit})`}</th>
            <th scope="col" class="num">95% interval</th>
          </tr>
        </thead>
        <tbody>
          {trend.series.flatMap((series) =>
            series.points.map((point) => (
              <tr data-key={series.key.id} data-period={point.period} data-status={point.status}>
                <td data-label="Period">{point.period}</td>
                <td data-label="Key">{series.key.title}</td>
                {point.value ? (
                  <>
                    <td class="num" data-label="Value" data-value={String(point.value.value)}>
                      {formatMeasureNumber(trend.measure, point.value.value)}
                    </td>
                    <td class="num" data-label="95% interval">
                      {formatMeasureInterval(trend.measure, point.value)}
                    </td>
                  </>
                ) : (
                  <td class="gap" colspan={2} data-label="Value">
                    {gapText(dataset, point)}
                  </td>
                )}
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

function TrendLegend(props: { dataset: CataloguedDataset; trend: Trend }) {
  const gaps = props.trend.series.flatMap((series) =>
    series.points.filter((point) => point.status !== 'published').map((point) => ({ series, point })),
  );
  return (
    <>
      <ul class="legend" aria-label="Legend">
        {props.trend.series.map((series) => (
          <li>
            <span class="swatch" style={`background: ${series.colour}`} />
            {series.key.title}
          </li>
        ))}
        <li class="muted">Shaded: 95% interval · ✕ on the axis: not published</li>
      </ul>
      {gaps.length > 0 ? (
        <details id="trend-gaps">
          <summary>{`${gaps.length} gap${gaps.length === 1 ? '' : 's'} in the lines`}</summary>
          <ul>
            {gaps.map(({ series, point }) => (
              <li>{`${point.period}, ${series.key.title}: ${gapText(props.dataset, point)}`}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}

type KeyChoice = TrendPageProps['choices'][number];

/**
 * The keys as checkboxes grouped by their first dimension, in a box that scrolls on its own: a
 * multi-select needs Ctrl or ⌘ and hides its choices on a phone, checkboxes take one tap each and
 * travel in the same GET form as repeated `key` parameters.
 */
function KeyPicker(props: { dataset: CataloguedDataset; choices: readonly KeyChoice[]; chosen: ReadonlySet<string>; releasedPeriods: number }) {
  const { spec } = props.dataset;
  const grouped = spec.dimensions.length > 1;
  const groups = new Map<string, KeyChoice[]>();
  for (const choice of props.choices) {
    const group = grouped ? choice.dimensions[0]! : '';
    groups.set(group, [...(groups.get(group) ?? []), choice]);
  }
  const option = (choice: KeyChoice) => (
    <label class="key-choice">
      <input type="checkbox" name="key" value={choice.id} checked={props.chosen.has(choice.id)} />{' '}
      {grouped ? keyTitle(props.dataset, choice.dimensions.slice(1), 1) : choice.title}{' '}
      <span class="muted">{`(${choice.publishedPeriods} of ${props.releasedPeriods} published)`}</span>
    </label>
  );
  return (
    <fieldset class="key-picker" id="key-picker">
      <legend>{`Keys: up to ${MAX_TREND_KEYS} (with more ticked, the first ${MAX_TREND_KEYS} are shown)`}</legend>
      <div class="key-picker-scroll">
        {grouped
          ? [...groups].map(([group, choices]) => (
              <fieldset class="key-group">
                <legend>{valueTitle(spec.dimensions[0]!, group)}</legend>
                {choices.map(option)}
              </fieldset>
            ))
          : props.choices.map(option)}
      </div>
    </fieldset>
  );
}

export function TrendPage(props: TrendPageProps) {
  const { dataset, trend, tab } = props;
  const { spec } = dataset;
  const base = `/console/datasets/${spec.id}`;
  const chosen = new Set(trend.series.map((series) => series.key.id));
  return (
    <>
      <DatasetsStyle />
      <p class="muted">
        <a href={base}>{spec.title}</a> › Trend
      </p>
      <h1>Trend over time</h1>
      <p class="lead">
        {`${measureLabel(trend.measure)} per ${props.periodUnit} for the chosen keys, across ${props.releasedPeriods} released period${props.releasedPeriods === 1 ? '' : 's'}. Each value carries random noise; the shaded band is its 95% interval. A gap means the key was not published for that period, which does not mean zero.`}
      </p>
      {isShareMeasure(trend.measure) ? (
        <p class="notice" id="share-explanation">
          {`${shareExplanation(spec)} The axis runs from 0 to 100 %.`}
        </p>
      ) : null}
      <form method="get" action={`${base}/trend`} class="trend-controls">
        <label>
          Measure
          <select name="measure">
            {spec.measures.map((measure) => (
              <option value={measure} selected={measure === trend.measure}>
                {measureTitle(measure, spec)}
              </option>
            ))}
          </select>
        </label>
        <KeyPicker dataset={dataset} choices={props.choices} chosen={chosen} releasedPeriods={props.releasedPeriods} />
        <input type="hidden" name="view" value={tab} />
        <button type="submit" class="primary">
          Show
        </button>
      </form>

      {trend.series.length === 0 ? (
        <p class="notice">This dataset has no released keys yet.</p>
      ) : (
        <>
          <ul class="tabs" aria-label="View">
            <li>
              <a href={`${base}/trend?${trendQuery(trend, 'chart')}`} aria-current={tab === 'chart' ? 'page' : undefined}>
                Chart
              </a>
            </li>
            <li>
              <a href={`${base}/trend?${trendQuery(trend, 'table')}`} aria-current={tab === 'table' ? 'page' : undefined}>
                Table
              </a>
            </li>
          </ul>
          {tab === 'chart' ? (
            <div id="trend-chart-panel">
              <div class="trend-chart">
                <ChartCanvas
                  id="trend-chart"
                  label={`${measureTitle(trend.measure, spec)} per period with 95% intervals, for ${trend.series.map((series) => series.key.title).join('; ')}`}
                  config={props.chart}
                  height="100%"
                />
              </div>
              <TrendLegend dataset={dataset} trend={trend} />
              <noscript>
                <p class="notice">The chart needs JavaScript; the Table tab shows the same values.</p>
              </noscript>
            </div>
          ) : (
            <TrendTable dataset={dataset} trend={trend} />
          )}
          <p>
            <a id="trend-csv" href={`${base}/trend.csv?${trendQuery(trend)}`} download={`${spec.id}-${trend.measure}-trend.csv`}>
              Download these values as CSV
            </a>{' '}
            <span class="muted">(one row per key and period: the released value, noise and interval unchanged, and the status)</span>
          </p>
        </>
      )}
      <p class="muted">
        What the numbers mean: <a href={`${base}#about-text`}>About this data</a>. Every release's own files:{' '}
        <a href={`${base}#releases`}>all releases</a>.
      </p>
    </>
  );
}
