/**
 * A router for one console section: errors become HTML pages (a person is reading, not a client
 * parsing problem+json), form bodies are small, and unknown failures are logged by the app's error
 * handler before the reader sees a page. Mount with `app.route('/console/<section>', router)`, and
 * finish the section with `router.all('*', consolePageNotFound)` so that a mistyped or malformed
 * address inside it is an HTML page too.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { classifyStoreFault } from '../../db/store-faults';
import { AppError, PROBLEM_TYPES } from '../../errors';
import { createErrorHandler } from '../../http/problem';
import { type ConsoleSection, renderConsolePage } from './console-layout';
import { type ConsoleEnv, WRONG_ROLE } from './console-session';
import { Notice } from './notice';

/** Console forms carry a few short fields; anything larger is not from our pages. */
const CONSOLE_FORM_LIMIT_BYTES = 16 * 1024;

export const CONSOLE_HOME_SECTION: ConsoleSection = {
  name: 'Console',
  home: '/console',
  nav: [
    { href: '/console/privacy', label: 'Privacy' },
    { href: '/console/datasets', label: 'Datasets' },
    { href: '/docs', label: 'API reference' },
  ],
};

/** Where each role is at home, for the page that turns a person away. */
const CONSOLE_FOR_ROLE: Record<string, { href: string; label: string }> = {
  researcher: { href: '/console/datasets', label: 'the datasets console' },
  privacy_officer: { href: '/console/privacy', label: 'the privacy console' },
  admin: { href: '/console/privacy', label: 'the privacy console' },
};

export function consolePageNotFound(): never {
  throw new AppError('not-found', 'There is no console page at this address. Check the link, or start again from the section’s home page.');
}

export function createConsoleRouter(section: ConsoleSection = CONSOLE_HOME_SECTION) {
  const router = new Hono<ConsoleEnv>();
  router.use(
    '*',
    bodyLimit({
      maxSize: CONSOLE_FORM_LIMIT_BYTES,
      onError: () => {
        throw new AppError('payload-too-large', 'The form is larger than any console form.');
      },
    }),
  );
  router.onError(async (error, c) => {
    const session = c.var.consoleSession as ConsoleEnv['Variables']['consoleSession'] | undefined;
    if (error instanceof AppError && typeof error.extensions[WRONG_ROLE] === 'string') {
      const role = error.extensions[WRONG_ROLE];
      const home = CONSOLE_FOR_ROLE[role];
      return renderConsolePage(
        c,
        { title: `Not open to the ${role.replace('_', ' ')} role`, section: CONSOLE_HOME_SECTION, session },
        <>
          <h1>{`The ${section.name.toLowerCase()} console is not open to your role`}</h1>
          <Notice tone="info" id="wrong-role">
            {`You are signed in with a ${role.replace('_', ' ')} key. The ${section.name.toLowerCase()} console is for ${error.detail.replace(/^.*one of: /, '').replace(/\.$/, '').replace(/_/g, ' ')} keys, so every page in it would refuse this key.`}
          </Notice>
          <ul>
            {home ? (
              <li>
                <a href={home.href}>{`Go to ${home.label}`}</a>, which your key may use.
              </li>
            ) : null}
            <li>Sign out (above) and sign in again with a key of the right role.</li>
          </ul>
        </>,
        403,
      );
    }
    let status: ContentfulStatusCode;
    let title: string;
    let detail: string;
    if (error instanceof AppError) {
      ({ status, title } = PROBLEM_TYPES[error.code]);
      detail = error.detail;
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    } else {
      // Logged (class and message, never bodies) by the app's handler; the reader gets its words as a page.
      const { logger, database, clock } = c.var.deps;
      const problem = createErrorHandler(logger, classifyStoreFault, (kind) => database.health?.recordFault(kind, clock.now().getTime()))(error, c);
      const body = (await problem.json()) as { title?: string; detail?: string };
      status = problem.status as ContentfulStatusCode;
      title = body.title ?? 'Error';
      detail = body.detail ?? '';
      const retryAfter = problem.headers.get('retry-after');
      if (retryAfter) c.header('retry-after', retryAfter);
    }
    return renderConsolePage(
      c,
      { title, section, session },
      <>
        <h1>{title}</h1>
        <p class="notice error">{detail}</p>
        <p>
          <a href={section.home}>Back to {section.name.toLowerCase()}</a>
        </p>
      </>,
      status,
    );
  });
  return router;
}
