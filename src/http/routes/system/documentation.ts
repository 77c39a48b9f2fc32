/**
 * The OpenAPI 3.1 document, the API reference at /docs (Scalar's renderer, served by the service
 * itself with no external scripts, fonts or requests: the service may run offline), and one page
 * per problem type so that every `type` URI in an error response resolves to its documentation.
 */
import { Scalar } from '@scalar/hono-api-reference';
import { html } from 'hono/html';
import { generateNonce } from '../../../auth/tokens';
import { PROBLEM_TYPES, type ProblemCode } from '../../../errors';
import { renderJsonSchemas } from '../../../ingest/json-schemas';
import type { App } from '../../app-env';
import { problemResponse } from '../../problem';

/** Scalar's standalone renderer, served from /docs/assets/ (never a CDN): by the Node app, and as a static asset on Workers. */
export const API_REFERENCE_BUNDLE = 'scalar-api-reference.js';

/**
 * The app-wide CSP with one change: the page's inline start-up script runs by its nonce. Scalar
 * injects its stylesheet at run time (inline styles are admitted everywhere already).
 */
function docsContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
  ].join('; ');
}

export const OPENAPI_INFO = {
  title: 'AI transfer telemetry aggregator',
  version: '1.0.0',
  description:
    'Consented transfer telemetry in; de-identified, k-anonymous, differentially private aggregate datasets out. ' +
    'Errors are RFC 9457 problem+json with a stable `type`. ' +
    'In a browser: the [datasets console](/console/datasets) for researchers and the [privacy console](/console/privacy) for privacy officers.',
};

export function registerDocumentation(app: App) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'Ingest token (product instances) or API key (admin, privacy_officer, researcher).',
  });
  const documentConfig = { openapi: '3.1.0', info: OPENAPI_INFO };
  app.doc31('/openapi.json', documentConfig);

  app.get(`/docs/assets/${API_REFERENCE_BUNDLE}`, async (c) => {
    const asset = await c.var.deps.assets.get(API_REFERENCE_BUNDLE);
    if (!asset) return problemResponse(c, 'not-found', 'The API reference bundle is not installed; /openapi.json describes the API.');
    return c.body(asset.body, 200, { 'content-type': asset.contentType, 'cache-control': 'public, max-age=3600' });
  });

  app.get('/docs', async (c) => {
    // The page starts the renderer with one inline script; the CSP admits it by this nonce only.
    const nonce = generateNonce(c.var.deps.random);
    c.header('content-security-policy', docsContentSecurityPolicy(nonce));
    const render = Scalar({
      url: '/openapi.json',
      cdn: `/docs/assets/${API_REFERENCE_BUNDLE}`,
      pageTitle: `${OPENAPI_INFO.title}: API reference`,
      nonce,
      // Served by the service itself: no web fonts, no proxy, no calls to any other host.
      withDefaultFonts: false,
      hideClientButton: true,
      showDeveloperTools: 'never',
      agent: { disabled: true },
      // An empty icon keeps the browser from asking for /favicon.ico (the consoles do the same).
      favicon: 'data:,',
      // Scalar's muted text and HTTP-method colours are too faint on white for WCAG AA contrast (axe:
      // color-contrast); these shades keep their hue at 4.5:1 or more.
      customCss: [
        '.light-mode {',
        '  --scalar-color-2: #4a4a4a; --scalar-color-3: #595959;',
        '  --scalar-color-green: #1a7f37; --scalar-color-orange: #b35900; --scalar-color-blue: #0b5cad;',
        '  --scalar-color-red: #c0262d; --scalar-color-purple: #6e40c9; --scalar-color-yellow: #7a6000;',
        '}',
        // Method labels (GET, POST…) take a per-method tint too light on white; the word itself says the method.
        '.light-mode .request-method, .light-mode .endpoint-method { color: var(--scalar-color-1) !important; }',
        '.dark-mode { --scalar-color-3: rgba(255, 255, 245, 0.72); }',
      ].join('\n'),
    });
    // Scalar types its handler for a plain Hono context; this app types `env` as unknown.
    const page = await render(c as unknown as Parameters<typeof render>[0], async () => {});
    if (!(page instanceof Response)) return page;
    // Scalar's page has no language; screen readers need one (axe: html-has-lang).
    const withLanguage = (await page.text()).replace(/<html>/i, '<html lang="en">');
    return new Response(withLanguage, { status: page.status, headers: page.headers });
  });

  const jsonSchemas = new Map(Object.entries(renderJsonSchemas()));
  const problemTypes = new Map<string, (typeof PROBLEM_TYPES)[ProblemCode]>(Object.entries(PROBLEM_TYPES));
  app.get('/schemas/:fileName', (c) => {
    const schema = jsonSchemas.get(c.req.param('fileName'));
    if (!schema) return problemResponse(c, 'not-found', 'No such schema.');
    return c.body(schema, 200, { 'content-type': 'application/schema+json', 'cache-control': 'public, max-age=3600' });
  });

  app.get('/problems/:code', (c) => {
    const code = c.req.param('code');
    const problemType = problemTypes.get(code);
    if (!problemType) return problemResponse(c, 'not-found', 'No such problem type.');
    const { status, title } = problemType;
    return c.html(
      html`<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>${title}</title></head>
        <body><h1>${title}</h1><p>Problem type <code>/problems/${code}</code>, HTTP status ${status}.</p>
        <p>See <a href="/docs">the API reference</a> for the routes that return it.</p></body></html>`,
    );
  });
}
