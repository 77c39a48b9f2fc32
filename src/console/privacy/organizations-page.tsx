/** Organizations with their consent state, filterable by name, sector and state (a GET form: no script needed). */
import type { OrganizationConsentStatus } from '../../consent/consent-coverage';
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

export function OrganizationsPage(props: { items: OrganizationListItem[]; total: number; sectors: string[]; filters: OrganizationFilters }) {
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
                {sector}
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
      <p class="muted">
        {props.items.length} of {props.total} organizations
      </p>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Sector</th>
            <th>Size</th>
            <th>Country</th>
            <th>Consent</th>
            <th>Since</th>
            <th class="num">Accepted events</th>
            <th>Last period</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((item) => (
            <tr>
              <td>
                <a href={`/console/privacy/orgs/${item.id}`}>{item.name}</a>
              </td>
              <td>{item.sector}</td>
              <td>{item.sizeBand}</td>
              <td>{item.country}</td>
              <td>
                <ConsentStatusBadge status={item.status} />
              </td>
              <td>{item.consentSince ?? '—'}</td>
              <td class="num">{item.acceptedEvents}</td>
              <td>{item.lastPeriod ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
