/** The consoles' assets and sign-in, over every HTTP target (the pages themselves are tested in Chromium, test/browser). */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HTTP_TARGETS, useHttpTarget } from '../support/http-target';
import { ADMIN_TOKEN } from '../support/test-app';

describe.each(HTTP_TARGETS)('consoles on %s', (targetName) => {
  const target = useHttpTarget(targetName);

  it('serves the vendored Chart.js byte for byte, with a strong ETag', async () => {
    const { client } = target();
    const chartPath = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
    const response = await client.app.request('/console/assets/chart.umd.min.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(await response.text()).toBe(readFileSync(chartPath, 'utf8'));
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const revalidated = await client.app.request('/console/assets/chart.umd.min.js', { headers: { 'if-none-match': etag as string } });
    expect(revalidated.status).toBe(304);
    expect((await client.app.request('/console/assets/console.css')).status).toBe(200);
  });

  it('renders the console and signs in with an API key for an HttpOnly session cookie', async () => {
    const { client, origin } = target();
    const home = await client.app.request('/console');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    const signInPage = await client.app.request('/console/sign-in');
    expect(signInPage.status).toBe(200);
    const csrfCookie = signInPage.headers.getSetCookie().find((cookie) => cookie.startsWith('console_signin='));
    const csrfToken = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1];
    expect(csrfCookie).toBeDefined();
    expect(csrfToken).toBeDefined();
    const signIn = await client.app.request('/console/sign-in', {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin,
        cookie: (csrfCookie as string).split(';')[0] as string,
      },
      body: new URLSearchParams({ _csrf: csrfToken as string, next: '/console', token: ADMIN_TOKEN }).toString(),
    });
    expect(signIn.status).toBe(303);
    const session = signIn.headers.getSetCookie().find((cookie) => cookie.startsWith('console_session='));
    expect(session).toMatch(/HttpOnly/i);
    const signedIn = await client.app.request('/console', { headers: { cookie: (session as string).split(';')[0] as string } });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).not.toContain('href="/console/sign-in"');
  });
});
