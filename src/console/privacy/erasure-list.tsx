/**
 * Erasure receipts in a privacy officer's words: who asked and why, what was removed, and which
 * published releases already held the organization's data (they stay published; differential
 * privacy bounds what they reveal).
 */
import type { ErasureReceipt } from '../../consent/erasure-service';
import { formatCount } from '../shared/format';
import { DateText } from '../shared/notice';
import type { ConsoleNames } from './privacy-console-data';

/** More than this many releases are summarised as "and n more". */
const RELEASES_SHOWN = 4;

export function erasureReceiptPath(erasure: ErasureReceipt): string {
  return `/console/privacy/erasures/${erasure.id}`;
}

function Requester(props: { erasure: ErasureReceipt; names: ConsoleNames }) {
  const key = props.names.keys.get(props.erasure.requestedBy);
  return key ? (
    <>
      key <q>{key.label}</q> ({key.role.replace(/_/g, ' ')})
    </>
  ) : (
    <span class="mono">{props.erasure.requestedBy.slice(0, 8)}</span>
  );
}

export function ErasureSummary(props: { erasure: ErasureReceipt; names: ConsoleNames; reason: string | undefined; showOrganization?: boolean }) {
  const { erasure, names } = props;
  const releases = erasure.releasesIncluding;
  return (
    <li class="erasure" id={`erasure-${erasure.id}`}>
      <p class="erasure-title">
        {props.showOrganization ? (
          <>
            <a href={`/console/privacy/orgs/${erasure.orgId}`}>{names.organizations.get(erasure.orgId) ?? erasure.orgId}</a>
            {' · '}
          </>
        ) : null}
        <DateText iso={erasure.requestedAt} time /> · {erasure.consentId ? 'consent was revoked' : 'erasure requested'} by{' '}
        <Requester erasure={erasure} names={names} />
      </p>
      <dl class="facts compact">
        <dt>Reason</dt>
        <dd>{props.reason ? `“${props.reason}”` : <span class="muted">none given</span>}</dd>
        <dt>Removed</dt>
        <dd>
          {erasure.periods.length
            ? `its unreleased contributions to ${erasure.periods.join(', ')} (${formatCount(erasure.rowsRemoved)} stored counter rows deleted)`
            : 'nothing: no unreleased contributions were held'}
        </dd>
        <dt>Already published</dt>
        <dd>
          {releases.length === 0
            ? 'no release had included its data'
            : `${releases
                .slice(0, RELEASES_SHOWN)
                .map((release) => `${release.datasetId} ${release.period}`)
                .join(', ')}${releases.length > RELEASES_SHOWN ? ` and ${releases.length - RELEASES_SHOWN} more` : ''} (these stay published)`}
        </dd>
        <dt>Receipt</dt>
        <dd>
          <a href={erasureReceiptPath(erasure)}>printable</a> · <a href={`${erasureReceiptPath(erasure)}/receipt.json`}>JSON</a>
        </dd>
      </dl>
    </li>
  );
}

export function ErasureList(props: { erasures: ErasureReceipt[]; names: ConsoleNames; reasons: Map<string, string>; showOrganization?: boolean }) {
  if (props.erasures.length === 0) return <p class="muted empty">No erasures.</p>;
  return (
    <ul class="erasures" id="erasure-list">
      {props.erasures.map((erasure) => (
        <ErasureSummary erasure={erasure} names={props.names} reason={props.reasons.get(erasure.id)} showOrganization={props.showOrganization} />
      ))}
    </ul>
  );
}

/** One receipt on one printable page, every release listed. */
export function ErasureReceiptPage(props: { erasure: ErasureReceipt; names: ConsoleNames; reason: string | undefined }) {
  const { erasure, names } = props;
  return (
    <article class="certificate" id="erasure-receipt">
      <h1>Erasure receipt</h1>
      <dl class="facts">
        <dt>Receipt</dt>
        <dd>
          <code>{erasure.id}</code>
        </dd>
        <dt>Organization</dt>
        <dd>
          <a href={`/console/privacy/orgs/${erasure.orgId}`}>{names.organizations.get(erasure.orgId) ?? erasure.orgId}</a>
        </dd>
        <dt>Cause</dt>
        <dd>{erasure.consentId ? 'consent was revoked' : 'erasure request'}</dd>
        <dt>Requested by</dt>
        <dd>
          <Requester erasure={erasure} names={names} />
        </dd>
        <dt>Reason</dt>
        <dd>{props.reason ?? 'none given'}</dd>
        <dt>Requested</dt>
        <dd>
          <DateText iso={erasure.requestedAt} time />
        </dd>
        <dt>Completed</dt>
        <dd>
          <DateText iso={erasure.completedAt} time />
        </dd>
        <dt>Removed</dt>
        <dd>
          {erasure.periods.length
            ? `unreleased contributions to ${erasure.periods.join(', ')}: ${formatCount(erasure.rowsRemoved)} stored counter rows deleted`
            : 'nothing: no unreleased contributions were held'}
        </dd>
        <dt>Releases that already included its data</dt>
        <dd>
          {erasure.releasesIncluding.length === 0 ? (
            'none'
          ) : (
            <ul>
              {erasure.releasesIncluding.map((release) => (
                <li>{`${release.datasetId} ${release.period}`}</li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      <p class="muted">
        Published releases are not withdrawn: each is differentially private, which bounds what it reveals about any one organization.
      </p>
      <p class="no-print">
        <a href={`${erasureReceiptPath(erasure)}/receipt.json`}>This receipt as JSON</a> · <a href="/console/privacy/erasures">All erasures</a>
      </p>
    </article>
  );
}
