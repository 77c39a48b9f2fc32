/**
 * What the privacy console's pages show, gathered from the same domain functions and reports the
 * API uses, so a page and its CSV never disagree.
 */
import { organizationConsentStatusAt, type OrganizationConsentStatus } from '../../consent/consent-coverage';
import { listAllConsents, listConsents } from '../../consent/consent-repository';
import { listErasures } from '../../consent/erasure-repository';
import { erasureReceiptView } from '../../consent/erasure-service';
import type { AppDeps } from '../../deps';
import { listAuditRows } from '../../audit/audit-repository';
import { listApiKeys, listOrganizations } from '../../registry/registry-repository';
import { buildPrivacyLossReport, type PrivacyLossReportRow } from '../../reports/privacy-loss-report';
import { yearlyBudgetRefusalDetail } from '../../releases/period-release-plan';
import { releaseSchedule } from '../../releases/release-schedule';
import { requireOrganization } from '../../registry/registry-service';
import { buildConsentReport } from '../../reports/consent-report';
import { groupBy } from '../../reports/group-by';
import { listIngestTallies } from '../../reports/report-repository';
import { byName } from '../../reports/report-table';
import { consentTimeline } from './consent-timeline';
import type { OverviewData, YearlyBudgetNotice } from './overview-page';
import type { OrganizationFilters, OrganizationListItem } from './organizations-page';

type ConsoleDataDeps = Pick<AppDeps, 'database' | 'clock' | 'config'>;

/** A notice when the next release (due now, or the period collecting now) would exceed the yearly budget. */
async function yearlyBudgetNotice(deps: Pick<AppDeps, 'database' | 'clock' | 'config' | 'datasets'>): Promise<YearlyBudgetNotice | null> {
  const schedule = await releaseSchedule(deps);
  if (schedule.nextBudget.withinCap) return null;
  return { period: schedule.next.period, due: schedule.next.releasable, detail: yearlyBudgetRefusalDetail(schedule.nextBudget) };
}

export async function overviewData(deps: ConsoleDataDeps & Pick<AppDeps, 'datasets'>): Promise<OverviewData> {
  const { db } = deps.database;
  const nowIso = deps.clock.now().toISOString();
  const [organizations, consents, erasures, budgetNotice] = await Promise.all([
    listOrganizations(db),
    listAllConsents(db),
    listErasures(db),
    yearlyBudgetNotice(deps),
  ]);
  const byOrg = groupBy(consents, (consent) => consent.org_id);
  const statusCounts: Record<OrganizationConsentStatus, number> = { active: 0, scheduled: 0, expired: 0, revoked: 0, none: 0 };
  for (const organization of organizations) statusCounts[organizationConsentStatusAt(byOrg.get(organization.id) ?? [], nowIso)] += 1;
  return {
    yearlyBudgetNotice: budgetNotice,
    statusCounts,
    organizations: organizations.length,
    erasures: erasures.length,
    timeline: consentTimeline(consents, deps.config.period, nowIso),
    periodLabel: deps.config.period,
  };
}

export async function organizationList(deps: ConsoleDataDeps, filters: OrganizationFilters) {
  const { db } = deps.database;
  const nowIso = deps.clock.now().toISOString();
  const [organizations, consents, tallies] = await Promise.all([listOrganizations(db), listAllConsents(db), listIngestTallies(db)]);
  const consentsByOrg = groupBy(consents, (consent) => consent.org_id);
  const acceptedByOrg = groupBy(
    tallies.filter((tally) => tally.outcome === 'accepted'),
    (tally) => tally.orgId,
  );
  const all = [...organizations].sort(byName).map((organization): OrganizationListItem => {
    const history = consentsByOrg.get(organization.id) ?? [];
    const status = organizationConsentStatusAt(history, nowIso);
    const accepted = acceptedByOrg.get(organization.id) ?? [];
    return {
      id: organization.id,
      name: organization.name,
      sector: organization.sector,
      sizeBand: organization.size_band,
      country: organization.country,
      status,
      consentSince: status === 'active' ? (history.filter((consent) => consent.granted_at <= nowIso).at(-1)?.granted_at ?? null) : null,
      acceptedEvents: accepted.reduce((sum, tally) => sum + tally.events, 0),
      lastPeriod: accepted.map((tally) => tally.period).sort().at(-1) ?? null,
    };
  });
  const needle = filters.q.trim().toLowerCase();
  const items = all.filter(
    (item) =>
      (!needle || item.name.toLowerCase().includes(needle)) &&
      (!filters.sector || item.sector === filters.sector) &&
      (!filters.status || item.status === filters.status),
  );
  return { items, total: all.length, sectors: [...new Set(all.map((item) => item.sector))].sort() };
}

/** Names for the ids that audit entries and receipts carry: organizations and API keys (label and role). */
export interface ConsoleNames {
  organizations: Map<string, string>;
  keys: Map<string, { label: string; role: string }>;
}

export async function consoleNames(deps: Pick<AppDeps, 'database'>): Promise<ConsoleNames> {
  const { db } = deps.database;
  const [organizations, keys] = await Promise.all([listOrganizations(db), listApiKeys(db)]);
  return {
    organizations: new Map(organizations.map((organization) => [organization.id, organization.name])),
    keys: new Map(keys.map((key) => [key.id, { label: key.label, role: key.role }])),
  };
}

/** The reason given for each erasure, from the audit entries that recorded it (the receipt row has no reason column). */
export async function erasureReasons(deps: Pick<AppDeps, 'database'>): Promise<Map<string, string>> {
  const rows = await Promise.all(
    ['erasure.completed', 'consent.revoked'].map((action) => listAuditRows(deps.database.db, { action, order: 'asc', limit: 100_000 })),
  );
  const reasons = new Map<string, string>();
  for (const row of rows.flat()) {
    const details = JSON.parse(row.details) as { erasureId?: unknown; reason?: unknown };
    if (typeof details.erasureId === 'string' && typeof details.reason === 'string') reasons.set(details.erasureId, details.reason);
  }
  return reasons;
}

export async function organizationDetail(deps: ConsoleDataDeps, orgId: string) {
  const organization = await requireOrganization(deps, orgId);
  const { db } = deps.database;
  const nowIso = deps.clock.now().toISOString();
  const [consents, report, erasures, loss, reasons, names] = await Promise.all([
    listConsents(db, orgId),
    buildConsentReport(deps, { from: null, to: null }),
    listErasures(db, { orgId }),
    buildPrivacyLossReport(deps, { at: deps.clock.now(), orgId }),
    erasureReasons(deps),
    consoleNames(deps),
  ]);
  return {
    organization,
    consents,
    status: organizationConsentStatusAt(consents, nowIso),
    periods: report.rows.filter((row) => row.org_id === orgId && row.period !== ''),
    erasures: erasures.map(erasureReceiptView).reverse(),
    loss: loss.rows.find((row) => row.org_id === orgId) ?? null as PrivacyLossReportRow | null,
    reasons,
    names,
    nowIso,
  };
}
