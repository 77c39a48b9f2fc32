/** The audit trail: the chain's verdict, then the entries, newest first, filterable by action. */
import type { AuditEntry } from '../../audit/audit-log';
import type { AuditVerification } from '../../audit/audit-verification';

export function AuditPage(props: { verification: AuditVerification; entries: AuditEntry[]; nextCursor: string | null; action: string }) {
  const { verification } = props;
  const next = props.nextCursor
    ? `/console/privacy/audit?${new URLSearchParams({ ...(props.action ? { action: props.action } : {}), cursor: props.nextCursor })}`
    : null;
  return (
    <>
      <h1>Audit trail</h1>
      <section aria-label="Chain status">
        {verification.valid ? (
          <p class="notice ok" id="chain-status">
            <span class="badge ok">intact</span> All {verification.entriesChecked} entries verify: each hash matches its content and links to
            the entry before it.
          </p>
        ) : (
          <p class="notice error" id="chain-status">
            <span class="badge broken">broken</span> Entry {verification.firstBroken?.seq}: {verification.firstBroken?.reason}.{' '}
            {verification.firstBroken?.detail}
          </p>
        )}
        {verification.head ? (
          <p class="muted">
            Head: entry {verification.head.seq} at {verification.head.at}, hash <code>{verification.head.hash}</code>. Keep a copy of the head
            elsewhere: the chain alone cannot show that its newest entries were cut off.
          </p>
        ) : null}
      </section>
      <h2>Entries</h2>
      <form method="get" action="/console/privacy/audit" class="filters">
        <label>
          Action
          <input name="action" value={props.action} placeholder="consent.* or erasure.completed" maxlength={100} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <table>
        <thead>
          <tr>
            <th class="num">#</th>
            <th>Time</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Subject</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((entry) => (
            <tr>
              <td class="num">{entry.seq}</td>
              <td>{entry.at}</td>
              <td>
                {entry.actorRole}
                {entry.actorId ? <span class="mono muted"> {entry.actorId.slice(0, 8)}</span> : null}
              </td>
              <td>{entry.action}</td>
              <td class="mono">{entry.subject}</td>
              <td class="mono">{JSON.stringify(entry.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next ? (
        <p>
          <a href={next}>Older entries</a>
        </p>
      ) : null}
    </>
  );
}
