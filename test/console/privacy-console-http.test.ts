/**
 * The privacy console through the front door, without a browser: sign-in and its cookie, CSRF on
 * every form, roles, the pages and the assets route. The browser test (privacy-console.test.ts)
 * covers what only a browser can show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsentingOrg, type ConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../support/test-app';
import { ConsoleClient } from '../support/console-client';
import { TEST_DIALECTS } from '../support/test-database';
import { eventsAt, issueApiKey, sendOrFail } from '../consent/consent-fixtures';

describe.each(TEST_DIALECTS)('privacy console over HTTP on %s', (dialect) => {
  let testApp: TestApp;
  let org: ConsentingOrg;
  let officer: { token: string; keyId: string };
  let researcher: { token: string; keyId: string };

  beforeAll(async () => {
    testApp = await createTestApp({ dialect });
    org = await registerConsentingOrg(testApp, { name: 'Acme Transfer GmbH' });
    testApp.clock.advance(60_000);
    await sendOrFail(testApp, org, eventsAt('2026-11-26T12:00:30Z', 3));
    officer = await issueApiKey(testApp, 'privacy_officer');
    researcher = await issueApiKey(testApp, 'researcher');
  });
  afterAll(() => testApp.dispose());

  it('sends anonymous visitors to the sign-in page and back after signing in', async () => {
    const client = new ConsoleClient(testApp);
    const anonymous = await client.request('/console/privacy/orgs?sector=finance');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/console/sign-in?next=${encodeURIComponent('/console/privacy/orgs?sector=finance')}`);

    const signedIn = await client.signIn(officer.token, '/console/privacy/orgs?sector=finance');
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/console/privacy/orgs?sector=finance');
    const cookie = signedIn.headers.getSetCookie().find((header) => header.startsWith('console_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP here; see the HTTPS case below

    const page = await client.request('/console/privacy/orgs?sector=finance');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain('Acme Transfer GmbH');
    expect(page.text).not.toContain(officer.token);
  });

  it('stores only a hash of the session id and forgets the session on sign-out', async () => {
    const client = new ConsoleClient(testApp);
    await client.signIn(officer.token);
    const sessionId = client.cookies.get('console_session') ?? '';
    const rows = await testApp.deps.database.db.selectFrom('console_sessions').selectAll().where('key_id', '=', officer.keyId).execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((row) => row.id_hash === sessionId)).toBe(false);
    expect(rows.every((row) => row.role === 'privacy_officer' && /^[0-9a-f]{64}$/.test(row.id_hash))).toBe(true);

    const overview = await client.request('/console/privacy');
    const signOut = await client.request('/console/sign-out', { form: { _csrf: ConsoleClient.csrfIn(overview.text) } });
    expect(signOut.status).toBe(303);
    expect(client.cookies.has('console_session')).toBe(false);
    client.cookies.set('console_session', sessionId);
    expect((await client.request('/console/privacy')).status).toBe(303);
  });

  it('marks the cookie Secure and __Host- on HTTPS', async () => {
    const form = await testApp.app.request('https://console.test/console/sign-in');
    const csrf = ConsoleClient.csrfIn(await form.text());
    const signinCookie = form.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    expect(signinCookie.startsWith('__Host-console_signin=')).toBe(true);
    const response = await testApp.app.request('https://console.test/console/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: signinCookie, origin: 'https://console.test' },
      body: new URLSearchParams({ _csrf: csrf, token: officer.token, next: '/console/privacy' }).toString(),
    });
    expect(response.status).toBe(303);
    const cookie = response.headers.getSetCookie().find((header) => header.startsWith('__Host-console_session='));
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/HttpOnly/);
  });

  it('refuses sign-in with a wrong key, an ingest token, or without the form token', async () => {
    const client = new ConsoleClient(testApp);
    const wrong = await client.signIn('tagg_dpo_not-a-real-key-0123456789abcdef');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('not valid');
    expect(wrong.text).not.toContain('not-a-real-key');
    expect((await client.signIn(org.ingestToken)).status).toBe(401);
    const noCsrf = await client.request('/console/sign-in', { form: { token: officer.token } });
    expect(noCsrf.status).toBe(400);
    expect(client.cookies.has('console_session')).toBe(false);
  });

  it('lets researchers sign in but not into the privacy console', async () => {
    const client = new ConsoleClient(testApp);
    expect((await client.signIn(researcher.token)).status).toBe(303);
    const page = await client.request('/console/privacy');
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    // One page that explains, with the way to the console this key may use and a sign-out button.
    expect(page.text).toContain('The privacy console is not open to your role');
    expect(page.text).toContain('href="/console/datasets"');
    expect(page.text).toContain('action="/console/sign-out"');
    expect(page.text).toContain('privacy officer, admin');
    const deeper = await client.request(`/console/privacy/orgs/${org.orgId}`);
    expect(deeper.status).toBe(403);
    expect(deeper.text).toContain('id="wrong-role"');
  });

  it('answers malformed and unknown addresses with HTML error pages, never problem+json', async () => {
    const client = new ConsoleClient(testApp);
    await client.signIn(officer.token);
    for (const path of [
      '/console/privacy/orgs/not-an-id',
      '/console/privacy/orgs/00000000-0000-4000-8000-000000000000',
      '/console/privacy/erasures/xyz',
      '/console/privacy/no-such-page',
      `/console/privacy/orgs/${org.orgId}/consent/not-an-id/receipt.json`,
    ]) {
      const response = await client.request(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toMatch(/text\/html/);
      expect(response.text, path).toContain('<!doctype html>');
      expect(response.text, path).not.toContain('not-an-id');
    }
  });

  it('keeps what was typed in a rejected form and puts each problem beside its field', async () => {
    const client = new ConsoleClient(testApp);
    await client.signIn(officer.token);
    const base = `/console/privacy/orgs/${org.orgId}`;
    const csrf = ConsoleClient.csrfIn((await client.request(base)).text);
    const rejected = await client.request(`${base}/consent`, {
      form: { _csrf: csrf, scope: 'research-telemetry', policyVersion: '', grantedBy: 'Ana Silva, CISO', evidenceSha256: 'abc', collectionMethod: 'online_form' },
    });
    expect(rejected.status).toBe(400);
    const html = rejected.text;
    expect(html).toMatch(/<input name="policyVersion"[^>]*aria-invalid="true"[^>]*aria-describedby="grant-policyVersion-error"/);
    expect(html).toMatch(/id="grant-policyVersion-error">Enter the version of the consent policy/);
    expect(html).toMatch(/id="grant-evidenceSha256-error">Enter the SHA-256/);
    expect(html).toMatch(/<input name="grantedBy"[^>]*value="Ana Silva, CISO"/);
    expect(html).toMatch(/<input name="evidenceSha256"[^>]*value="abc"/);
    expect(html).toMatch(/<option value="online_form" selected/);
    expect(html).not.toContain('Too small');
    expect(html).not.toContain('grant-grantedBy-error');

    const revoke = await client.request(`${base}/consent/revoke`, { form: { _csrf: csrf, reason: 'Contract ended' } });
    expect(revoke.status).toBe(400);
    expect(revoke.text).toMatch(/<textarea name="reason"[^>]*>Contract ended<\/textarea>/);
    expect(revoke.text).toMatch(/id="revoke-confirm-error">Tick the box/);
  });

  it('rejects a form without the CSRF token, with a wrong one, or from another origin', async () => {
    const client = new ConsoleClient(testApp);
    await client.signIn(officer.token);
    const base = `/console/privacy/orgs/${org.orgId}`;
    const csrf = ConsoleClient.csrfIn((await client.request(base)).text);
    const attempt = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      client.request(`${base}/consent/revoke`, { form: { reason: 'test', confirm: 'yes', ...form }, headers });
    expect((await attempt({})).status).toBe(403);
    expect((await attempt({ _csrf: `${csrf}x` })).status).toBe(403);
    expect((await attempt({ _csrf: csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await attempt({ _csrf: csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const history = await testApp.deps.database.db.selectFrom('consents').select('revoked_at').where('org_id', '=', org.orgId).execute();
    expect(history.every((row) => row.revoked_at === null)).toBe(true);
  });

  it('renders every page, and grant and revoke through the forms reach the audit log', async () => {
    const client = new ConsoleClient(testApp);
    await client.signIn(officer.token);
    for (const path of ['/console/privacy', '/console/privacy/orgs', '/console/privacy/budget', '/console/privacy/erasures', '/console/privacy/audit']) {
      const response = await client.request(path);
      expect(response.status, path).toBe(200);
      expect(response.text, path).toContain('<!doctype html>');
      expect(response.text, path).toContain('Signed in as');
    }
    const other = await registerConsentingOrg(testApp, { name: 'Beta Files Ltd', consent: false });
    const base = `/console/privacy/orgs/${other.orgId}`;
    const csrf = ConsoleClient.csrfIn((await client.request(base)).text);

    const invalid = await client.request(`${base}/consent`, { form: { _csrf: csrf, scope: 'research-telemetry', policyVersion: '', grantedBy: 'X' } });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('id="grant-policyVersion-error"');

    const granted = await client.request(`${base}/consent`, {
      form: { _csrf: csrf, scope: 'research-telemetry', policyVersion: '2026-02', grantedBy: 'Jo Doe, DPO', collectionMethod: 'online_form', expiresAt: '2027-06-30T00:00' },
    });
    expect(granted.status).toBe(303);
    expect(granted.headers.get('location')).toBe(`${base}?done=granted`);
    const detail = await client.request(`${base}?done=granted`);
    expect(detail.text).toContain('Consent recorded.');
    expect(detail.text).toContain('2027-06-30T00:00:00.000Z');
    const receiptLink = /href="([^"]+\/receipt\.json)"/.exec(detail.text)?.[1] ?? '';
    const receipt = await client.request(receiptLink);
    expect(receipt.status).toBe(200);
    expect(JSON.parse(receipt.text)).toMatchObject({ version: 'KI-CR-v1.1.0', piiPrincipalId: other.orgId, collectionMethod: 'online_form', status: 'active' });

    const unconfirmed = await client.request(`${base}/consent/revoke`, { form: { _csrf: csrf, reason: 'Left the programme' } });
    expect(unconfirmed.status).toBe(400);
    const revoked = await client.request(`${base}/consent/revoke`, { form: { _csrf: csrf, reason: 'Left the programme', confirm: 'yes' } });
    expect(revoked.status).toBe(303);
    expect((await client.request(`${base}?done=revoked`)).text).toContain('Consent revoked.');

    // The erasure is listed in words, with its reason and requester, and its receipt as a page and as JSON.
    const erasures = await client.request('/console/privacy/erasures');
    expect(erasures.text).toContain('“Left the programme”');
    expect(erasures.text).toMatch(/consent was revoked<!-- -->? by <!-- -->?key <q>privacy_officer key<\/q> \(privacy officer\)|consent was revoked by key <q>privacy_officer key<\/q> \(privacy officer\)/);
    const receiptPage = /href="(\/console\/privacy\/erasures\/[0-9a-f-]{36})"/.exec(erasures.text)?.[1] ?? '';
    expect((await client.request(receiptPage)).text).toContain('Erasure receipt');
    const receiptJson = await client.request(`${receiptPage}/receipt.json`);
    expect(receiptJson.status).toBe(200);
    expect(JSON.parse(receiptJson.text)).toMatchObject({ orgId: other.orgId, reason: 'Left the programme', requestedBy: officer.keyId });

    const actions = await testApp.deps.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'actor_role'])
      .where('subject', '=', `org:${other.orgId}`)
      .orderBy('seq')
      .execute();
    expect(actions.map((entry) => entry.action)).toEqual(['organization.created', 'consent.granted', 'consent.revoked', 'erasure.completed']);
    expect(actions.slice(1).every((entry) => entry.actor_id === officer.keyId && entry.actor_role === 'privacy_officer')).toBe(true);
  });

  it('filters the audit trail by a prefix, writes entries as sentences and pages both ways', async () => {
    const client = new ConsoleClient(testApp);
    await client.signIn(officer.token);
    const consentOnly = await client.request('/console/privacy/audit?action=consent');
    expect(consentOnly.status).toBe(200);
    const actions = [...consentOnly.text.matchAll(/<code class="nowrap">([a-z_.]+)<\/code>/g)].map((match) => match[1]);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((action) => action?.startsWith('consent.'))).toBe(true);
    expect(consentOnly.text).toMatch(/Consent granted for <a href="\/console\/privacy\/orgs\/[0-9a-f-]+">Acme Transfer GmbH<\/a> by key <q>/);
    expect(consentOnly.text).toContain('<summary>Raw entry</summary>');
    const nothing = await client.request('/console/privacy/audit?action=nothing_here');
    expect(nothing.text).toContain('No audit entries match &#39;nothing_here&#39;.');

    // Older then newer again returns to the same entries.
    const all = await testApp.deps.database.db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').execute();
    const newest = Number(all[0]?.seq);
    const older = await client.request(`/console/privacy/audit?cursor=${newest}`);
    expect(older.text).not.toContain(`id="entry-${newest}"`);
    expect(older.text).toContain(`id="entry-${newest - 1}"`);
    const newerHref = /href="([^"]+)" rel="prev"/.exec(older.text)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const newer = await client.request(newerHref);
    expect(newer.text).toContain(`id="entry-${newest}"`);

    const head = await client.request('/console/privacy/audit/head');
    expect(head.status).toBe(200);
    expect(head.text).toContain('Audit head certificate');
    expect(head.text).toMatch(/<code class="hash">[0-9a-f]{64}<\/code>/);
  });

  it('downloads the reports as CSV with the session', async () => {
    const client = new ConsoleClient(testApp);
    await client.signIn(officer.token);
    for (const name of ['consent', 'budget', 'privacy-loss', 'erasures']) {
      const response = await client.request(`/console/privacy/reports/${name}.csv`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toMatch(/^text\/csv/);
    }
    expect((await client.request('/console/privacy/reports/secrets.csv')).status).toBe(404);
  });

  it('serves the console assets with a strong ETag, long caching for versioned URLs and 304 on revalidation', async () => {
    const page = await new ConsoleClient(testApp).request('/console/sign-in');
    const stylesheet = /href="(\/console\/assets\/console\.css\?v=[0-9a-f]{16})"/.exec(page.text)?.[1];
    expect(stylesheet).toBeDefined();
    for (const name of ['chart.umd.min.js', 'console.js', 'console.css']) {
      const plain = await testApp.app.request(`/console/assets/${name}`);
      expect(plain.status, name).toBe(200);
      const etag = plain.headers.get('etag') ?? '';
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect(plain.headers.get('cache-control')).toMatch(/must-revalidate/);
      const versioned = await testApp.app.request(`/console/assets/${name}?v=${etag.slice(1, 17)}`);
      expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const revalidated = await testApp.app.request(`/console/assets/${name}`, { headers: { 'if-none-match': etag } });
      expect(revalidated.status).toBe(304);
    }
    const chart = await testApp.app.request('/console/assets/chart.umd.min.js');
    expect(chart.headers.get('content-type')).toMatch(/javascript/);
    expect(await chart.text()).toContain('Chart');
    const missing = await testApp.app.request('/console/assets/nothing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
  });

  it('keeps every page free of inline script, under the CSP', async () => {
    const client = new ConsoleClient(testApp);
    await client.signIn(ADMIN_TOKEN);
    const overview = await client.request('/console/privacy');
    expect(overview.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const scripts = [...overview.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      if (/type="application\/json"/.test(attributes ?? '')) expect(() => JSON.parse(body ?? '')).not.toThrow();
      else expect(body?.trim(), attributes).toBe('');
    }
  });
});
