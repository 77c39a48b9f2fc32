/**
 * One organization: consent history with receipts, what ingest did per period, erasure receipts,
 * and the forms that change consent. Every form carries the session's CSRF token; destructive
 * forms ask for an explicit confirmation box rather than a script dialog.
 */
import { consentStatusAt, type OrganizationConsentStatus } from '../../consent/consent-coverage';
import type { ErasureReceipt } from '../../consent/erasure-service';
import type { Consent, Organization } from '../../db/schema';
import type { ConsentReportRow } from '../../reports/consent-report';
import { CsrfField } from '../shared/console-layout';
import { ConsentStatusBadge, DoneNotice } from './consent-status-badge';

export interface OrganizationPageProps {
  organization: Organization;
  status: OrganizationConsentStatus;
  consents: Consent[];
  periods: ConsentReportRow[];
  erasures: ErasureReceipt[];
  csrfToken: string;
  nowIso: string;
  done?: string | undefined;
  /** Field problems of a rejected form, by form name. */
  errors?: { form: 'grant' | 'revoke' | 'erasure'; messages: string[] } | undefined;
}

function FormErrors(props: { messages: string[] | undefined }) {
  if (!props.messages?.length) return null;
  return (
    <div class="notice error" role="alert">
      <ul>
        {props.messages.map((message) => (
          <li>{message}</li>
        ))}
      </ul>
    </div>
  );
}

export function OrganizationPage(props: OrganizationPageProps) {
  const { organization, csrfToken } = props;
  const base = `/console/privacy/orgs/${organization.id}`;
  const errorsFor = (form: 'grant' | 'revoke' | 'erasure') => (props.errors?.form === form ? props.errors.messages : undefined);
  const canRevoke = props.status === 'active' || props.status === 'scheduled';
  return (
    <>
      <h1>{organization.name}</h1>
      <p class="lead">
        {organization.sector} · {organization.size_band} employees · {organization.country} · consent <ConsentStatusBadge status={props.status} />
      </p>
      <DoneNotice done={props.done} />

      <h2>Consent history</h2>
      {props.consents.length === 0 ? (
        <p class="muted">No consent has been recorded for this organization.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Granted</th>
              <th>Policy</th>
              <th>Granted by</th>
              <th>Method</th>
              <th>Expires</th>
              <th>Revoked</th>
              <th>Status</th>
              <th>Receipt</th>
            </tr>
          </thead>
          <tbody>
            {props.consents.map((consent) => (
              <tr>
                <td>{consent.granted_at}</td>
                <td>{consent.policy_url ? <a href={consent.policy_url} rel="noreferrer">{consent.policy_version}</a> : consent.policy_version}</td>
                <td>{consent.granted_by}</td>
                <td>{consent.collection_method.replace(/_/g, ' ')}</td>
                <td>{consent.expires_at ?? '—'}</td>
                <td>{consent.revoked_at ? `${consent.revoked_at}: ${consent.revoke_reason ?? ''}` : '—'}</td>
                <td>
                  <ConsentStatusBadge status={consentStatusAt(consent, props.nowIso)} />
                </td>
                <td>
                  <a href={`${base}/consent/${consent.id}/receipt.json`}>JSON</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <div class="columns">
        <section>
          <h2>Record a consent grant</h2>
          <FormErrors messages={errorsFor('grant')} />
          <form method="post" action={`${base}/consent`} class="stacked" aria-label="Record a consent grant">
            <CsrfField token={csrfToken} />
            <input type="hidden" name="scope" value="research-telemetry" />
            <label>
              Policy version
              <input name="policyVersion" required maxlength={100} placeholder="2026-01" />
            </label>
            <label>
              Policy URL
              <input name="policyUrl" type="url" maxlength={2000} />
            </label>
            <label>
              Granted by (signatory name and role)
              <input name="grantedBy" required maxlength={200} />
            </label>
            <label>
              Collection method
              <select name="collectionMethod">
                <option value="signed_agreement">signed agreement</option>
                <option value="online_form">online form</option>
                <option value="email_confirmation">e-mail confirmation</option>
                <option value="other">other</option>
              </select>
            </label>
            <label>
              Evidence URL
              <input name="evidenceUrl" type="url" maxlength={2000} />
            </label>
            <label>
              Evidence SHA-256
              <input name="evidenceSha256" pattern="[0-9a-fA-F]{64}" maxlength={64} />
            </label>
            <label>
              Expires (UTC, optional)
              <input name="expiresAt" type="datetime-local" />
            </label>
            <button type="submit" class="primary">
              Record grant
            </button>
          </form>
        </section>

        <section>
          <h2>Revoke consent</h2>
          <FormErrors messages={errorsFor('revoke')} />
          {canRevoke ? (
            <form method="post" action={`${base}/consent/revoke`} class="stacked" aria-label="Revoke consent">
              <CsrfField token={csrfToken} />
              <label>
                Reason
                <textarea name="reason" required maxlength={1000} rows={2} />
              </label>
              <label class="check">
                <input type="checkbox" name="confirm" value="yes" required />
                <span>Stop ingest now and erase this organization's contributions to every period not yet released.</span>
              </label>
              <button type="submit" class="danger">
                Revoke and erase
              </button>
            </form>
          ) : (
            <p class="muted">No consent is open. Revoking again would only sweep up stray rows; use an erasure request for that.</p>
          )}

          <h2>Request erasure</h2>
          <FormErrors messages={errorsFor('erasure')} />
          <form method="post" action={`${base}/erasure`} class="stacked" aria-label="Request erasure">
            <CsrfField token={csrfToken} />
            <label>
              Reason (optional)
              <input name="reason" maxlength={1000} />
            </label>
            <label class="check">
              <input type="checkbox" name="confirm" value="yes" required />
              <span>Erase unreleased contributions now. Consent stays as it is; published releases are not changed.</span>
            </label>
            <button type="submit" class="danger">
              Erase unreleased data
            </button>
          </form>
        </section>
      </div>

      <h2>Events per period</h2>
      {props.periods.length === 0 ? (
        <p class="muted">No telemetry has been received from this organization.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Period</th>
              <th class="num">Accepted</th>
              <th class="num">Duplicates</th>
              <th class="num">Refused: no consent</th>
              <th class="num">Rejected (all reasons)</th>
              <th>Erased</th>
            </tr>
          </thead>
          <tbody>
            {props.periods.map((row) => (
              <tr>
                <td>{row.period}</td>
                <td class="num">{row.accepted}</td>
                <td class="num">{row.duplicate}</td>
                <td class="num">{row.consent_required}</td>
                <td class="num">{row.rejected_total}</td>
                <td>{row.erased ? 'yes' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Erasure receipts</h2>
      <ErasureTable erasures={props.erasures} />
    </>
  );
}

export function ErasureTable(props: { erasures: ErasureReceipt[]; names?: Map<string, string> }) {
  if (props.erasures.length === 0) return <p class="muted">No erasures.</p>;
  return (
    <table>
      <thead>
        <tr>
          {props.names ? <th>Organization</th> : null}
          <th>Requested</th>
          <th>Cause</th>
          <th>Periods erased</th>
          <th class="num">Rows removed</th>
          <th>Releases that already included its data</th>
          <th>Receipt</th>
        </tr>
      </thead>
      <tbody>
        {props.erasures.map((erasure) => (
          <tr>
            {props.names ? (
              <td>
                <a href={`/console/privacy/orgs/${erasure.orgId}`}>{props.names.get(erasure.orgId) ?? erasure.orgId}</a>
              </td>
            ) : null}
            <td>{erasure.requestedAt}</td>
            <td>{erasure.consentId ? 'consent revoked' : 'erasure request'}</td>
            <td>{erasure.periods.length ? erasure.periods.join(', ') : 'none held'}</td>
            <td class="num">{erasure.rowsRemoved}</td>
            <td>
              {erasure.releasesIncluding.length === 0
                ? 'none'
                : erasure.releasesIncluding.map((release) => `${release.datasetId} ${release.period}`).join(', ')}
            </td>
            <td class="mono">{erasure.id}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
