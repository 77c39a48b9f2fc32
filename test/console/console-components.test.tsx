/** The consoles' shared format functions and table: plain numbers, dates, periods, server-side sort and paging. */
import { describe, expect, it } from 'vitest';
import { DataTable, reportColumns, type TableColumn, tableView } from '../../src/console/shared/data-table';
import { formatCount, formatDate, formatDateTime, formatDecimal, periodDateRange } from '../../src/console/shared/format';

describe('console number and date formats', () => {
  it('writes thousands separators and plain decimals, never exponents', () => {
    expect(formatCount(25820)).toBe('25,820');
    expect(formatDecimal(8.85e-9)).toBe('0.00000000885');
    expect(formatDecimal(0.012345)).toBe('0.0123');
    expect(formatDecimal(25820.4)).toBe('25,820');
    expect(formatDecimal(1.5)).toBe('1.5');
    expect(formatDecimal(0)).toBe('0');
  });

  it('writes dates as dates and periods with the days they cover', () => {
    expect(formatDate('2026-11-24T10:00:00.000Z')).toBe('24 Nov 2026');
    expect(formatDateTime('2026-11-24T10:05:00.000Z')).toBe('24 Nov 2026, 10:05 UTC');
    expect(periodDateRange('2026-W48')).toBe('23–29 Nov 2026');
    expect(periodDateRange('2026-Q4')).toBe('1 Oct–31 Dec 2026');
    expect(periodDateRange('2027-W53')).toBe('');
    expect(periodDateRange('2025-W01')).toBe('30 Dec 2024–5 Jan 2025');
    expect(periodDateRange('2026-11-26')).toBe('26 Nov 2026');
  });
});

interface Row {
  name: string;
  events: number;
  last: string | null;
}

const rows: Row[] = Array.from({ length: 7 }, (_, index) => ({ name: `Org ${index}`, events: (index * 37) % 11, last: index % 3 ? `2026-W4${index}` : null }));
const columns: TableColumn<Row>[] = [
  { key: 'name', label: 'Name' },
  { key: 'events', label: 'Events', numeric: true },
  { key: 'last', label: 'Last period' },
];

describe('DataTable', () => {
  it('sorts by the asked column and direction, empty values last, then pages', () => {
    const view = tableView(rows, columns, { sort: 'events', dir: 'desc', page: '2' }, { pageSize: 3 });
    const all = [...rows].sort((a, b) => b.events - a.events);
    expect(view.pages).toBe(3);
    expect(view.page).toBe(2);
    expect(view.rows.map((row) => row.events)).toEqual(all.slice(3, 6).map((row) => row.events));
    const byLast = tableView(rows, columns, { sort: 'last' }, { pageSize: 10 });
    expect(byLast.rows.slice(-3).map((row) => row.last)).toEqual([null, null, null]);
    const byLastDesc = tableView(rows, columns, { sort: 'last', dir: 'desc' }, { pageSize: 10 });
    expect(byLastDesc.rows.slice(-3).map((row) => row.last)).toEqual([null, null, null]);
  });

  it('ignores unknown columns and clamps pages, so a stale link still shows a table', () => {
    const view = tableView(rows, columns, { sort: 'nope', page: '99' }, { pageSize: 3, defaultSort: { key: 'name', direction: 'asc' } });
    expect(view.page).toBe(3);
    expect(view.sort).toEqual({ key: 'name', direction: 'asc' });
  });

  it('renders labelled cells, sort links that keep the filters, a pager and an empty state', async () => {
    const query = { q: 'org', sort: 'events', dir: 'asc' };
    const view = tableView(rows, columns, query, { pageSize: 3 });
    const html = await (<DataTable id="t" caption="Orgs" columns={columns} view={view} path="/x" query={query} empty="None." />).toString();
    expect(html).toContain('data-label="Events"');
    expect(html).toContain('href="/x?q=org&amp;sort=events&amp;dir=desc"');
    expect(html).toContain('aria-sort="ascending"');
    expect(html).toContain('href="/x?q=org&amp;sort=events&amp;dir=asc&amp;page=2"');
    const empty = await (
      <DataTable id="t" caption="Orgs" columns={columns} view={tableView([], columns, {})} path="/x" query={{}} empty="No organizations match 'zzz'." />
    ).toString();
    expect(empty).toContain('No organizations match &#39;zzz&#39;.');
    expect(empty).not.toContain('<table');
  });

  it('builds columns from a report\'s own column list, in its order', () => {
    const built = reportColumns<{ org_id: string; rho: number }>(['org_id', 'rho'], { rho: { numeric: true } });
    expect(built.map((column) => [column.key, column.label, column.numeric])).toEqual([
      ['org_id', 'org id', undefined],
      ['rho', 'rho', true],
    ]);
  });
});
