/** Drives the consoles over HTTP like a browser would: a cookie jar, the CSRF token of the last form, sign-in. */
import type { TestApp } from './test-app';

const ORIGIN = 'http://console.test';

/** A cookie jar and the last CSRF token seen, enough to drive the console like a browser would. */
export class ConsoleClient {
  cookies = new Map<string, string>();
  constructor(readonly testApp: Pick<TestApp, 'app'>) {}

  async request(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const response = await this.testApp.app.request(`${ORIGIN}${path}`, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN } : {}),
        ...init.headers,
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, value] = (pair ?? '').split('=') as [string, string];
      if (/max-age=0/i.test(header) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  }

  static csrfIn(html: string): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match?.[1]) throw new Error('no CSRF field on the page');
    return match[1];
  }

  async signIn(token: string, next = '/console/privacy') {
    const form = await this.request(`/console/sign-in?next=${encodeURIComponent(next)}`);
    return this.request('/console/sign-in', { form: { _csrf: ConsoleClient.csrfIn(form.text), token, next } });
  }
}
