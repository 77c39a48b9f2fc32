/** A consent state as a coloured word (the word itself carries the meaning, for print and screen readers). */
import type { OrganizationConsentStatus } from '../../consent/consent-coverage';

export function ConsentStatusBadge(props: { status: OrganizationConsentStatus }) {
  return <span class={`badge ${props.status}`}>{props.status}</span>;
}

/** A page-top notice after a form's redirect (`?done=`), from a fixed list so no text is reflected. */
const DONE_MESSAGES: Record<string, string> = {
  granted: 'Consent recorded.',
  revoked: 'Consent revoked. Ingest stopped and unreleased contributions were erased; the receipt is below.',
  'nothing-to-revoke': 'Nothing was open to revoke and nothing was left to erase.',
  erased: 'Unreleased contributions erased; the receipt is below.',
};

export function DoneNotice(props: { done: string | undefined }) {
  const message = props.done ? DONE_MESSAGES[props.done] : undefined;
  return message ? (
    <p class="notice ok" role="status">
      {message}
    </p>
  ) : null;
}
