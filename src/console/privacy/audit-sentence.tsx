/**
 * An audit entry as a sentence a privacy officer reads ("Consent revoked for Alpine Labs by key
 * 'ops' (privacy officer)"), organization names linked, key labels shown. Unknown actions still
 * read as a sentence; the raw entry stays one click away on the page.
 */
import type { Child } from 'hono/jsx';
import type { AuditEntry } from '../../audit/audit-log';
import { formatCount } from '../shared/format';
import type { ConsoleNames } from './privacy-console-data';

const ACTION_WORDS: Record<string, string> = {
  'consent.granted': 'Consent granted',
  'consent.revoked': 'Consent revoked',
  'erasure.completed': 'Unreleased data erased',
  'organization.created': 'Organization registered',
  'instance.created': 'Installation registered',
  'instance.revoked': 'Installation revoked',
  'api_key.created': 'API key created',
  'api_key.revoked': 'API key revoked',
  'release.published': 'Release published',
  'release.refused': 'Release refused',
  'release.retention_completed': 'Raw counters deleted after release',
  'instance.bootstrap': 'Service set up',
};

const roleWords = (role: string) => role.replace(/_/g, ' ');

function Actor(props: { entry: AuditEntry; names: ConsoleNames }) {
  const { entry } = props;
  if (entry.actorRole === 'system' || !entry.actorId) return <>the {roleWords(entry.actorRole)}</>;
  if (entry.actorRole === 'ingest') return <>an installation</>;
  const key = props.names.keys.get(entry.actorId);
  return (
    <>
      key <q>{key?.label ?? entry.actorId.slice(0, 8)}</q> ({roleWords(key?.role ?? entry.actorRole)})
    </>
  );
}

function Subject(props: { subject: string; names: ConsoleNames }) {
  const [kind, id = ''] = props.subject.split(/:(.*)/s);
  if (kind === 'org') {
    const name = props.names.organizations.get(id);
    return name ? <a href={`/console/privacy/orgs/${id}`}>{name}</a> : <span class="mono">{id}</span>;
  }
  if (kind === 'key') {
    const key = props.names.keys.get(id);
    return key ? <q>{key.label}</q> : <span class="mono">{id.slice(0, 8)}</span>;
  }
  if (kind === 'period') return <span class="nowrap">{id}</span>;
  if (kind === 'instance') return <>installation <span class="mono">{id.slice(0, 8)}</span></>;
  return <span class="mono">{props.subject}</span>;
}

function detailWords(entry: AuditEntry): string {
  const details = entry.details;
  const parts: string[] = [];
  if (typeof details.reason === 'string') parts.push(`Reason: “${details.reason}”`);
  if (typeof details.policyVersion === 'string') parts.push(`policy ${details.policyVersion}`);
  if (typeof details.expiresAt === 'string') parts.push(`expires ${details.expiresAt.slice(0, 10)}`);
  if (Array.isArray(details.periods)) {
    parts.push(details.periods.length ? `periods erased: ${details.periods.join(', ')}` : 'nothing unreleased was held');
  }
  if (typeof details.cause === 'string') parts.push(details.cause === 'consent_revoked' ? 'because consent was revoked' : 'on request');
  if (typeof details.role === 'string') parts.push(`role ${roleWords(details.role)}`);
  if (typeof details.datasets === 'number') parts.push(`${formatCount(details.datasets)} datasets`);
  return parts.join('; ');
}

export function AuditSentence(props: { entry: AuditEntry; names: ConsoleNames }): Child {
  const { entry, names } = props;
  const what = ACTION_WORDS[entry.action] ?? `${entry.action.replace(/[._]/g, ' ')}`;
  const extra = detailWords(entry);
  return (
    <>
      {what} {entry.subject.startsWith('period:') ? 'for period ' : entry.subject.startsWith('org:') ? 'for ' : ''}
      <Subject subject={entry.subject} names={names} /> by <Actor entry={entry} names={names} />.
      {extra ? <span class="muted"> {extra}.</span> : null}
    </>
  );
}
