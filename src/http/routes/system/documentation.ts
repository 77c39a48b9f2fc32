/**
 * The OpenAPI 3.1 document, a human-readable API reference rendered from it on the server (no
 * external scripts or fonts: the service may run offline), and one page per problem type so that
 * every `type` URI in an error response resolves to its documentation.
 */
import { html, raw } from 'hono/html';
import { PROBLEM_TYPES, type ProblemCode } from '../../../errors';
import { renderJsonSchemas } from '../../../ingest/json-schemas';
import type { App } from '../../app-env';
import { problemResponse } from '../../problem';

export const OPENAPI_INFO = {
  title: 'AI transfer telemetry aggregator',
  version: '1.0.0',
  description:
    'Consented transfer telemetry in; de-identified, k-anonymous, differentially private aggregate datasets out. ' +
    'Errors are RFC 9457 problem+json with a stable `type`.',
};

interface OperationObject {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  responses?: Record<string, { description?: string }>;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

function renderReference(document: { paths?: Record<string, Record<string, OperationObject>> }): string {
  const rows: string[] = [];
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const responses = Object.entries(operation.responses ?? {})
        .map(([status, response]) => `<li><code>${escapeHtml(status)}</code> ${escapeHtml(response.description ?? '')}</li>`)
        .join('');
      rows.push(
        `<section><h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>` +
          `<p>${escapeHtml(operation.summary ?? '')}${operation.security ? ' <em>(bearer token)</em>' : ''}</p>` +
          (operation.description ? `<p>${escapeHtml(operation.description)}</p>` : '') +
          `<ul>${responses}</ul></section>`,
      );
    }
  }
  return rows.join('\n');
}

export function registerDocumentation(app: App) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'Ingest token (product instances) or API key (admin, privacy_officer, researcher).',
  });
  const documentConfig = { openapi: '3.1.0', info: OPENAPI_INFO };
  app.doc31('/openapi.json', documentConfig);

  app.get('/docs', (c) => {
    const document = app.getOpenAPI31Document(documentConfig) as { paths?: Record<string, Record<string, OperationObject>> };
    return c.html(
      html`<!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>${OPENAPI_INFO.title}: API reference</title>
            <link rel="icon" href="data:," />
            <style>
              body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
              section { border-top: 1px solid #d0d7de; padding: .5rem 0; }
              h3 { margin: .3rem 0; font-size: 1rem; }
              .method { display: inline-block; min-width: 4.5rem; font-weight: 700; }
              .get { color: #0969da; } .post { color: #1a7f37; } .put { color: #9a6700; } .delete { color: #cf222e; }
              code { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
              pre { white-space: pre-wrap; overflow-wrap: anywhere; }
            </style>
          </head>
          <body>
            <h1>${OPENAPI_INFO.title}</h1>
            <p>${OPENAPI_INFO.description} Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
            ${raw(renderReference(document))}
          </body>
        </html>`,
    );
  });

  // Maps, not object lookups: a path segment such as `constructor` or `__proto__` must not reach
  // Object.prototype and answer with a built-in.
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
