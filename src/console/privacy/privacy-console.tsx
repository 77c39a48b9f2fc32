/**
 * `/console/privacy`: the privacy officers' console (privacy_officer and admin keys). Server-rendered
 * pages over the same domain functions as the API; forms post back here with the session's CSRF
 * token and redirect (303) to the page they came from. Reports download as the API's CSV.
 */
import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { validator } from 'hono/validator';
import { listAuditEntries } from '../../audit/audit-service';
import { verifyAuditChain } from '../../audit/audit-verification';
import { consentReceipt, grantConsent, revokeConsent } from '../../consent/consent-service';
import { listErasures } from '../../consent/erasure-repository';
import { erasureReceiptView, requestErasure } from '../../consent/erasure-service';
import { AppError } from '../../errors';
import type { AppEnv } from '../../http/app-env';
import { csvResponse } from '../../http/report-response';
import { buildBudgetReport } from '../../reports/budget-report';
import { buildConsentReport, consentReportCsvTable } from '../../reports/consent-report';
import { buildErasureReport } from '../../reports/erasure-report';
import { planCoalition } from '../../reports/coalition-plan';
import { buildPrivacyLossReport } from '../../reports/privacy-loss-report';
import { yearlyBudgetStatement } from '../../releases/yearly-budget';
import { datasetCatalogueOf } from '../../releases/dataset-catalogue';
import { renderConsolePage } from '../shared/console-layout';
import { consolePageNotFound, createConsoleRouter } from '../shared/console-router';
import { type ConsoleEnv, requireConsoleSession } from '../shared/console-session';
import { AuditHeadCertificate, AuditPage } from './audit-page';
import { BudgetPage } from './budget-page';
import { PLANNER_MAX_ORGANIZATIONS, PlannerPanel } from './planner-panel';
import { parseConsoleForm, formRefused } from './consent-forms';
import { ErasureList, ErasureReceiptPage } from './erasure-list';
import { type ConsoleFormName, type FormState, OrganizationPage } from './organization-page';
import { OrganizationsPage } from './organizations-page';
import { OverviewPage } from './overview-page';
import { consoleNames, erasureReasons, organizationDetail, organizationList, overviewData } from './privacy-console-data';
import { PRIVACY_CONSOLE_ROLES, PRIVACY_SECTION } from './privacy-section';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const BASE = '/console/privacy';
const AUDIT_PAGE_SIZE = 50;

/**
 * What the audit filter box means: an exact action (`erasure.completed`), or a prefix of one
 * (`consent`, `consent.`, `consent.*` all mean every consent action). Anything else filters nothing.
 */
export function auditFilter(input: string): { action: string | undefined; shown: string } {
  const typed = input.trim().toLowerCase();
  const bare = typed.replace(/\.?\*$/, '').replace(/\.$/, '');
  if (!/^[a-z_]+(\.[a-z_]+)*$/.test(bare)) return { action: undefined, shown: '' };
  const exact = bare.includes('.') && !typed.endsWith('*') && !typed.endsWith('.');
  return { action: exact ? bare : `${bare}.*`, shown: bare };
}

type PrivacyContext = Context<ConsoleEnv>;

function page(c: PrivacyContext, title: string, current: string, content: Child, options: { charts?: boolean; status?: ContentfulStatusCode } = {}) {
  return renderConsolePage(
    c,
    { title, section: PRIVACY_SECTION, current, session: c.var.consoleSession, charts: options.charts ?? false },
    content,
    options.status,
  );
}

function queryOf(c: PrivacyContext): Record<string, string> {
  return c.req.query();
}

async function renderOrganization(c: PrivacyContext, orgId: string, extra: { done?: string | undefined; rejected?: FormState } = {}) {
  const detail = await organizationDetail(c.var.deps, orgId);
  return page(
    c,
    detail.organization.name,
    `${BASE}/orgs`,
    <OrganizationPage {...detail} csrfToken={c.var.consoleSession.csrfToken} query={queryOf(c)} done={extra.done} rejected={extra.rejected} />,
    { status: extra.rejected ? 400 : 200 },
  );
}

/** Validates a console form with the API's schema (hono's form validator); a rejected form is the page again, with what was typed. */
function consoleForm<K extends ConsoleFormName>(form: K) {
  return validator('form', async (body, c: PrivacyContext) => {
    const result = parseConsoleForm(form, body);
    if (!result.success) return renderOrganization(c, c.req.param('orgId') ?? '', { rejected: result.state });
    return result.data;
  });
}

export function registerPrivacyConsole(app: Hono<AppEnv>) {
  const router = createConsoleRouter(PRIVACY_SECTION);
  router.use('*', requireConsoleSession(...PRIVACY_CONSOLE_ROLES));

  router.get('/', async (c) =>
    page(c, 'Consent overview', BASE, <OverviewPage {...await overviewData(c.var.deps)} query={queryOf(c)} />, { charts: true }),
  );

  router.get('/orgs', async (c) => {
    const filters = { q: c.req.query('q') ?? '', sector: c.req.query('sector') ?? '', status: c.req.query('status') ?? '' };
    const list = await organizationList(c.var.deps, filters);
    return page(c, 'Organizations', `${BASE}/orgs`, <OrganizationsPage {...list} filters={filters} query={queryOf(c)} />);
  });

  router.get(`/orgs/:orgId{${UUID}}`, (c) => renderOrganization(c, c.req.param('orgId'), { done: c.req.query('done') }));

  router.post(`/orgs/:orgId{${UUID}}/consent`, consoleForm('grant'), async (c) => {
    const orgId = c.req.param('orgId');
    try {
      await grantConsent(c.var.deps, c.var.principal, orgId, c.req.valid('form'));
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid-request') {
        return renderOrganization(c, orgId, { rejected: formRefused('grant', await c.req.parseBody(), error.detail) });
      }
      throw error;
    }
    return c.redirect(`${BASE}/orgs/${orgId}?done=granted`, 303);
  });

  router.post(`/orgs/:orgId{${UUID}}/consent/revoke`, consoleForm('revoke'), async (c) => {
    const orgId = c.req.param('orgId');
    const outcome = await revokeConsent(c.var.deps, c.var.principal, orgId, c.req.valid('form').reason);
    return c.redirect(`${BASE}/orgs/${orgId}?done=${outcome.erasure ? 'revoked' : 'nothing-to-revoke'}`, 303);
  });

  router.post(`/orgs/:orgId{${UUID}}/erasure`, consoleForm('erasure'), async (c) => {
    const orgId = c.req.param('orgId');
    await requestErasure(c.var.deps, c.var.principal, orgId, c.req.valid('form').reason);
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
    const asked = c.req.query('plan-orgs');
    const askedCount = asked === undefined || asked === '' ? undefined : Number(asked);
    const validCount = askedCount !== undefined && Number.isSafeInteger(askedCount) && askedCount >= 1 && askedCount <= PLANNER_MAX_ORGANIZATIONS;
    const organizations = validCount ? askedCount : Math.max(1, losses.rows.length);
    const planner = (
      <PlannerPanel
        plan={planCoalition(deps, { organizations })}
        query={queryOf(c)}
        problem={askedCount !== undefined && !validCount ? `Enter a whole number of organizations from 1 to ${PLANNER_MAX_ORGANIZATIONS.toLocaleString('en-GB')}.` : undefined}
      />
    );
    return page(c, 'Privacy budget', `${BASE}/budget`, <BudgetPage rows={budget.rows} cap={budget.periodRhoCap} yearly={yearlyBudgetStatement(deps.config, datasetCatalogueOf(deps).periodBudget.selectionDelta)} losses={losses.rows} query={queryOf(c)} planner={planner} />, {
      charts: true,
    });
  });

  router.get('/erasures', async (c) => {
    const { deps } = c.var;
    const [erasures, names, reasons] = await Promise.all([listErasures(deps.database.db), consoleNames(deps), erasureReasons(deps)]);
    return page(
      c,
      'Erasures',
      `${BASE}/erasures`,
      <>
        <h1>Erasures</h1>
        <p class="lead">
          Who asked for an organization's unreleased data to be erased, why, what was removed, and which published releases already held its
          data. Published releases are not withdrawn: differential privacy bounds what they reveal about any one organization.
        </p>
        <ErasureList erasures={erasures.map(erasureReceiptView).reverse()} names={names} reasons={reasons} showOrganization />
        <p>
          <a href={`${BASE}/reports/erasures.csv`}>Download as CSV</a>
        </p>
      </>,
    );
  });

  const findErasure = async (c: PrivacyContext) => {
    const id = c.req.param('erasureId');
    const erasure = (await listErasures(c.var.deps.database.db)).find((row) => row.id === id);
    if (!erasure) throw new AppError('not-found', 'No erasure receipt with this id.');
    return erasureReceiptView(erasure);
  };

  router.get(`/erasures/:erasureId{${UUID}}`, async (c) => {
    const [erasure, names, reasons] = await Promise.all([findErasure(c), consoleNames(c.var.deps), erasureReasons(c.var.deps)]);
    return page(c, 'Erasure receipt', `${BASE}/erasures`, <ErasureReceiptPage erasure={erasure} names={names} reason={reasons.get(erasure.id)} />);
  });

  router.get(`/erasures/:erasureId{${UUID}}/receipt.json`, async (c) => {
    const [erasure, reasons] = await Promise.all([findErasure(c), erasureReasons(c.var.deps)]);
    c.header('content-disposition', `inline; filename="erasure-receipt-${erasure.id}.json"`);
    c.header('cache-control', 'no-store');
    return c.json({ ...erasure, reason: reasons.get(erasure.id) ?? null });
  });

  router.get('/audit', async (c) => {
    const filter = auditFilter(c.req.query('action') ?? '');
    const older = c.req.query('cursor');
    const newer = c.req.query('newer');
    const seq = (value: string | undefined) => (value && /^\d{1,15}$/.test(value) ? Number(value) : undefined);
    const newerThan = seq(newer);
    const [verification, entries, names] = await Promise.all([
      verifyAuditChain(c.var.deps),
      newerThan !== undefined
        ? listAuditEntries(c.var.deps, { action: filter.action, order: 'asc', afterSeq: newerThan, limit: AUDIT_PAGE_SIZE })
        : listAuditEntries(c.var.deps, { action: filter.action, order: 'desc', afterSeq: seq(older), limit: AUDIT_PAGE_SIZE }),
      consoleNames(c.var.deps),
    ]);
    const items = newerThan !== undefined ? [...entries.items].reverse() : entries.items;
    const navigation =
      newerThan !== undefined
        ? { newer: entries.nextCursor !== null ? (items[0]?.seq ?? null) : null, older: items.at(-1)?.seq ?? newerThan + 1 }
        : { newer: seq(older) !== undefined ? (items[0]?.seq ?? seq(older) ?? null) : null, older: entries.nextCursor !== null ? (items.at(-1)?.seq ?? null) : null };
    return page(
      c,
      'Audit trail',
      `${BASE}/audit`,
      <AuditPage verification={verification} entries={items} navigation={navigation} filter={filter.shown} names={names} />,
    );
  });

  router.get('/audit/head', async (c) => {
    const verification = await verifyAuditChain(c.var.deps);
    return page(
      c,
      'Audit head certificate',
      `${BASE}/audit`,
      <AuditHeadCertificate verification={verification} generatedAt={c.var.deps.clock.now().toISOString()} />,
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

  router.all('*', consolePageNotFound);
  app.route(BASE, router);
}
