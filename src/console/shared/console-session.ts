/**
 * Console sessions and CSRF protection, shared by every console section.
 *
 * A person signs in once with an API key (`/console/sign-in`); the server keeps a session row
 * (SHA-256 of the id, the key id and role, a CSRF token, an absolute expiry) and hands the browser
 * the id in an HttpOnly, SameSite=Strict cookie (Secure and `__Host-` prefixed on HTTPS). The key
 * itself is never stored in the browser, and revoking the key ends its sessions.
 *
 * Use in a section:
 *   const router = createConsoleRouter();                 // HTML error pages (console-router.tsx)
 *   router.use('*', requireConsoleSession('privacy_officer', 'admin'));
 *   router.get('/', (c) => ... c.var.consoleSession.csrfToken ...);
 *   app.route('/console/privacy', router);
 *
 * `requireConsoleSession` redirects anonymous visitors to the sign-in page (303, with `next`),
 * answers a wrong role with 403, sets `c.var.principal` (an api-key principal, so domain functions
 * audit key id + role exactly as for API calls) and `c.var.consoleSession`, and on every unsafe
 * method checks the form's `_csrf` field (put `<CsrfField token=... />` in every form) and that the
 * request comes from this origin.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { ApiRole, Principal } from '../../auth/principal';
import { constantTimeEqual, hashToken } from '../../auth/tokens';
import type { AppDeps } from '../../deps';
import { AppError } from '../../errors';
import type { AppEnv } from '../../http/app-env';
import {
  deleteConsoleSession,
  deleteExpiredConsoleSessions,
  findLiveConsoleSession,
  insertConsoleSession,
} from './console-session-repository';

/** Absolute lifetime: a console left open overnight asks for the key again. */
export const CONSOLE_SESSION_TTL_MS = 8 * 3600_000;
export const CSRF_FIELD = '_csrf';
export const SIGN_IN_PATH = '/console/sign-in';

export interface ConsoleSession {
  keyId: string;
  role: ApiRole;
  csrfToken: string;
  expiresAt: string;
}

export interface ConsoleEnv extends AppEnv {
  Variables: AppEnv['Variables'] & { consoleSession: ConsoleSession };
}

function randomToken(deps: Pick<AppDeps, 'random'>): string {
  const bytes = new Uint8Array(32);
  deps.random.fillRandomBytes(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** HTTPS as the browser sees it: the request itself, or a public base URL in front of a TLS proxy. */
export function isSecureContext<E extends AppEnv>(c: Context<E>): boolean {
  return new URL(c.req.url).protocol === 'https:' || (c.var.deps.config.publicBaseUrl?.startsWith('https://') ?? false);
}

/** `__Host-` binds the cookie to this host and path `/`; browsers accept the prefix only with Secure. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-console_session' : 'console_session';
}

export function csrfCookieName(secure: boolean): string {
  return secure ? '__Host-console_signin' : 'console_signin';
}

export function cookieOptions<E extends AppEnv>(c: Context<E>, maxAgeSeconds: number) {
  return { httpOnly: true, secure: isSecureContext(c), sameSite: 'Strict' as const, path: '/', maxAge: maxAgeSeconds };
}

/** Starts a session for an authenticated API key and sets its cookie. */
export async function startConsoleSession<E extends AppEnv>(c: Context<E>, principal: Extract<Principal, { kind: 'api-key' }>) {
  const { deps } = c.var;
  const now = deps.clock.now();
  const sessionId = randomToken(deps);
  const expiresAt = new Date(now.getTime() + CONSOLE_SESSION_TTL_MS).toISOString();
  // Housekeeping on sign-in keeps the table small without a scheduler.
  await deleteExpiredConsoleSessions(deps.database.db, now.toISOString());
  await insertConsoleSession(deps.database.db, {
    id_hash: hashToken(sessionId),
    key_id: principal.keyId,
    role: principal.role,
    csrf_token: randomToken(deps),
    created_at: now.toISOString(),
    expires_at: expiresAt,
  });
  setCookie(c, sessionCookieName(isSecureContext(c)), sessionId, cookieOptions(c, CONSOLE_SESSION_TTL_MS / 1000));
}

export async function readConsoleSession<E extends AppEnv>(c: Context<E>): Promise<ConsoleSession | undefined> {
  const sessionId = getCookie(c, sessionCookieName(isSecureContext(c)));
  if (!sessionId || sessionId.length > 128) return undefined;
  const { deps } = c.var;
  const row = await findLiveConsoleSession(deps.database.db, hashToken(sessionId), deps.clock.now().toISOString());
  return row ? { keyId: row.key_id, role: row.role as ApiRole, csrfToken: row.csrf_token, expiresAt: row.expires_at } : undefined;
}

export async function endConsoleSession<E extends AppEnv>(c: Context<E>): Promise<void> {
  const name = sessionCookieName(isSecureContext(c));
  const sessionId = getCookie(c, name);
  if (sessionId) await deleteConsoleSession(c.var.deps.database.db, hashToken(sessionId));
  deleteCookie(c, name, { path: '/', secure: isSecureContext(c) });
}

/** A pre-session token for the sign-in form (double-submit cookie), so nobody can sign a visitor in to their key. */
export function issueSignInCsrf<E extends AppEnv>(c: Context<E>): string {
  const token = randomToken(c.var.deps);
  setCookie(c, csrfCookieName(isSecureContext(c)), token, cookieOptions(c, 3600));
  return token;
}

export function signInCsrfMatches<E extends AppEnv>(c: Context<E>, submitted: unknown): boolean {
  const expected = getCookie(c, csrfCookieName(isSecureContext(c)));
  return typeof submitted === 'string' && expected !== undefined && constantTimeEqual(submitted, expected);
}

/**
 * Rejects cross-site form posts (defence in depth beside SameSite=Strict and the token). Browsers
 * mark every request with Sec-Fetch-Site, which pages cannot forge: it must say same-origin. The
 * Origin header cannot be relied on alone: under `Referrer-Policy: no-referrer` (set app-wide)
 * Chromium sends `Origin: null` even for same-origin form posts. Without Sec-Fetch-Site (older
 * browsers, scripts) a real Origin must name this host or the public URL's.
 */
export function assertSameOrigin<E extends AppEnv>(c: Context<E>): void {
  const refuse = () => {
    throw new AppError('forbidden', 'Console forms must be submitted from the console itself.');
  };
  const fetchSite = c.req.header('sec-fetch-site');
  if (fetchSite !== undefined) {
    if (fetchSite !== 'same-origin') refuse();
    return;
  }
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  const allowed = new Set([new URL(c.req.url).host, c.req.header('host')]);
  const publicBaseUrl = c.var.deps.config.publicBaseUrl;
  if (publicBaseUrl) allowed.add(new URL(publicBaseUrl).host);
  let host: string | undefined;
  try {
    host = origin === 'null' ? undefined : new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (!host || !allowed.has(host)) refuse();
}

/** Only same-site console paths may be a post-sign-in destination (no open redirect). */
export function safeConsolePath(candidate: unknown, fallback = '/console'): string {
  return typeof candidate === 'string' && /^\/console(\/[A-Za-z0-9._~\-/?=&%]*)?$/.test(candidate) && !candidate.includes('..')
    ? candidate
    : fallback;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Marks a refusal for a signed-in person whose role this console section does not admit. */
export const WRONG_ROLE = 'consoleRoleNotAdmitted';

export function requireConsoleSession(...roles: ApiRole[]) {
  return createMiddleware<ConsoleEnv>(async (c, next) => {
    const session = await readConsoleSession(c);
    if (!session) {
      const url = new URL(c.req.url);
      const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : url.pathname;
      return c.redirect(`${SIGN_IN_PATH}?next=${encodeURIComponent(safeConsolePath(back))}`, 303);
    }
    if (!roles.includes(session.role)) {
      // The session stays readable so the error page can offer sign-out and the consoles this role may use.
      c.set('consoleSession', session);
      throw new AppError('forbidden', `This part of the console requires one of: ${roles.join(', ')}.`, { [WRONG_ROLE]: session.role });
    }
    if (UNSAFE_METHODS.has(c.req.method)) {
      assertSameOrigin(c);
      const form = await c.req.parseBody();
      const submitted = form[CSRF_FIELD];
      if (typeof submitted !== 'string' || !constantTimeEqual(submitted, session.csrfToken)) {
        throw new AppError('forbidden', 'The form has expired or did not come from this console. Reload the page and try again.');
      }
    }
    c.set('consoleSession', session);
    c.set('principal', { kind: 'api-key', keyId: session.keyId, role: session.role });
    await next();
  });
}
