/**
 * The dataset page's chart of a release: one measure over the published keys the key table shows
 * (Chart.js configuration as data: floating bars for the 95% interval, a marker for the published
 * value; shares in percent on a 0–100 axis). Category labels are the keys' readable titles, one
 * dimension per line, so that they stay narrow on a phone.
 */
import type { CataloguedDataset } from '../../releases/dataset-catalogue';
import { valueTitle } from '../../datasets/value-titles';
import { axisTitle, chartScaleOf } from './measure-display';
import type { ReleaseKey } from './release-keys';

/** Height that gives every key's (multi-line) label room. */
export function intervalChartHeight(dataset: CataloguedDataset, keys: number): string {
  return `${Math.max(160, 70 + keys * (14 + 14 * dataset.spec.dimensions.length))}px`;
}

/** The chart of one measure over the given published keys; a key without a value of that measure (suppressed on its own) has no bar. */
export function intervalChart(dataset: CataloguedDataset, published: readonly ReleaseKey[], measure: string) {
  const labels = published.map((key) => key.dimensions.map((value, index) => valueTitle(dataset.spec.dimensions[index]!, value)));
  const scale = chartScaleOf(measure);
  const values = published.map((key) => {
    const value = key.values[measure];
    return value ? { value: value.value * scale.factor, low: value.low * scale.factor, high: value.high * scale.factor } : undefined;
  });
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: '95% interval (bounded value)',
          data: values.map((value) => (value ? [value.low, value.high] : null)),
          backgroundColor: 'rgba(9, 105, 218, 0.25)',
          borderColor: '#0969da',
          borderWidth: 1,
          barPercentage: 0.7,
        },
        {
          type: 'line',
          label: 'Published value',
          data: values.map((value) => value?.value ?? null),
          showLine: false,
          pointStyle: 'rectRot',
          pointRadius: 5,
          backgroundColor: '#cf222e',
          borderColor: '#cf222e',
        },
      ],
    },
    options: {
      locale: 'en-US',
      indexAxis: 'y',
      scales: {
        x: {
          title: { display: true, text: axisTitle(measure, dataset.spec) },
          ...(scale.min !== undefined ? { min: scale.min } : {}),
          ...(scale.max !== undefined ? { max: scale.max } : {}),
        },
        y: { ticks: { autoSkip: false } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}
