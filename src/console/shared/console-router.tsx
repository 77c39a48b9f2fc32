/**
 * A router for one console section: errors become HTML pages (a person is reading, not a client
 * parsing problem+json), form bodies are small, and unknown failures go to the app's logging error
 * handler. Mount with `app.route('/console/<section>', router)`.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { classifyStoreFault } from '../../db/store-faults';
import { AppError, PROBLEM_TYPES } from '../../errors';
import { createErrorHandler } from '../../http/problem';
import { type ConsoleSection, renderConsolePage } from './console-layout';
import type { ConsoleEnv } from './console-session';

/** Console forms carry a few short fields; anything larger is not from our pages. */
const CONSOLE_FORM_LIMIT_BYTES = 16 * 1024;

export const CONSOLE_HOME_SECTION: ConsoleSection = {
  name: 'Console',
  home: '/console',
  nav: [
    { href: '/console/privacy', label: 'Privacy' },
    { href: '/console/datasets', label: 'Datasets' },
  ],
};

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
  router.onError((error, c) => {
    if (!(error instanceof AppError)) {
      const { logger, database, clock } = c.var.deps;
      return createErrorHandler(logger, classifyStoreFault, (kind) => database.health?.recordFault(kind, clock.now().getTime()))(error, c);
    }
    const { status, title } = PROBLEM_TYPES[error.code];
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return renderConsolePage(
      c,
      { title, section, session: c.var.consoleSession },
      <>
        <h1>{title}</h1>
        <p class="notice error">{error.detail}</p>
        <p>
          <a href={section.home}>Back to {section.name.toLowerCase()}</a>
        </p>
      </>,
      status,
    );
  });
  return router;
}
