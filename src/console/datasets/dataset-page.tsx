/**
 * `/console/datasets/{id}`: a dataset in plain words ("About this data"), its latest (or chosen)
 * release with every key (published with value and interval, or why it was not published) and
 * interval charts, its downloads and how to verify them, the exact methodology, and every release
 * with how many keys it published.
 */
import type { CataloguedDataset } from '../../releases/dataset-catalogue';
import type { ReleaseSummaryRow } from '../../releases/release-repository';
import { DataTable, type TableColumn, tableView } from '../shared/data-table';
import { formatCount, formatDateTime, formatDecimal } from '../shared/format';
import { DatasetsStyle } from './datasets-stylesheet';
import { isShareMeasure, measureLabel, shareDimensionOf, shareExplanation } from './measure-display';
import { ReleaseKeyTable } from './release-key-table';
import { countKeys, type ReleaseKey, type ReleaseKeyCounts } from './release-keys';

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
        <span class="muted">(one row per key and measure)</span>
      </li>
      <li>
        <a href={`${base}/data.json`} download={`${name}.json`}>
          data.json
        </a>
      </li>
      <li>
        <a href={`${base}/noisy-measurements.csv`} download={`${name}.noisy-measurements.csv`}>
          noisy-measurements.csv
        </a>{' '}
        <span class="muted">(unbiased, before tidying, with noise standard deviations: the ones to sum or average)</span>
      </li>
      <li>
        <a href={`${base}/datapackage.json`} download={`${name}.datapackage.json`}>
          datapackage.json
        </a>{' '}
        <span class="muted">(Frictionless: schema, hashes, privacy parameters, chain link)</span>
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
  const shares = (spec.measures as readonly string[]).some(isShareMeasure);
  return (
    // Closed by default: on a phone the panel is three screens long. The summary line carries the one
    // thing every reader must know before any number; the rest is one tap away.
    <details class="about" id="about">
      <summary>
        <h2 id="about-title">About this data</h2>{' '}
        <span class="summary-line">Every value carries noise; read it with its 95% interval.</span>
      </summary>
      {/* Links point inside the closed panel: following them opens it (fragment navigation reveals closed details). */}
      <dl id="about-text">
        <dt>What is counted</dt>
        <dd>
          {spec.methodology.counted}{' '}
          {`Each ${periodUnit}'s release breaks this down by ${spec.dimensions.map((dimension) => dimension.title.toLowerCase()).join(', ')}; one combination of these is a key.`}
        </dd>
        <dt>Reading a value</dt>
        <dd>
          Every published number has random noise added on purpose, so that no single organization's data can be read from it. Read a
          value together with its 95% interval: the count (with each organization's contribution capped at this dataset's bounds) lies
          in that range with probability at least 95%. Differences smaller than the intervals may be noise alone.
        </dd>
        <dt>Published values are tidied; the raw measurements are kept</dt>
        <dd>
          The published values are post-processed: counts are made whole numbers that are never negative, and consistent with each other
          (a key never shows fewer transfers than organizations). This makes small values slightly too high on average. The unbiased noisy
          measurements, before this step and with their noise standard deviations, are in each release's{' '}
          <code>noisy-measurements.csv</code>: use those to add up or average over keys.
        </dd>
        {shares ? (
          <>
            <dt>{measureLabel('organization_share')}</dt>
            <dd id="share-explanation">
              {`${shareExplanation(spec)} It is shown as a percentage with its 95% interval, e.g. "34.5 % (95 %: 28.1–40.9 %)"; the release files hold it as a proportion between 0 and 1.`}
            </dd>
          </>
        ) : null}
        <dt>Why a value may be missing</dt>
        <dd>
          {`A key is published only when enough organizations contributed to it: at least k = ${dataset.k}, judged on the noisy count so that the decision itself reveals nothing. Otherwise it is shown as "not published: fewer than k organizations". Not published does not mean zero.`}
          {shares
            ? ` A share is judged on its group instead (the keys that differ only in ${shareDimensionOf(spec)?.title.toLowerCase() ?? 'the share dimension'}): it can be published where the key's own counts are not, and the other way round.`
            : ''}
        </dd>
        <dt>Why a key with no organizations can appear</dt>
        <dd>
          {`Every possible key is listed in every release, whether or not anyone contributed to it, and its noise is drawn all the same. Now and then noise alone lifts an empty key's noisy organization count to k, and the key is published. A published value near 0 with a wide interval therefore means "few or none", not a measured small number.`}
        </dd>
        <dt>What is guaranteed to an organization</dt>
        <dd>{props.yearlyGuarantee}</dd>
      </dl>
      <p class="muted">
        The exact parameters (bounds, noise, budget): <a href="#methodology-text">methodology</a> below, and the machine-readable card{' '}
        <a href={`/v1/datasets/${spec.id}`}>/v1/datasets/{spec.id}</a>.
      </p>
    </details>
  );
}

interface ReleaseHistoryRow {
  release: ReleaseSummaryRow;
  counts: ReleaseKeyCounts | undefined;
}

/** The newest few on the dataset page; the pager below the table reaches every older one. */
const RELEASES_PAGE_SIZE = 5;

function releaseColumns(datasetId: string): TableColumn<ReleaseHistoryRow>[] {
  return [
    {
      key: 'period',
      label: 'Period',
      cellClass: 'release-period',
      render: (row) => <a href={`/console/datasets/${datasetId}?release=${row.release.id}#release`}>{row.release.period}</a>,
      sortBy: (row) => row.release.period,
    },
    {
      key: 'keys',
      label: 'Keys',
      cellClass: 'release-keys',
      render: (row) => (row.counts ? <span class={row.counts.published === 0 ? 'gap' : undefined}>{keyCountsText(row.counts)}</span> : '–'),
      sortBy: (row) => row.counts?.published ?? null,
    },
    {
      key: 'published',
      label: 'Published',
      render: (row) => <time datetime={row.release.created_at}>{formatDateTime(row.release.created_at)}</time>,
      sortBy: (row) => row.release.created_at,
    },
    { key: 'release', label: 'Release', cellClass: 'release-id', mono: true, render: (row) => <a href={`/v1/releases/${row.release.id}`}>{short(row.release.id)}</a>, sortBy: false },
    { key: 'sha256', label: 'datapackage.json SHA-256', cardLabel: 'SHA-256', cellClass: 'release-id', mono: true, render: (row) => short(row.release.package_sha256), sortBy: false },
    {
      key: 'previous',
      label: 'Previous release',
      cardLabel: 'Previous',
      cellClass: 'release-id',
      mono: true,
      render: (row) => (row.release.previous_release_id ? short(row.release.previous_release_id) : 'first'),
      sortBy: false,
    },
  ];
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
  /** The page's query: the key table's filters, sort and page, the charted measure, the release history's sort and page. */
  query: Record<string, string>;
}) {
  const { dataset, shown, keys, query } = props;
  const { spec, plan } = dataset;
  const path = `/console/datasets/${spec.id}`;
  const counts = countKeys(keys);
  const history = props.releases.map((release) => ({ release, counts: props.historyCounts.get(release.id) }));
  const historyColumns = releaseColumns(spec.id);
  const shareOver = shareDimensionOf(spec);
  return (
    <>
      <DatasetsStyle />
      <h1>{spec.title}</h1>
      <p class="lead">{spec.description}</p>
      <nav class="jump" aria-label="On this page">
        {shown ? <a href="#keys">Keys</a> : null}
        {props.releases.length > 0 ? (
          <a id="trend-link" href={`${path}/trend`}>
            {`Trend over time →`}
          </a>
        ) : null}
        <a href="#methodology-text">Methodology</a>
        <a href="#releases">All releases</a>
      </nav>

      <AboutThisData dataset={dataset} periodUnit={props.periodUnit} yearlyGuarantee={props.yearlyGuarantee} />

      {shown ? (
        <>
          <h2 id="release">
            Release {shown.period}
            {shown.id !== props.releases[0]?.id ? ' (an earlier release)' : ' (latest)'}
          </h2>
          <p class="muted">
            Published <time datetime={shown.created_at}>{formatDateTime(shown.created_at)}</time>. <span class="key-counts">{keyCountsText(counts)}.</span>
          </p>
          <Downloads datasetId={spec.id} release={shown} />
          {counts.published === 0 ? (
            <p class="notice" id="no-keys-published">
              {`This release published no keys: none had enough organizations (at least k = ${dataset.k}). It still counts as the ${props.periodUnit}'s release and is signed and chained like any other.`}
            </p>
          ) : null}
          <h3 id="keys">Every key of this release</h3>
          {shareOver ? (
            <p class="muted">{`Shares are taken over ${shareOver.title.toLowerCase()}: the shares of the keys that differ only in it add up to about 100 %.`}</p>
          ) : null}
          <ReleaseKeyTable dataset={dataset} keys={keys} query={query} path={path} />
          <p class="muted">
            Intervals cover the bounded value (each organization capped at the bounds below) with probability at least 95%, not the
            unbounded true total.
          </p>
        </>
      ) : (
        <p class="notice">This dataset has not been released yet.</p>
      )}

      <details class="methodology" id="methodology">
        <summary>
          <h2 id="methodology-title">Methodology</h2>{' '}
          <span class="summary-line">{`Bounds, noise and budget: ${plan.accounting.summary}.`}</span>
        </summary>
      <dl class="stacked" id="methodology-text">
        <dt>What is counted</dt>
        <dd>{spec.methodology.counted}</dd>
        <dt>Privacy unit</dt>
        <dd>{spec.methodology.unit}</dd>
        <dt>Bounds</dt>
        <dd>
          {`At most ${formatCount(spec.bounds.maxCellsPerOrganization)} cells per organization (chosen at random when it has more), ${formatCount(spec.bounds.maxTransfersPerCell)} transfers${spec.measures.includes('clamped_byte_sum') ? ` and ${formatCount(spec.bounds.maxBytesPerCell)} bytes` : ''} per organization and cell.`}
          <details class="rationale">
            <summary>Why these bounds and this budget</summary>
            {spec.bounds.rationale}
          </details>
        </dd>
        <dt>Privacy</dt>
        <dd>
          {`${plan.accounting.summary}. Discrete ${plan.accounting.mechanism === 'gaussian' ? 'Gaussian' : 'Laplace'} noise, sampled exactly; noise standard deviation: `}
          {plan.measures
            .map((measure) =>
              isShareMeasure(measure.name)
                ? // Shares are noised as sums on a grid of units per organization; in organizations the figure reads directly.
                  `${measureLabel(measure.name)} ${formatDecimal(measure.noiseStandardDeviation / measure.maxPerContributorPerCell, 3)} organizations on each key's sum of shares`
                : `${measureLabel(measure.name)} ${formatDecimal(measure.noiseStandardDeviation, 4)}`,
            )
            .join(', ')}
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
      </details>

      <h2 id="releases">All releases</h2>
      <DataTable
        id="releases-table"
        caption="All releases of this dataset, newest first"
        captionHidden
        columns={historyColumns}
        view={tableView(history, historyColumns, query, { pageSize: RELEASES_PAGE_SIZE, prefix: 'releases-' })}
        path={path}
        query={query}
        anchor="releases"
        empty="None yet."
        rowAttributes={(row) => ({ 'data-release': row.release.id })}
      />
      <p class="muted">
        Verify a release and its chain: <code>npm run verify -- &lt;service&gt;/v1/releases/&lt;id&gt; --chain</code>, or with openssl (see
        docs/releases.md).
      </p>
    </>
  );
}
