/**
 * Page notices: a coloured bar with words that carry the meaning on their own (print, screen
 * readers). `error` and `warn` are announced (role="alert"), `ok` politely (role="status").
 */
import type { Child } from 'hono/jsx';
import { formatDate, formatDateTime, periodDateRange } from './format';

export type NoticeTone = 'info' | 'ok' | 'warn' | 'error';

export function Notice(props: { tone?: NoticeTone; id?: string; children?: Child }) {
  const tone = props.tone ?? 'info';
  const role = tone === 'error' || tone === 'warn' ? 'alert' : tone === 'ok' ? 'status' : undefined;
  return (
    <div class={`notice ${tone}`} role={role} id={props.id}>
      {props.children}
    </div>
  );
}

/** An ISO instant as a date, the exact instant in its tooltip and `datetime`. */
export function DateText(props: { iso: string | null | undefined; time?: boolean }) {
  if (!props.iso) return <span class="muted">—</span>;
  return (
    <time datetime={props.iso} title={props.iso} class="nowrap">
      {props.time ? formatDateTime(props.iso) : formatDate(props.iso)}
    </time>
  );
}

/** A period id that never breaks mid-token, with the dates it covers beside it (or in the tooltip when `compact`). */
export function PeriodText(props: { id: string | null | undefined; compact?: boolean }) {
  if (!props.id) return <span class="muted">—</span>;
  const range = periodDateRange(props.id);
  if (props.compact || !range) {
    return (
      <span class="nowrap" title={range || undefined}>
        {props.id}
      </span>
    );
  }
  return (
    <span class="period">
      <span class="nowrap">{props.id}</span> <span class="muted range nowrap">{range}</span>
    </span>
  );
}
