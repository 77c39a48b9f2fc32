/** Organizations with their consent state: filterable by name, sector and state, sortable and paged (GET forms and links: no script needed). */
import type { OrganizationConsentStatus } from '../../consent/consent-coverage';
import { DataTable, type TableColumn, tableView } from '../shared/data-table';
import { formatCount } from '../shared/format';
import { DateText, PeriodText } from '../shared/notice';
import { ConsentStatusBadge } from './consent-status-badge';

export interface OrganizationListItem {
  id: string;
  name: string;
  sector: string;
  sizeBand: string;
  country: string;
  status: OrganizationConsentStatus;
  consentSince: string | null;
  acceptedEvents: number;
  lastPeriod: string | null;
}

export interface OrganizationFilters {
  q: string;
  sector: string;
  status: string;
}

const STATUSES: readonly OrganizationConsentStatus[] = ['active', 'scheduled', 'expired', 'revoked', 'none'];
export const ORGANIZATIONS_PAGE_SIZE = 50;
/** On a phone a page of 50 cards ran to 13,000 pixels: the first ten show, the rest behind one checkbox. */
export const ORGANIZATIONS_PHONE_ROWS = 10;

export const ORGANIZATION_COLUMNS: TableColumn<OrganizationListItem>[] = [
  { key: 'name', label: 'Name', sortBy: (item) => item.name, render: (item) => <a href={`/console/privacy/orgs/${item.id}`}>{item.name}</a> },
  { key: 'sector', label: 'Sector', render: (item) => item.sector.replace(/_/g, ' '), sortBy: (item) => item.sector },
  { key: 'sizeBand', label: 'Employees' },
  { key: 'country', label: 'Country' },
  { key: 'status', label: 'Consent', render: (item) => <ConsentStatusBadge status={item.status} />, sortBy: (item) => item.status },
  { key: 'consentSince', label: 'Active since', render: (item) => <DateText iso={item.consentSince} />, sortBy: (item) => item.consentSince },
  { key: 'acceptedEvents', label: 'Accepted events', numeric: true },
  { key: 'lastPeriod', label: 'Last period with events', render: (item) => <PeriodText id={item.lastPeriod} compact />, sortBy: (item) => item.lastPeriod },
];

function emptyMessage(filters: OrganizationFilters): string {
  const parts = [
    ...(filters.q.trim() ? [`the name '${filters.q.trim()}'`] : []),
    ...(filters.sector ? [`sector ${filters.sector.replace(/_/g, ' ')}`] : []),
    ...(filters.status ? [`consent ${filters.status}`] : []),
  ];
  return parts.length ? `No organizations match ${parts.join(', ')}. Clear the filter to see all.` : 'No organization is registered yet.';
}

export function OrganizationsPage(props: {
  items: OrganizationListItem[];
  total: number;
  sectors: string[];
  filters: OrganizationFilters;
  query: Record<string, string>;
}) {
  const { filters } = props;
  return (
    <>
      <h1>Organizations</h1>
      <form method="get" action="/console/privacy/orgs" class="filters" role="search">
        <label>
          Name contains
          <input type="search" name="q" value={filters.q} maxlength={100} />
        </label>
        <label>
          Sector
          <select name="sector">
            <option value="">any</option>
            {props.sectors.map((sector) => (
              <option value={sector} selected={sector === filters.sector}>
                {sector.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Consent
          <select name="status">
            <option value="">any</option>
            {STATUSES.map((status) => (
              <option value={status} selected={status === filters.status}>
                {status}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
        <a href="/console/privacy/orgs">Clear</a>
      </form>
      <p class="muted" id="orgs-count">
        {formatCount(props.items.length)} of {formatCount(props.total)} organizations
      </p>
      <DataTable
        id="orgs"
        caption="Organizations"
        captionHidden
        columns={ORGANIZATION_COLUMNS}
        view={tableView(props.items, ORGANIZATION_COLUMNS, props.query, { pageSize: ORGANIZATIONS_PAGE_SIZE })}
        phoneRows={{ count: ORGANIZATIONS_PHONE_ROWS, noun: 'organizations' }}
        path="/console/privacy/orgs"
        query={props.query}
        empty={emptyMessage(filters)}
      />
    </>
  );
}
