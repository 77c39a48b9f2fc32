/** `/console/datasets`: every dataset with its privacy guarantee and its latest release. */
import type { CataloguedDataset, PeriodBudget } from '../../releases/dataset-catalogue';
import type { ReleaseSummaryRow } from '../../releases/release-repository';
import type { YearlyBudgetStatement } from '../../releases/yearly-budget';
import { keyCountsText } from './dataset-page';
import { DatasetsStyle } from './datasets-stylesheet';
import type { ReleaseKeyCounts } from './release-keys';

export function CataloguePage(props: {
  datasets: readonly CataloguedDataset[];
  latest: Map<string, ReleaseSummaryRow>;
  /** Published and not published keys of each dataset's latest release. */
  latestCounts: ReadonlyMap<string, ReleaseKeyCounts>;
  periodBudget: PeriodBudget;
  periodUnit: string;
  yearlyBudget: YearlyBudgetStatement;
}) {
  return (
    <>
      <DatasetsStyle />
      <h1>Datasets</h1>
      <p class="lead">
        Aggregate statistics on how AI-related content moves between organizations, published once per {props.periodUnit} with differential
        privacy: every number carries its noise and a 95% interval, and every release is a signed Frictionless Data Package.
      </p>
      <p class="muted">
        All datasets of one {props.periodUnit} together are ({props.periodBudget.epsilon.toPrecision(3)}, {props.periodBudget.delta.toExponential(1)}
        )-differentially private per contributing organization (zCDP rho = {props.periodBudget.rhoCharged.toPrecision(3)}).{' '}
        <span id="yearly-budget">{props.yearlyBudget.summary}</span> <a href="/v1/releases/schedule">When is the next release?</a>
      </p>
      <p class="muted">
        For programs: every dataset and release is also served by the API, described in the <a href="/docs">API reference</a> (
        <a href="/openapi.json">OpenAPI 3.1</a>).
      </p>
      <div class="cards">
        {props.datasets.map((dataset) => {
          const latest = props.latest.get(dataset.spec.id);
          const counts = props.latestCounts.get(dataset.spec.id);
          return (
            <section class="card" id={`dataset-${dataset.spec.id}`}>
              <h2>
                <a href={`/console/datasets/${dataset.spec.id}`}>{dataset.spec.title}</a>
              </h2>
              <p>{dataset.spec.description}</p>
              <p class="muted">
                {`Dimensions: ${dataset.spec.dimensions.map((dimension) => dimension.title).join(' × ')}. `}
                {`Privacy: ${dataset.plan.accounting.summary}; cells need at least ${dataset.k} organizations.`}
              </p>
              {latest ? (
                <p>
                  Latest release: <strong>{latest.period}</strong>
                  {counts ? (
                    <>
                      {' '}
                      (<span class={counts.published === 0 ? 'key-counts gap' : 'key-counts'}>{keyCountsText(counts)}</span>)
                    </>
                  ) : null}{' '}
                  · <a href={`/console/datasets/${dataset.spec.id}/trend`}>trend</a> ·{' '}
                  <a href={`/v1/releases/${latest.id}/data.csv`} download={`${dataset.spec.id}-${latest.period}.csv`}>
                    CSV
                  </a>{' '}
                  ·{' '}
                  <a href={`/v1/releases/${latest.id}/data.json`} download={`${dataset.spec.id}-${latest.period}.json`}>
                    JSON
                  </a>{' '}
                  · <a href={`/v1/releases/${latest.id}/datapackage.json`}>datapackage.json</a>
                </p>
              ) : (
                <p class="muted">Not released yet.</p>
              )}
            </section>
          );
        })}
      </div>
    </>
  );
}
