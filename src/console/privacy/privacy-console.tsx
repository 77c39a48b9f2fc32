/**
 * `/console/privacy`: the privacy officers' console (privacy_officer and admin keys). Server-rendered
 * pages over the same domain functions as the API; forms post back here with the session's CSRF
 * token and redirect (303) to the page they came from. Reports download as the API's CSV.
 */
import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { listAuditEntries } from '../../audit/audit-service';
import { verifyAuditChain } from '../../audit/audit-verification';
import { consentReceipt, grantConsent, revokeConsent } from '../../consent/consent-service';
import { listErasures } from '../../consent/erasure-repository';
import { erasureReceiptView, requestErasure } from '../../consent/erasure-service';
import { AppError } from '../../errors';
import type { AppEnv } from '../../http/app-env';
import { ConsentGrantSchema } from '../../consent/consent-requests';
import { csvResponse } from '../../http/report-response';
import { listOrganizations } from '../../registry/registry-repository';
import { buildBudgetReport } from '../../reports/budget-report';
import { buildConsentReport, consentReportCsvTable } from '../../reports/consent-report';
import { buildErasureReport } from '../../reports/erasure-report';
import { buildPrivacyLossReport } from '../../reports/privacy-loss-report';
import { yearlyBudgetStatement } from '../../releases/yearly-budget';
import { renderConsolePage } from '../shared/console-layout';
import { createConsoleRouter } from '../shared/console-router';
import { type ConsoleEnv, requireConsoleSession } from '../shared/console-session';
import { AuditPage } from './audit-page';
import { BudgetPage } from './budget-page';
import { OrganizationPage, ErasureTable } from './organization-page';
import { OrganizationsPage } from './organizations-page';
import { OverviewPage } from './overview-page';
import { organizationDetail, organizationList, overviewData } from './privacy-console-data';
import { PRIVACY_CONSOLE_ROLES, PRIVACY_SECTION } from './privacy-section';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const BASE = '/console/privacy';

type PrivacyContext = Context<ConsoleEnv>;

function page(c: PrivacyContext, title: string, current: string, content: Child, options: { charts?: boolean; status?: ContentfulStatusCode } = {}) {
  return renderConsolePage(
    c,
    { title, section: PRIVACY_SECTION, current, session: c.var.consoleSession, charts: options.charts ?? false },
    content,
    options.status,
  );
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const optional = (value: unknown) => text(value) || undefined;

async function renderOrganization(
  c: PrivacyContext,
  orgId: string,
  extra: { done?: string | undefined; errors?: { form: 'grant' | 'revoke' | 'erasure'; messages: string[] } } = {},
) {
  const detail = await organizationDetail(c.var.deps, orgId);
  return page(
    c,
    detail.organization.name,
    `${BASE}/orgs`,
    <OrganizationPage {...detail} csrfToken={c.var.consoleSession.csrfToken} done={extra.done} errors={extra.errors} />,
    { status: extra.errors ? 400 : 200 },
  );
}

export function registerPrivacyConsole(app: Hono<AppEnv>) {
  const router = createConsoleRouter(PRIVACY_SECTION);
  router.use('*', requireConsoleSession(...PRIVACY_CONSOLE_ROLES));

  router.get('/', async (c) => page(c, 'Consent overview', BASE, <OverviewPage {...await overviewData(c.var.deps)} />, { charts: true }));

  router.get('/orgs', async (c) => {
    const filters = { q: c.req.query('q') ?? '', sector: c.req.query('sector') ?? '', status: c.req.query('status') ?? '' };
    const list = await organizationList(c.var.deps, filters);
    return page(c, 'Organizations', `${BASE}/orgs`, <OrganizationsPage {...list} filters={filters} />);
  });

  router.get(`/orgs/:orgId{${UUID}}`, (c) => renderOrganization(c, c.req.param('orgId'), { done: c.req.query('done') }));

  router.post(`/orgs/:orgId{${UUID}}/consent`, async (c) => {
    const orgId = c.req.param('orgId');
    const form = await c.req.parseBody();
    const expires = text(form.expiresAt);
    const parsed = ConsentGrantSchema.safeParse({
      scope: text(form.scope),
      policyVersion: text(form.policyVersion),
      policyUrl: optional(form.policyUrl),
      grantedBy: text(form.grantedBy),
      collectionMethod: optional(form.collectionMethod),
      evidenceUrl: optional(form.evidenceUrl),
      evidenceSha256: optional(form.evidenceSha256),
      // <input type="datetime-local"> has no zone; the form says UTC.
      expiresAt: expires ? `${expires.length === 16 ? `${expires}:00` : expires}Z` : undefined,
    });
    if (!parsed.success) {
      const messages = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'form'}: ${issue.message}`);
      return renderOrganization(c, orgId, { errors: { form: 'grant', messages } });
    }
    try {
      await grantConsent(c.var.deps, c.var.principal, orgId, parsed.data);
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid-request') {
        return renderOrganization(c, orgId, { errors: { form: 'grant', messages: [error.detail] } });
      }
      throw error;
    }
    return c.redirect(`${BASE}/orgs/${orgId}?done=granted`, 303);
  });

  router.post(`/orgs/:orgId{${UUID}}/consent/revoke`, async (c) => {
    const orgId = c.req.param('orgId');
    const form = await c.req.parseBody();
    const reason = text(form.reason);
    const messages = [
      ...(reason.length === 0 || reason.length > 1000 ? ['Give a reason (up to 1,000 characters).'] : []),
      ...(form.confirm === 'yes' ? [] : ['Tick the box to confirm that unreleased contributions will be erased.']),
    ];
    if (messages.length) return renderOrganization(c, orgId, { errors: { form: 'revoke', messages } });
    const outcome = await revokeConsent(c.var.deps, c.var.principal, orgId, reason);
    return c.redirect(`${BASE}/orgs/${orgId}?done=${outcome.erasure ? 'revoked' : 'nothing-to-revoke'}`, 303);
  });

  router.post(`/orgs/:orgId{${UUID}}/erasure`, async (c) => {
    const orgId = c.req.param('orgId');
    const form = await c.req.parseBody();
    const reason = text(form.reason);
    const messages = [
      ...(reason.length > 1000 ? ['The reason may have up to 1,000 characters.'] : []),
      ...(form.confirm === 'yes' ? [] : ['Tick the box to confirm the erasure.']),
    ];
    if (messages.length) return renderOrganization(c, orgId, { errors: { form: 'erasure', messages } });
    await requestErasure(c.var.deps, c.var.principal, orgId, reason || undefined);
    return c.redirect(`${BASE}/orgs/${orgId}?done=erased`, 303);
  });

  router.get(`/orgs/:orgId{${UUID}}/consent/:consentId{${UUID}}/receipt.json`, async (c) => {
    const receipt = await consentReceipt(c.var.deps, c.req.param('orgId'), c.req.param('consentId'));
    c.header('content-disposition', `inline; filename="consent-receipt-${receipt.consentReceiptID}.json"`);
    c.header('cache-control', 'no-store');
    return c.json(receipt);
  });

  router.get('/budget', async (c) => {
    const { deps } = c.var;
    const now = deps.clock.now();
    const [budget, losses] = await Promise.all([
      buildBudgetReport(deps, { from: null, to: null }),
      buildPrivacyLossReport(deps, { at: now }),
    ]);
    return page(c, 'Privacy budget', `${BASE}/budget`, <BudgetPage rows={budget.rows} cap={budget.periodRhoCap} yearly={yearlyBudgetStatement(deps.config)} losses={losses.rows} />, {
      charts: true,
    });
  });

  router.get('/erasures', async (c) => {
    const { db } = c.var.deps.database;
    const [erasures, organizations] = await Promise.all([listErasures(db), listOrganizations(db)]);
    const names = new Map(organizations.map((organization) => [organization.id, organization.name]));
    return page(
      c,
      'Erasures',
      `${BASE}/erasures`,
      <>
        <h1>Erasure receipts</h1>
        <p class="lead">
          What was erased, when and why. Published releases are not withdrawn: differential privacy bounds what they reveal about any one
          organization.
        </p>
        <ErasureTable erasures={erasures.map(erasureReceiptView).reverse()} names={names} />
        <p>
          <a href={`${BASE}/reports/erasures.csv`}>Download as CSV</a>
        </p>
      </>,
    );
  });

  router.get('/audit', async (c) => {
    const action = c.req.query('action') ?? '';
    const cursor = c.req.query('cursor');
    const validAction = /^[a-z_]+(\.[a-z_]+)*(\.\*)?$/.test(action) ? action : undefined;
    const [verification, entries] = await Promise.all([
      verifyAuditChain(c.var.deps),
      listAuditEntries(c.var.deps, {
        action: validAction,
        order: 'desc',
        afterSeq: cursor && /^\d{1,15}$/.test(cursor) ? Number(cursor) : undefined,
        limit: 50,
      }),
    ]);
    return page(
      c,
      'Audit trail',
      `${BASE}/audit`,
      <AuditPage verification={verification} entries={entries.items} nextCursor={entries.nextCursor} action={validAction ?? ''} />,
    );
  });

  router.get('/reports/:name{(consent|budget|privacy-loss|erasures)\\.csv}', async (c) => {
    const { deps } = c.var;
    const now = deps.clock.now();
    const window = { from: null, to: null };
    switch (c.req.param('name')) {
      case 'consent.csv':
        return csvResponse(c, 'consent-report', consentReportCsvTable(await buildConsentReport(deps, window)));
      case 'budget.csv':
        return csvResponse(c, 'budget-report', await buildBudgetReport(deps, window));
      case 'privacy-loss.csv':
        return csvResponse(c, 'privacy-loss-report', await buildPrivacyLossReport(deps, { at: now }));
      default:
        return csvResponse(c, 'erasure-report', await buildErasureReport(deps, window));
    }
  });

  app.route(BASE, router);
}
