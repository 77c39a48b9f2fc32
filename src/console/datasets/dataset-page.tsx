/**
 * `/console/datasets/{id}`: a dataset's latest (or chosen) release as a table and interval charts,
 * its downloads and how to verify them, its methodology, and every release with its chain link.
 */
import type { CataloguedDataset } from '../../releases/dataset-catalogue';
import type { ReleaseSummaryRow } from '../../releases/release-repository';
import { ChartCanvas } from '../shared/console-layout';
import { intervalChart, MEASURE_LABELS, measureTitle, type PublishedCell } from './dataset-release-view';

const short = (value: string) => `${value.slice(0, 8)}…`;
const formatInteger = (value: number) => value.toLocaleString('en-US');

function Downloads(props: { datasetId: string; release: ReleaseSummaryRow }) {
  const base = `/v1/releases/${props.release.id}`;
  const name = `${props.datasetId}-${props.release.period}`;
  return (
    <ul class="downloads">
      <li>
        <a href={`${base}/data.csv`} download={`${name}.csv`}>
          data.csv
        </a>{' '}
        (tidy: one row per cell and measure)
      </li>
      <li>
        <a href={`${base}/data.json`} download={`${name}.json`}>
          data.json
        </a>
      </li>
      <li>
        <a href={`${base}/datapackage.json`} download={`${name}.datapackage.json`}>
          datapackage.json
        </a>{' '}
        (Frictionless Data Package: schema, hashes, privacy parameters, chain link)
      </li>
      <li>
        <a href={`${base}/datapackage.json.sig`} download={`${name}.datapackage.json.sig`}>
          datapackage.json.sig
        </a>{' '}
        (Ed25519, key <a href={`/v1/signing-keys/${props.release.signing_key_id}.pem`}>{short(props.release.signing_key_id)}</a> in{' '}
        <a href="/.well-known/jwks.json">jwks.json</a>)
      </li>
    </ul>
  );
}

export function DatasetPage(props: {
  dataset: CataloguedDataset;
  releases: readonly ReleaseSummaryRow[];
  shown: ReleaseSummaryRow | undefined;
  cells: readonly PublishedCell[];
}) {
  const { dataset, shown, cells } = props;
  const { spec, plan } = dataset;
  return (
    <>
      <h1>{spec.title}</h1>
      <p class="lead">{spec.description}</p>

      {shown ? (
        <>
          <h2 id="release">
            Release {shown.period}
            {shown.id !== props.releases[0]?.id ? ' (an earlier release)' : ' (latest)'}
          </h2>
          <p class="muted">
            {plan.selection
              ? `Published ${shown.created_at}. ${cells.length} cell${cells.length === 1 ? '' : 's'} cleared the k-anonymity floor (${dataset.k} organizations) and the noisy selection threshold (${plan.selection.threshold}); other combinations are not published, which does not mean they are zero.`
              : `Published ${shown.created_at}. ${cells.length} of ${dataset.publicKeys?.length ?? 0} keys are published; the others are not published: fewer than ${dataset.k} organizations (by the noisy count), which does not mean they are zero.`}
          </p>
          <Downloads datasetId={spec.id} release={shown} />
          {cells.length === 0 ? (
            <p class="notice">No cell of this release met the publication thresholds.</p>
          ) : (
            <>
              {spec.measures.map((measure) => (
                <>
                  <h3>{measureTitle(measure, spec)}</h3>
                  <ChartCanvas
                    id={`chart-${measure}`}
                    label={`${MEASURE_LABELS[measure]} per cell with 95% intervals`}
                    config={intervalChart(dataset, cells, measure)}
                    height={`${Math.max(160, 60 + cells.length * 26)}px`}
                  />
                </>
              ))}
              <table id="release-table">
                <thead>
                  <tr>
                    {spec.dimensions.map((dimension) => (
                      <th>{dimension.title}</th>
                    ))}
                    {spec.measures.map((measure) => (
                      <th class="num">{`${MEASURE_LABELS[measure]} (95% interval)`}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {cells.map((cell) => (
                    <tr>
                      {cell.dimensions.map((value) => (
                        <td>{value}</td>
                      ))}
                      {spec.measures.map((measure) => {
                        const value = cell.values[measure];
                        return (
                          <td class="num">
                            {value ? `${formatInteger(value.value)} (${formatInteger(value.low)} to ${formatInteger(value.high)})` : '–'}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          <p class="muted">
            Intervals cover the bounded value (each organization capped at the bounds below) with probability at least 95%, not the
            unbounded true total. Values are not clipped after noise, so small ones can be negative.
          </p>
        </>
      ) : (
        <p class="notice">This dataset has not been released yet.</p>
      )}

      <h2 id="methodology">Methodology</h2>
      <dl class="stacked">
        <dt>What is counted</dt>
        <dd>{spec.methodology.counted}</dd>
        <dt>Privacy unit</dt>
        <dd>{spec.methodology.unit}</dd>
        <dt>Bounds</dt>
        <dd>
          {`At most ${spec.bounds.maxCellsPerOrganization} cells per organization (chosen at random when it has more), ${spec.bounds.maxTransfersPerCell} transfers${spec.measures.includes('clamped_byte_sum') ? ` and ${formatInteger(spec.bounds.maxBytesPerCell)} bytes` : ''} per organization and cell. `}
          {spec.bounds.rationale}
        </dd>
        <dt>Privacy</dt>
        <dd>
          {`${plan.accounting.summary}. Discrete ${plan.accounting.mechanism === 'gaussian' ? 'Gaussian' : 'Laplace'} noise, sampled exactly; noise standard deviation: `}
          {plan.measures.map((measure) => `${MEASURE_LABELS[measure.name as keyof typeof MEASURE_LABELS]} ${measure.noiseStandardDeviation.toPrecision(4)}`).join(', ')}
          {`. This dataset spends ${(spec.budgetShare * 100).toFixed(0)}% of each period's budget.`}
        </dd>
        <dt>Known biases</dt>
        <dd>
          <ul>
            {spec.methodology.knownBiases.map((bias) => (
              <li>{bias}</li>
            ))}
          </ul>
        </dd>
      </dl>
      <p>
        The full methodology card, with the exact noise parameters: <a href={`/v1/datasets/${spec.id}`}>/v1/datasets/{spec.id}</a>.
      </p>

      <h2 id="releases">All releases</h2>
      {props.releases.length === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <table id="releases-table">
          <thead>
            <tr>
              <th>Period</th>
              <th>Published</th>
              <th>Release</th>
              <th>datapackage.json SHA-256</th>
              <th>Previous release</th>
            </tr>
          </thead>
          <tbody>
            {props.releases.map((release) => (
              <tr>
                <td>
                  <a href={`/console/datasets/${spec.id}?release=${release.id}#release`}>{release.period}</a>
                </td>
                <td>{release.created_at}</td>
                <td class="mono">
                  <a href={`/v1/releases/${release.id}`}>{short(release.id)}</a>
                </td>
                <td class="mono">{short(release.package_sha256)}</td>
                <td class="mono">{release.previous_release_id ? short(release.previous_release_id) : 'first'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted">
        Verify a release and its chain: <code>npm run verify -- &lt;service&gt;/v1/releases/&lt;id&gt; --chain</code>, or with openssl (see
        docs/releases.md).
      </p>
    </>
  );
}
