/**
 * What the dataset page shows of a release: its tidy rows pivoted to one row per cell with every
 * measure's value and interval, and one interval chart per measure (Chart.js configuration as
 * data: floating bars for the 95% interval, a marker for the published value).
 */
import type { CataloguedDataset } from '../../releases/dataset-catalogue';
import { MEASURE_UNITS } from '../../releases/dataset-catalogue';
import type { Measure } from '../../datasets/dataset-spec';

export interface PublishedValue {
  value: number;
  noiseSd: number;
  low: number;
  high: number;
}

export interface PublishedCell {
  dimensions: string[];
  values: Partial<Record<Measure, PublishedValue>>;
}

type TidyRow = Record<string, string | number>;

export const MEASURE_LABELS: Record<Measure, string> = {
  transfer_count: 'Transfers',
  distinct_organizations: 'Organizations',
  clamped_byte_sum: 'Bytes (clamped)',
};

/** "Bytes (clamped), MB (10^6 bytes)"; the unit is left out when it only repeats the label. */
export function measureTitle(measure: Measure, spec: Parameters<(typeof MEASURE_UNITS)[keyof typeof MEASURE_UNITS]>[0]): string {
  const label = MEASURE_LABELS[measure];
  const unit = MEASURE_UNITS[measure](spec);
  return unit.toLowerCase() === label.toLowerCase() ? label : `${label}, ${unit}`;
}

export function publishedCells(dataset: CataloguedDataset, rows: readonly TidyRow[]): PublishedCell[] {
  const names = dataset.spec.dimensions.map((dimension) => dimension.name);
  const cells = new Map<string, PublishedCell>();
  for (const row of rows) {
    // Suppressed keys have no values to chart (public keys: fewer than k organizations by the noisy count).
    if (row.status === 'suppressed') continue;
    const dimensions = names.map((name) => String(row[name]));
    const key = dimensions.join('\u001f');
    let cell = cells.get(key);
    if (!cell) {
      cell = { dimensions, values: {} };
      cells.set(key, cell);
    }
    cell.values[row.measure as Measure] = {
      value: Number(row.value),
      noiseSd: Number(row.noise_sd),
      low: Number(row.ci95_low),
      high: Number(row.ci95_high),
    };
  }
  return [...cells.values()];
}

export function intervalChart(dataset: CataloguedDataset, cells: readonly PublishedCell[], measure: Measure) {
  const labels = cells.map((cell) => cell.dimensions.join(' · '));
  const values = cells.map((cell) => cell.values[measure]);
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
      indexAxis: 'y',
      scales: { x: { title: { display: true, text: measureTitle(measure, dataset.spec) } } },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}
