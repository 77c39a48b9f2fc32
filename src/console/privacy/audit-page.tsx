/**
 * The audit trail: the chain's verdict, then the entries as sentences, newest first, filterable by
 * an action or a prefix ("consent"), with newer and older pages. `AuditHeadCertificate` is the
 * one-page printable statement of the head.
 */
import type { AuditEntry } from '../../audit/audit-log';
import type { AuditVerification } from '../../audit/audit-verification';
import { formatCount } from '../shared/format';
import { DateText, Notice } from '../shared/notice';
import { AuditSentence } from './audit-sentence';
import type { ConsoleNames } from './privacy-console-data';

export interface AuditNavigation {
  /** Sequence numbers to continue from, or null when there is nothing that way. */
  newer: number | null;
  older: number | null;
}

function ChainStatus(props: { verification: AuditVerification }) {
  const { verification } = props;
  return verification.valid ? (
    <p class="notice ok" id="chain-status">
      <span class="badge ok">intact</span> All {formatCount(verification.entriesChecked)} entries verify: each hash matches its content and
      links to the entry before it.
    </p>
  ) : (
    <p class="notice error" id="chain-status">
      <span class="badge broken">broken</span> Entry {verification.firstBroken?.seq}: {verification.firstBroken?.reason}.{' '}
      {verification.firstBroken?.detail}
    </p>
  );
}

export function AuditPage(props: {
  verification: AuditVerification;
  entries: AuditEntry[];
  navigation: AuditNavigation;
  filter: string;
  names: ConsoleNames;
}) {
  const { verification } = props;
  const link = (param: 'newer' | 'cursor', seq: number) =>
    `/console/privacy/audit?${new URLSearchParams({ ...(props.filter ? { action: props.filter } : {}), [param]: String(seq) })}`;
  return (
    <>
      <h1>Audit trail</h1>
      <section aria-label="Chain status">
        <ChainStatus verification={verification} />
        {verification.head ? (
          <p class="muted">
            Head: entry {verification.head.seq}, <DateText iso={verification.head.at} time />, hash <code>{verification.head.hash}</code>. Keep a copy
            of the head elsewhere: the chain alone cannot show that its newest entries were cut off.{' '}
            <a href="/console/privacy/audit/head">Printable audit-head certificate</a>
          </p>
        ) : null}
      </section>
      <h2>Entries</h2>
      <form method="get" action="/console/privacy/audit" class="filters" role="search">
        <label>
          Action or prefix
          <input name="action" value={props.filter} placeholder="consent, erasure.completed" maxlength={100} />
        </label>
        <button type="submit">Filter</button>
        {props.filter ? <a href="/console/privacy/audit">Clear</a> : null}
      </form>
      {props.entries.length === 0 ? (
        <p class="muted empty" id="audit-empty">
          {props.filter ? `No audit entries match '${props.filter}'.` : 'The audit trail is empty.'}
        </p>
      ) : (
        <ol class="audit-entries" id="audit-entries">
          {props.entries.map((entry) => (
            <li id={`entry-${entry.seq}`}>
              <div class="audit-meta">
                <span class="nowrap">#{entry.seq}</span> · <DateText iso={entry.at} time /> · <code class="nowrap">{entry.action}</code>
              </div>
              <p class="audit-sentence">
                <AuditSentence entry={entry} names={props.names} />
              </p>
              <details class="raw">
                <summary>Raw entry</summary>
                <pre>{JSON.stringify(entry, null, 2)}</pre>
              </details>
            </li>
          ))}
        </ol>
      )}
      <nav class="pager" aria-label="Audit pages">
        {props.navigation.newer !== null ? (
          <a href={link('newer', props.navigation.newer)} rel="prev">
            ← Newer entries
          </a>
        ) : null}
        {props.navigation.older !== null ? (
          <a href={link('cursor', props.navigation.older)} rel="next">
            Older entries →
          </a>
        ) : null}
      </nav>
    </>
  );
}

/** One printable page: what the chain's head is, when it was read, and whether the chain verified. */
export function AuditHeadCertificate(props: { verification: AuditVerification; generatedAt: string }) {
  const { verification } = props;
  return (
    <article class="certificate" id="audit-head-certificate">
      <h1>Audit head certificate</h1>
      <p class="lead">
        The newest entry of this service’s audit trail at the time below. Keep this page (printed or as PDF) outside the service: a later
        chain must still contain this entry with this hash, which shows that no entry up to it was changed or cut off.
      </p>
      <ChainStatus verification={verification} />
      {verification.head ? (
        <dl class="facts">
          <dt>Head entry</dt>
          <dd>#{verification.head.seq}</dd>
          <dt>Head written</dt>
          <dd>
            <DateText iso={verification.head.at} time /> <span class="muted">({verification.head.at})</span>
          </dd>
          <dt>Head hash (SHA-256)</dt>
          <dd>
            <code class="hash">{verification.head.hash}</code>
          </dd>
          <dt>Entries verified</dt>
          <dd>{formatCount(verification.entriesChecked)}</dd>
          <dt>Certificate generated</dt>
          <dd>
            <DateText iso={props.generatedAt} time /> <span class="muted">({props.generatedAt})</span>
          </dd>
        </dl>
      ) : (
        <Notice tone="info">The audit trail has no entries yet.</Notice>
      )}
      <p class="no-print">
        <a href="/console/privacy/audit">Back to the audit trail</a> · Use the browser’s Print command for a one-page copy.
      </p>
    </article>
  );
}
