/**
 * `/console/datasets/{id}`: a dataset in plain words ("About this data"), its latest (or chosen)
 * release with every key (published with value and interval, or why it was not published) and
 * interval charts, its downloads and how to verify them, the exact methodology, and every release
 * with how many keys it published.
 */
import type { Measure } from '../../datasets/dataset-spec';
import { valueTitle } from '../../datasets/value-titles';
import type { CataloguedDataset } from '../../releases/dataset-catalogue';
import type { ReleaseSummaryRow } from '../../releases/release-repository';
import { ChartCanvas } from '../shared/console-layout';
import { intervalChart, intervalChartHeight, MEASURE_LABELS, measureTitle } from './dataset-release-view';
import { DatasetsStyle } from './datasets-stylesheet';
import { formatInterval, formatValue } from './number-format';
import { countKeys, publishedFirst, type ReleaseKey, type ReleaseKeyCounts } from './release-keys';
import { gapText } from './trend-view';

const short = (value: string) => `${value.slice(0, 8)}…`;

function Downloads(props: { datasetId: string; release: ReleaseSummaryRow }) {
  const base = `/v1/releases/${props.release.id}`;
  const name = `${props.datasetId}-${props.release.period}`;
  return (
    <ul class="downloads">
      <li>
        <a href={`${base}/data.csv`} download={`${name}.csv`}>
          data.csv
        </a>{' '}
        (tidy: one row per key and measure)
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

/** "12 keys published, 88 not published"; a release that published nothing says so. */
export function keyCountsText(counts: ReleaseKeyCounts): string {
  if (counts.published === 0) return `No keys published (${counts.suppressed} not published)`;
  return `${counts.published} key${counts.published === 1 ? '' : 's'} published, ${counts.suppressed} not published`;
}

/** The panel that explains a dataset before any number: what is counted, how to read noise and gaps, what is guaranteed. */
function AboutThisData(props: { dataset: CataloguedDataset; periodUnit: string; yearlyGuarantee: string }) {
  const { dataset, periodUnit } = props;
  const { spec } = dataset;
  return (
    <section class="about" id="about" aria-labelledby="about-title">
      <h2 id="about-title">About this data</h2>
      <dl>
        <dt>What is counted</dt>
        <dd>
          {spec.methodology.counted}{' '}
          {`Each ${periodUnit}'s release breaks this down by ${spec.dimensions.map((dimension) => dimension.title.toLowerCase()).join(', ')}; one combination of these is a key.`}
        </dd>
        <dt>Reading a value</dt>
        <dd>
          Every published number has random noise added on purpose, so that no single organization's data can be read from it. Read a
          value together with its 95% interval: the count (with each organization's contribution capped at this dataset's bounds) lies
          in that range with probability at least 95%. Differences smaller than the intervals may be noise alone, and a small value
          can even come out below zero.
        </dd>
        <dt>Why a value may be missing</dt>
        <dd>
          {`A key is published only when enough organizations contributed to it: at least k = ${dataset.k}, judged on the noisy count so that the decision itself reveals nothing. Otherwise it is shown as "not published: fewer than k organizations". Not published does not mean zero.`}
        </dd>
        <dt>What is guaranteed to an organization</dt>
        <dd>{props.yearlyGuarantee}</dd>
      </dl>
      <p class="muted">
        The exact parameters (bounds, noise, budget): <a href="#methodology">methodology</a> below, and the machine-readable card{' '}
        <a href={`/v1/datasets/${spec.id}`}>/v1/datasets/{spec.id}</a>.
      </p>
    </section>
  );
}

function ReleaseTable(props: { dataset: CataloguedDataset; keys: readonly ReleaseKey[] }) {
  const { dataset } = props;
  const { spec } = dataset;
  const measures = spec.measures as readonly Measure[];
  return (
    <div class="table-scroll">
      <table id="release-table" class="stack">
        <thead>
          <tr>
            {spec.dimensions.map((dimension) => (
              <th scope="col">{dimension.title}</th>
            ))}
            {measures.map((measure) => (
              <th scope="col" class="num">{`${measureTitle(measure, spec)} (95% interval)`}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {publishedFirst(props.keys).map((key) => (
            <tr data-key={key.id} data-status={key.status}>
              {key.dimensions.map((value, index) => (
                <td data-label={spec.dimensions[index]!.title} title={value}>
                  {valueTitle(spec.dimensions[index]!, value)}
                </td>
              ))}
              {key.status === 'published' ? (
                measures.map((measure) => {
                  const value = key.values[measure];
                  return (
                    <td class="num" data-label={MEASURE_LABELS[measure]}>
                      {value ? `${formatValue(value.value)} (${formatInterval(value.low, value.high)})` : '–'}
                    </td>
                  );
                })
              ) : (
                <td class="gap" colspan={measures.length} data-label="Value">
                  {gapText(dataset, { status: key.status, ...(key.suppressionReason !== undefined ? { suppressionReason: key.suppressionReason } : {}) })}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DatasetPage(props: {
  dataset: CataloguedDataset;
  releases: readonly ReleaseSummaryRow[];
  shown: ReleaseSummaryRow | undefined;
  keys: readonly ReleaseKey[];
  /** Key counts of the releases whose files were read (the newest ones), by release id. */
  historyCounts: ReadonlyMap<string, ReleaseKeyCounts>;
  periodUnit: string;
  yearlyGuarantee: string;
}) {
  const { dataset, shown, keys } = props;
  const { spec, plan } = dataset;
  const published = keys.filter((key) => key.status === 'published');
  const counts = countKeys(keys);
  return (
    <>
      <DatasetsStyle />
      <h1>{spec.title}</h1>
      <p class="lead">{spec.description}</p>
      {props.releases.length > 0 ? (
        <p>
          <a id="trend-link" href={`/console/datasets/${spec.id}/trend`}>
            {`Trend over time: every ${props.periodUnit} released so far →`}
          </a>
        </p>
      ) : null}

      <AboutThisData dataset={dataset} periodUnit={props.periodUnit} yearlyGuarantee={props.yearlyGuarantee} />

      {shown ? (
        <>
          <h2 id="release">
            Release {shown.period}
            {shown.id !== props.releases[0]?.id ? ' (an earlier release)' : ' (latest)'}
          </h2>
          <p class="muted">
            Published {shown.created_at}. <span class="key-counts">{keyCountsText(counts)}.</span>
          </p>
          <Downloads datasetId={spec.id} release={shown} />
          {published.length === 0 ? (
            <p class="notice" id="no-keys-published">
              {`This release published no keys: none had enough organizations (at least k = ${dataset.k}). It still counts as the ${props.periodUnit}'s release and is signed and chained like any other.`}
            </p>
          ) : (
            (spec.measures as readonly Measure[]).map((measure) => (
              <>
                <h3>{measureTitle(measure, spec)}</h3>
                <ChartCanvas
                  id={`chart-${measure}`}
                  label={`${MEASURE_LABELS[measure]} per published key with 95% intervals`}
                  config={intervalChart(dataset, published, measure)}
                  height={intervalChartHeight(dataset, published.length)}
                />
              </>
            ))
          )}
          <h3 id="keys">Every key of this release</h3>
          <ReleaseTable dataset={dataset} keys={keys} />
          <p class="muted">
            Intervals cover the bounded value (each organization capped at the bounds below) with probability at least 95%, not the
            unbounded true total.
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
          {`At most ${formatValue(spec.bounds.maxCellsPerOrganization)} cells per organization (chosen at random when it has more), ${formatValue(spec.bounds.maxTransfersPerCell)} transfers${spec.measures.includes('clamped_byte_sum') ? ` and ${formatValue(spec.bounds.maxBytesPerCell)} bytes` : ''} per organization and cell. `}
          {spec.bounds.rationale}
        </dd>
        <dt>Privacy</dt>
        <dd>
          {`${plan.accounting.summary}. Discrete ${plan.accounting.mechanism === 'gaussian' ? 'Gaussian' : 'Laplace'} noise, sampled exactly; noise standard deviation: `}
          {plan.measures.map((measure) => `${MEASURE_LABELS[measure.name as Measure] ?? measure.name} ${formatValue(Number(measure.noiseStandardDeviation.toPrecision(4)))}`).join(', ')}
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
        <div class="table-scroll">
          <table id="releases-table" class="stack">
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Keys</th>
                <th scope="col">Published</th>
                <th scope="col">Release</th>
                <th scope="col">datapackage.json SHA-256</th>
                <th scope="col">Previous release</th>
              </tr>
            </thead>
            <tbody>
              {props.releases.map((release) => {
                const releaseCounts = props.historyCounts.get(release.id);
                return (
                  <tr data-release={release.id}>
                    <td data-label="Period">
                      <a href={`/console/datasets/${spec.id}?release=${release.id}#release`}>{release.period}</a>
                    </td>
                    <td data-label="Keys" class={releaseCounts?.published === 0 ? 'gap' : undefined}>
                      {releaseCounts ? keyCountsText(releaseCounts) : '–'}
                    </td>
                    <td data-label="Published">{release.created_at}</td>
                    <td class="mono" data-label="Release">
                      <a href={`/v1/releases/${release.id}`}>{short(release.id)}</a>
                    </td>
                    <td class="mono" data-label="SHA-256">
                      {short(release.package_sha256)}
                    </td>
                    <td class="mono" data-label="Previous">
                      {release.previous_release_id ? short(release.previous_release_id) : 'first'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted">
        Verify a release and its chain: <code>npm run verify -- &lt;service&gt;/v1/releases/&lt;id&gt; --chain</code>, or with openssl (see
        docs/releases.md).
      </p>
    </>
  );
}
