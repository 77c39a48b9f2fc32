/**
 * What the dataset page shows of one release: measure titles with their units, and one interval
 * chart per measure over the published keys (Chart.js configuration as data: floating bars for the
 * 95% interval, a marker for the published value). Category labels are the keys' readable titles,
 * one dimension per line, so that they stay narrow on a phone.
 */
import type { CataloguedDataset } from '../../releases/dataset-catalogue';
import { MEASURE_UNITS } from '../../releases/dataset-catalogue';
import type { Measure } from '../../datasets/dataset-spec';
import { valueTitle } from '../../datasets/value-titles';
import type { ReleaseKey } from './release-keys';

export const MEASURE_LABELS: Record<Measure, string> = {
  transfer_count: 'Transfers',
  distinct_organizations: 'Organizations',
  clamped_byte_sum: 'Bytes (clamped)',
  organization_share: "Share of the average organization's transfers",
};

/** "Bytes (clamped), MB (10^6 bytes)"; the unit is left out when it only repeats the label. */
export function measureTitle(measure: Measure, spec: Parameters<(typeof MEASURE_UNITS)[keyof typeof MEASURE_UNITS]>[0]): string {
  const label = MEASURE_LABELS[measure];
  const unit = MEASURE_UNITS[measure](spec);
  return unit.toLowerCase() === label.toLowerCase() ? label : `${label}, ${unit}`;
}

/** Height that gives every key's (multi-line) label room. */
export function intervalChartHeight(dataset: CataloguedDataset, keys: number): string {
  return `${Math.max(160, 70 + keys * (14 + 14 * dataset.spec.dimensions.length))}px`;
}

export function intervalChart(dataset: CataloguedDataset, published: readonly ReleaseKey[], measure: Measure) {
  const labels = published.map((key) => key.dimensions.map((value, index) => valueTitle(dataset.spec.dimensions[index]!, value)));
  const values = published.map((key) => key.values[measure]);
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
      scales: { x: { title: { display: true, text: measureTitle(measure, dataset.spec) } }, y: { ticks: { autoSkip: false } } },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}
