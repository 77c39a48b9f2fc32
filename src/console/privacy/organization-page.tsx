/**
 * One organization: what is known first (consent history with receipts, its privacy loss against
 * the yearly cap, what ingest did per period, erasure receipts), then the forms that change
 * consent. Every form carries the session's CSRF token; a rejected form comes back with what was
 * typed and each problem beside its field. Destructive forms ask for an explicit confirmation box
 * rather than a script dialog.
 */
import type { Child } from 'hono/jsx';
import { consentStatusAt, type OrganizationConsentStatus } from '../../consent/consent-coverage';
import type { ErasureReceipt } from '../../consent/erasure-service';
import type { Consent, Organization } from '../../db/schema';
import type { ConsentReportRow } from '../../reports/consent-report';
import type { PrivacyLossReportRow } from '../../reports/privacy-loss-report';
import { CsrfField } from '../shared/console-layout';
import { DataTable, type TableColumn, tableView } from '../shared/data-table';
import { formatDecimal } from '../shared/format';
import { DateText, PeriodText } from '../shared/notice';
import { CapShare } from './budget-page';
import { ConsentStatusBadge, DoneNotice } from './consent-status-badge';
import { ErasureList } from './erasure-list';
import type { ConsoleNames } from './privacy-console-data';

export type ConsoleFormName = 'grant' | 'revoke' | 'erasure';

/** A rejected form: the values as typed, and a plain-language message per field (`form` for the whole form). */
export interface FormState {
  form: ConsoleFormName;
  values: Record<string, string>;
  fieldErrors: Record<string, string>;
}

export interface OrganizationPageProps {
  organization: Organization;
  status: OrganizationConsentStatus;
  consents: Consent[];
  periods: ConsentReportRow[];
  erasures: ErasureReceipt[];
  loss: PrivacyLossReportRow | null;
  reasons: Map<string, string>;
  names: ConsoleNames;
  csrfToken: string;
  nowIso: string;
  query: Record<string, string>;
  done?: string | undefined;
  rejected?: FormState | undefined;
}

const PERIOD_COLUMNS: TableColumn<ConsentReportRow>[] = [
  { key: 'period', label: 'Period', render: (row) => <PeriodText id={row.period} /> },
  { key: 'accepted', label: 'Accepted (by event time)', numeric: true },
  { key: 'duplicate', label: 'Duplicates (by event time)', numeric: true },
  { key: 'consent_required', label: 'Refused, no consent (by time received)', numeric: true },
  { key: 'rejected_total', label: 'Rejected, all reasons (by event time; unreadable events by time received)', numeric: true },
  { key: 'erased', label: 'Erased', render: (row) => (row.erased ? 'yes' : 'no') },
];

function consentColumns(base: string, nowIso: string): TableColumn<Consent>[] {
  return [
    { key: 'granted_at', label: 'Granted', render: (consent) => <DateText iso={consent.granted_at} />, sortBy: (consent) => consent.granted_at },
    {
      key: 'policy_version',
      label: 'Policy',
      render: (consent) => (consent.policy_url ? <a href={consent.policy_url} rel="noreferrer">{consent.policy_version}</a> : consent.policy_version),
    },
    { key: 'granted_by', label: 'Granted by' },
    { key: 'collection_method', label: 'Method', render: (consent) => consent.collection_method.replace(/_/g, ' '), sortBy: false },
    { key: 'expires_at', label: 'Expires', render: (consent) => <DateText iso={consent.expires_at} />, sortBy: (consent) => consent.expires_at },
    {
      key: 'revoked_at',
      label: 'Revoked',
      render: (consent) =>
        consent.revoked_at ? (
          <>
            <DateText iso={consent.revoked_at} />
            {consent.revoke_reason ? `: ${consent.revoke_reason}` : ''}
          </>
        ) : (
          <span class="muted">—</span>
        ),
      sortBy: (consent) => consent.revoked_at,
    },
    { key: 'status', label: 'Status', render: (consent) => <ConsentStatusBadge status={consentStatusAt(consent, nowIso)} /> },
    { key: 'receipt', label: 'Receipt', render: (consent) => <a href={`${base}/consent/${consent.id}/receipt.json`}>JSON</a> },
  ];
}

/** A labelled field whose problem, if any, sits right under its label and is tied to the input for screen readers. */
function Field(props: { name: string; label: string; state: FormState | undefined; formName: ConsoleFormName; hint?: string; children: (attrs: Record<string, string | undefined>) => Child }) {
  const error = props.state?.form === props.formName ? props.state.fieldErrors[props.name] : undefined;
  const errorId = `${props.formName}-${props.name}-error`;
  return (
    <label>
      {props.label}
      {props.hint ? <span class="muted hint">{props.hint}</span> : null}
      {error ? (
        <span class="field-error" id={errorId}>
          {error}
        </span>
      ) : null}
      {props.children({ 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': error ? errorId : undefined })}
    </label>
  );
}

function FormProblem(props: { state: FormState | undefined; formName: ConsoleFormName }) {
  const message = props.state?.form === props.formName ? props.state.fieldErrors.form : undefined;
  const count = props.state?.form === props.formName ? Object.keys(props.state.fieldErrors).length : 0;
  if (!count) return null;
  return (
    <p class="notice error" role="alert">
      {message ?? `The form was not saved. Correct the ${count === 1 ? 'field' : `${count} fields`} marked below.`}
    </p>
  );
}

export function OrganizationPage(props: OrganizationPageProps) {
  const { organization, csrfToken, loss } = props;
  const base = `/console/privacy/orgs/${organization.id}`;
  const state = props.rejected;
  const typed = (form: ConsoleFormName, name: string, fallback = '') => (state?.form === form ? (state.values[name] ?? fallback) : fallback);
  const canRevoke = props.status === 'active' || props.status === 'scheduled';
  const consentTable = consentColumns(base, props.nowIso);
  return (
    <>
      <h1>{organization.name}</h1>
      <p class="lead">
        {organization.sector.replace(/_/g, ' ')} · {organization.size_band} employees · {organization.country} · consent{' '}
        <ConsentStatusBadge status={props.status} />
      </p>
      <DoneNotice done={props.done} />

      <h2 id="loss">Privacy loss, last 12 months</h2>
      {loss ? (
        <p id="org-loss">
          {loss.periods === 0
            ? 'No released period included its data in the last 12 months: its loss is 0.'
            : `Its data was in ${loss.periods} released ${loss.periods === 1 ? 'period' : 'periods'} (${loss.period_list}): rho ${formatDecimal(loss.rho)} of the yearly cap of ${formatDecimal(loss.yearly_rho_cap)}, `}
          {loss.periods === 0 ? null : (
            <>
              <CapShare used={loss.rho} cap={loss.yearly_rho_cap} /> used, rho {formatDecimal(loss.rho_remaining)} left; as (epsilon, delta):
              ({formatDecimal(loss.epsilon)}, {formatDecimal(loss.delta, 2)}).
            </>
          )}
        </p>
      ) : null}

      <h2>Consent history</h2>
      <DataTable
        id="consent-history"
        caption="Consent history"
        captionHidden
        columns={consentTable}
        view={tableView(props.consents, consentTable, props.query, { prefix: 'consent-', pageSize: 20 })}
        path={base}
        query={props.query}
        empty="No consent has been recorded for this organization."
      />

      <h2>Events per period</h2>
      <p class="muted">
        Accepted events and duplicates count in the period of the event; a batch refused for lack of consent counts in the period it arrived.
      </p>
      <DataTable
        id="periods-table"
        caption="Events per period"
        captionHidden
        columns={PERIOD_COLUMNS}
        view={tableView(props.periods, PERIOD_COLUMNS, props.query, { prefix: 'periods-', defaultSort: { key: 'period', direction: 'desc' }, pageSize: 13 })}
        path={base}
        query={props.query}
        empty="No telemetry has been received from this organization."
      />

      <h2>Erasure receipts</h2>
      <ErasureList erasures={props.erasures} names={props.names} reasons={props.reasons} />

      <div class="columns">
        <section>
          <h2>Record a consent grant</h2>
          <FormProblem state={state} formName="grant" />
          <form method="post" action={`${base}/consent`} class="stacked" aria-label="Record a consent grant" novalidate>
            <CsrfField token={csrfToken} />
            <input type="hidden" name="scope" value="research-telemetry" />
            <Field name="policyVersion" label="Policy version" formName="grant" state={state}>
              {(attrs) => <input name="policyVersion" maxlength={100} placeholder="2026-01" value={typed('grant', 'policyVersion')} {...attrs} />}
            </Field>
            <Field name="policyUrl" label="Policy URL (optional)" formName="grant" state={state}>
              {(attrs) => <input name="policyUrl" type="url" maxlength={2000} value={typed('grant', 'policyUrl')} {...attrs} />}
            </Field>
            <Field name="grantedBy" label="Granted by (signatory name and role)" formName="grant" state={state}>
              {(attrs) => <input name="grantedBy" maxlength={200} value={typed('grant', 'grantedBy')} {...attrs} />}
            </Field>
            <Field name="collectionMethod" label="Collection method" formName="grant" state={state}>
              {(attrs) => (
                <select name="collectionMethod" {...attrs}>
                  {[
                    ['signed_agreement', 'signed agreement'],
                    ['online_form', 'online form'],
                    ['email_confirmation', 'e-mail confirmation'],
                    ['other', 'other'],
                  ].map(([value, label]) => (
                    <option value={value} selected={typed('grant', 'collectionMethod') === value}>
                      {label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="evidenceUrl" label="Evidence URL (optional)" formName="grant" state={state}>
              {(attrs) => <input name="evidenceUrl" type="url" maxlength={2000} value={typed('grant', 'evidenceUrl')} {...attrs} />}
            </Field>
            <Field name="evidenceSha256" label="Evidence SHA-256 (optional)" formName="grant" state={state}>
              {(attrs) => <input name="evidenceSha256" maxlength={64} value={typed('grant', 'evidenceSha256')} {...attrs} />}
            </Field>
            <Field name="expiresAt" label="Expires (UTC, optional)" formName="grant" state={state}>
              {(attrs) => <input name="expiresAt" type="datetime-local" value={typed('grant', 'expiresAt')} {...attrs} />}
            </Field>
            <button type="submit" class="primary">
              Record grant
            </button>
          </form>
        </section>

        <section>
          <h2>Revoke consent</h2>
          <FormProblem state={state} formName="revoke" />
          {canRevoke ? (
            <form method="post" action={`${base}/consent/revoke`} class="stacked" aria-label="Revoke consent" novalidate>
              <CsrfField token={csrfToken} />
              <Field name="reason" label="Reason" formName="revoke" state={state}>
                {(attrs) => (
                  <textarea name="reason" maxlength={1000} rows={2} {...attrs}>
                    {typed('revoke', 'reason')}
                  </textarea>
                )}
              </Field>
              <Field name="confirm" label="Confirmation" formName="revoke" state={state}>
                {(attrs) => (
                  <span class="check">
                    <input type="checkbox" name="confirm" value="yes" checked={typed('revoke', 'confirm') === 'yes'} {...attrs} />
                    <span>Stop ingest now and erase this organization's contributions to every period not yet released.</span>
                  </span>
                )}
              </Field>
              <button type="submit" class="danger">
                Revoke and erase
              </button>
            </form>
          ) : (
            <p class="muted">No consent is open. Revoking again would only sweep up stray rows; use an erasure request for that.</p>
          )}

          <h2>Request erasure</h2>
          <FormProblem state={state} formName="erasure" />
          <form method="post" action={`${base}/erasure`} class="stacked" aria-label="Request erasure" novalidate>
            <CsrfField token={csrfToken} />
            <Field name="reason" label="Reason (optional)" formName="erasure" state={state}>
              {(attrs) => <input name="reason" maxlength={1000} value={typed('erasure', 'reason')} {...attrs} />}
            </Field>
            <Field name="confirm" label="Confirmation" formName="erasure" state={state}>
              {(attrs) => (
                <span class="check">
                  <input type="checkbox" name="confirm" value="yes" checked={typed('erasure', 'confirm') === 'yes'} {...attrs} />
                  <span>Erase unreleased contributions now. Consent stays as it is; published releases are not changed.</span>
                </span>
              )}
            </Field>
            <button type="submit" class="danger">
              Erase unreleased data
            </button>
          </form>
        </section>
      </div>
    </>
  );
}
