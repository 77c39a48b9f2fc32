/**
 * `/console` (landing), `/console/sign-in` and `/console/sign-out`, shared by every console section.
 * Signing in takes an API key once and exchanges it for a session cookie (see console-session.ts);
 * the key is never echoed, logged or kept by the browser. Ingest tokens cannot sign in.
 */
import type { Hono } from 'hono';
import { deleteCookie } from 'hono/cookie';
import type { AppEnv } from '../../http/app-env';
import { authenticate } from '../../registry/registry-service';
import { renderConsolePage } from './console-layout';
import { CONSOLE_HOME_SECTION, createConsoleRouter } from './console-router';
import {
  assertSameOrigin,
  cookieOptions,
  csrfCookieName,
  endConsoleSession,
  isSecureContext,
  issueSignInCsrf,
  readConsoleSession,
  requireConsoleSession,
  safeConsolePath,
  signInCsrfMatches,
  SIGN_IN_PATH,
  startConsoleSession,
} from './console-session';

const API_KEY_PATTERN = /^[A-Za-z0-9._~+/=-]{16,512}$/;

function SignInForm(props: { csrfToken: string; next: string; error?: string | undefined }) {
  return (
    <>
      <h1>Sign in</h1>
      <p class="lead">Use your privacy-officer, admin or researcher API key. The key is exchanged for a session and not kept by the browser.</p>
      {props.error ? (
        <p class="notice error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action={SIGN_IN_PATH} class="stacked">
        <input type="hidden" name="_csrf" value={props.csrfToken} />
        <input type="hidden" name="next" value={props.next} />
        <label>
          API key
          <input type="password" name="token" autocomplete="off" required minlength={16} maxlength={512} spellcheck={false} />
        </label>
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </>
  );
}

export function registerConsoleSignIn(app: Hono<AppEnv>) {
  const router = createConsoleRouter();

  router.get('/', async (c) => {
    const session = await readConsoleSession(c);
    return renderConsolePage(
      c,
      { title: 'Console', section: CONSOLE_HOME_SECTION, session },
      <>
        <h1>Console</h1>
        <ul>
          <li>
            <a href="/console/privacy">Privacy</a>: consent, erasures, privacy budget and the audit trail (privacy officers and admins).
          </li>
          <li>
            <a href="/console/datasets">Datasets</a>: the published aggregate datasets.
          </li>
        </ul>
        {session ? null : (
          <p>
            <a href={SIGN_IN_PATH}>Sign in</a>
          </p>
        )}
      </>,
    );
  });

  router.get('/sign-in', (c) => {
    const next = safeConsolePath(c.req.query('next'));
    return renderConsolePage(
      c,
      { title: 'Sign in', section: CONSOLE_HOME_SECTION },
      <SignInForm csrfToken={issueSignInCsrf(c)} next={next} />,
    );
  });

  router.post('/sign-in', async (c) => {
    assertSameOrigin(c);
    const form = await c.req.parseBody();
    const next = safeConsolePath(form.next);
    const retry = (error: string, status: 400 | 401) =>
      renderConsolePage(
        c,
        { title: 'Sign in', section: CONSOLE_HOME_SECTION },
        <SignInForm csrfToken={issueSignInCsrf(c)} next={next} error={error} />,
        status,
      );
    if (!signInCsrfMatches(c, form._csrf)) return retry('The sign-in form expired. Please try again.', 400);
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const principal = API_KEY_PATTERN.test(token) ? await authenticate(c.var.deps, token) : undefined;
    if (principal?.kind !== 'api-key') return retry('That API key is not valid or has been revoked.', 401);
    await startConsoleSession(c, principal);
    deleteCookie(c, csrfCookieName(isSecureContext(c)), cookieOptions(c, 0));
    c.var.deps.logger.info('console sign-in', { role: principal.role });
    return c.redirect(next, 303);
  });

  router.post('/sign-out', requireConsoleSession('admin', 'privacy_officer', 'researcher'), async (c) => {
    await endConsoleSession(c);
    return c.redirect(SIGN_IN_PATH, 303);
  });

  app.route('/console', router);
}
