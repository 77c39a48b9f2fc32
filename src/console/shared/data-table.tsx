/**
 * The consoles' one table. Columns are data (label, how to read a cell, how to sort it), so a
 * table that mirrors a report is built from the report's own column list (`reportColumns`) and
 * the page and its CSV cannot drift apart.
 *
 * Sorting and paging are server-side through query parameters, so they work without a script:
 *
 *   const view = tableView(rows, columns, c.req.query(), { defaultSort: 'name', pageSize: 50 });
 *   <DataTable id="orgs" caption="Organizations" columns={columns} view={view} path="/console/privacy/orgs"
 *              query={c.req.query()} empty="No organizations match 'x'." />
 *
 * Two tables on one page take a `prefix` ('loss-' reads `loss-sort`, `loss-dir`, `loss-page`).
 * Below 40rem each row becomes a card (every cell carries its column label), so the page never
 * scrolls sideways on a phone. A row may replace its last cells with one spanning cell (`rowSpan`),
 * e.g. "not published" where a key has no values, and `anchor` keeps a long page at the table when
 * a sort or page link is followed.
 */
import type { Child } from 'hono/jsx';
import type { ReportCell } from '../../reports/report-table';
import { formatCount, formatDecimal } from './format';

export type SortValue = string | number | null;

export interface TableColumn<Row> {
  key: string;
  label: string;
  /** Right-aligned, tabular digits. */
  numeric?: boolean;
  /** The cell's content; by default the row's value under `key`, numbers formatted. */
  render?: (row: Row) => Child;
  /** What the column sorts by; columns without it (and without a plain value under `key`) are not sortable. */
  sortBy?: ((row: Row) => SortValue) | false;
  /** Narrow tokens (ids, hashes) that may break anywhere. */
  mono?: boolean;
  /** A shorter label for the phone card, where the label sits beside the value (default: `label`). */
  cardLabel?: string;
  /** A class for the column's cells, for page-specific styles (e.g. a compact card on a phone). */
  cellClass?: string;
}

export interface SortState {
  key: string;
  direction: 'asc' | 'desc';
}

export interface TableView<Row> {
  rows: Row[];
  total: number;
  sort: SortState | null;
  page: number;
  pages: number;
  pageSize: number;
  prefix: string;
}

type Query = Record<string, string | undefined>;

function plainValue<Row>(row: Row, key: string): unknown {
  return (row as Record<string, unknown>)[key];
}

function sortKey<Row>(column: TableColumn<Row>): ((row: Row) => SortValue) | null {
  if (column.sortBy === false) return null;
  if (column.sortBy) return column.sortBy;
  if (column.render) return null;
  return (row) => {
    const value = plainValue(row, column.key);
    return typeof value === 'number' || typeof value === 'string' ? value : typeof value === 'boolean' ? Number(value) : null;
  };
}

function compare(a: SortValue, b: SortValue): number {
  // Empty values sort last in either direction's natural reading (before the direction flips them).
  if (a === null || a === '') return b === null || b === '' ? 0 : 1;
  if (b === null || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/**
 * Sorts and pages rows as the query asks (`<prefix>sort`, `<prefix>dir`, `<prefix>page`). Unknown
 * columns and out-of-range pages fall back to the default sort and the nearest page: a stale link
 * still shows a table.
 */
export function tableView<Row>(
  rows: readonly Row[],
  columns: readonly TableColumn<Row>[],
  query: Query,
  options: { defaultSort?: SortState; pageSize?: number; prefix?: string } = {},
): TableView<Row> {
  const prefix = options.prefix ?? '';
  const pageSize = options.pageSize ?? 50;
  const requested = query[`${prefix}sort`];
  const column = columns.find((candidate) => candidate.key === requested && sortKey(candidate));
  const sort: SortState | null = column
    ? { key: column.key, direction: query[`${prefix}dir`] === 'desc' ? 'desc' : 'asc' }
    : (options.defaultSort ?? null);
  let sorted = [...rows];
  const by = sort ? columns.find((candidate) => candidate.key === sort.key) : undefined;
  const key = by ? sortKey(by) : null;
  if (sort && key) {
    const sign = sort.direction === 'desc' ? -1 : 1;
    sorted = sorted
      .map((row, index) => ({ row, index, value: key(row) }))
      .sort((a, b) => {
        const empty = (value: SortValue) => value === null || value === '';
        if (empty(a.value) !== empty(b.value)) return empty(a.value) ? 1 : -1;
        return sign * compare(a.value, b.value) || a.index - b.index;
      })
      .map((entry) => entry.row);
  }
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const asked = Number.parseInt(query[`${prefix}page`] ?? '1', 10);
  const page = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), pages) : 1;
  return { rows: sorted.slice((page - 1) * pageSize, page * pageSize), total: sorted.length, sort, page, pages, pageSize, prefix };
}

/** Columns for a report's own column list: every report column appears, in the report's order. */
export function reportColumns<Row extends Record<string, ReportCell>>(
  names: readonly (keyof Row & string)[],
  overrides: Partial<Record<keyof Row & string, Partial<TableColumn<Row>>>> = {},
): TableColumn<Row>[] {
  return names.map((name) => ({ key: name, label: name.replace(/_/g, ' '), ...overrides[name] }));
}

function defaultCell(value: unknown): Child {
  if (value === null || value === undefined || value === '') return <span class="muted">—</span>;
  if (typeof value === 'number') return Number.isInteger(value) ? formatCount(value) : formatDecimal(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** `path?query` with some parameters changed (undefined or '' removes one), and an optional `#anchor`. */
export function linkTo(path: string, query: Query, changes: Query, anchor?: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...query, ...changes })) if (value !== undefined && value !== '') params.set(name, value);
  const search = params.toString();
  return `${search ? `${path}?${search}` : path}${anchor ? `#${anchor}` : ''}`;
}

/** One cell standing for the columns from `from` to the last. */
export interface RowSpan {
  from: string;
  label: string;
  content: Child;
  class?: string;
}

export function DataTable<Row>(props: {
  id: string;
  caption: string;
  columns: readonly TableColumn<Row>[];
  view: TableView<Row>;
  /** The page's path and current query, for the sort and page links (other parameters are kept). */
  path: string;
  query: Query;
  /** What to say when there are no rows. */
  empty: string;
  /** Hide the caption visually (it is still read by screen readers). */
  captionHidden?: boolean;
  /** Attributes of a row's `<tr>` (e.g. `data-status`), for styles and tests. */
  rowAttributes?: (row: Row) => Record<string, string>;
  /** A row whose last cells are one spanning cell instead. */
  rowSpan?: (row: Row) => RowSpan | undefined;
  /** The id the sort and page links jump to. */
  anchor?: string;
  /**
   * On a phone, show only the first `count` rows of the page and a checkbox that shows the rest: a
   * card takes a screen's third, so a full page of cards is several screens long. CSS only (`:has`);
   * a browser without it shows every row, so no row is ever out of reach.
   */
  phoneRows?: { count: number; noun: string };
}) {
  const { view } = props;
  const { prefix } = view;
  if (view.total === 0) {
    return (
      <p class="muted empty" id={`${props.id}-empty`}>
        {props.empty}
      </p>
    );
  }
  const sortLink = (column: TableColumn<Row>) => {
    const active = view.sort?.key === column.key;
    const direction = active && view.sort?.direction === 'asc' ? 'desc' : 'asc';
    return linkTo(props.path, props.query, { [`${prefix}sort`]: column.key, [`${prefix}dir`]: direction, [`${prefix}page`]: undefined }, props.anchor);
  };
  const first = (view.page - 1) * view.pageSize + 1;
  const last = first + view.rows.length - 1;
  const phoneRows = props.phoneRows && view.rows.length > props.phoneRows.count ? props.phoneRows : undefined;
  return (
    <div class="data-table" id={`${props.id}-wrapper`}>
      <table id={props.id}>
        <caption class={props.captionHidden ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => {
              const active = view.sort?.key === column.key;
              const ariaSort = active ? (view.sort?.direction === 'asc' ? 'ascending' : 'descending') : undefined;
              return (
                <th scope="col" class={column.numeric ? 'num' : undefined} aria-sort={ariaSort}>
                  {sortKey(column) ? (
                    <a href={sortLink(column)} class="sort">
                      {column.label}
                      {active ? <span aria-hidden="true">{view.sort?.direction === 'asc' ? ' ▲' : ' ▼'}</span> : null}
                    </a>
                  ) : (
                    column.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {view.rows.map((row, index) => {
            const span = props.rowSpan?.(row);
            const spanFrom = span ? props.columns.findIndex((column) => column.key === span.from) : -1;
            const cells = spanFrom >= 0 ? props.columns.slice(0, spanFrom) : props.columns;
            const extra = phoneRows !== undefined && index >= phoneRows.count;
            return (
              <tr {...(props.rowAttributes?.(row) ?? {})} class={extra ? 'phone-extra' : undefined}>
                {cells.map((column) => (
                  <td data-label={column.cardLabel ?? column.label} class={[column.numeric ? 'num' : '', column.mono ? 'mono' : '', column.cellClass ?? ''].join(' ').trim() || undefined}>
                    {column.render ? column.render(row) : defaultCell(plainValue(row, column.key))}
                  </td>
                ))}
                {span && spanFrom >= 0 ? (
                  <td data-label={span.label} colspan={props.columns.length - spanFrom} class={span.class}>
                    {span.content}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      {phoneRows ? (
        <p class="phone-more">
          <input type="checkbox" id={`${props.id}-more`} class="phone-more-toggle" />{' '}
          <label for={`${props.id}-more`}>{`Show ${phoneRows.noun} ${formatCount(first + phoneRows.count)}–${formatCount(last)} of this page`}</label>
        </p>
      ) : null}
      {view.pages > 1 ? (
        <nav class="pager" aria-label={`${props.caption}: pages`}>
          {view.page > 1 ? (
            <a href={linkTo(props.path, props.query, { [`${prefix}page`]: String(view.page - 1) }, props.anchor)} rel="prev">
              ← Previous
            </a>
          ) : null}
          <span>
            {`${formatCount(first)}–${formatCount(last)} of ${formatCount(view.total)}`} · page {view.page} of {view.pages}
          </span>
          {view.page < view.pages ? (
            <a href={linkTo(props.path, props.query, { [`${prefix}page`]: String(view.page + 1) }, props.anchor)} rel="next">
              Next →
            </a>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
