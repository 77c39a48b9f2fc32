/**
 * The page frame every console section shares (privacy officers' console, dataset browser).
 *
 *   return renderConsolePage(
 *     c,
 *     { title: 'Datasets', section: DATASETS_SECTION, current: '/console/datasets', charts: true },
 *     <>
 *       <h1>Datasets</h1>
 *       <ChartCanvas id="volume" label="Events per period" config={{ type: 'bar', data: { labels, datasets } }} />
 *     </>,
 *   );
 *
 * - `section` names the console section and its navigation links; `current` marks the active link.
 * - `session` (from `c.var.consoleSession`) shows the role and a sign-out button; omit it on public pages.
 * - `charts: true` loads Chart.js and the console script (both from `/console/assets/`, never a CDN).
 *   `ChartCanvas` writes the Chart.js configuration as a JSON block next to the canvas; the script
 *   draws it (the CSP forbids inline scripts, so configurations are data, not code: no callbacks).
 * - Forms posting to a session-protected route must include `<CsrfField token={session.csrfToken} />`.
 * - Every page prints cleanly (navigation and forms are hidden, charts sized for paper).
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../http/app-env';
import { CHART_JS_ASSET, CONSOLE_SCRIPT_ASSET, CONSOLE_STYLESHEET_ASSET, consoleAssetUrl } from './console-assets';
import { CSRF_FIELD, type ConsoleSession } from './console-session';

export interface ConsoleNavItem {
  href: string;
  label: string;
}

export interface ConsoleSection {
  name: string;
  home: string;
  nav: readonly ConsoleNavItem[];
}

export interface ConsolePage {
  title: string;
  section: ConsoleSection;
  current?: string;
  session?: ConsoleSession | undefined;
  charts?: boolean;
}

interface LayoutProps extends ConsolePage {
  urls: { stylesheet: string; chartJs: string; script: string };
  generatedAt: string;
  requestId: string | undefined;
  children?: Child;
}

export function ConsoleLayout(props: LayoutProps) {
  const { section, session } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · ${section.name}`}</title>
        {/* No favicon: an empty data URL keeps browsers from asking for /favicon.ico. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={props.urls.stylesheet} />
        {props.charts ? <script src={props.urls.chartJs} defer /> : null}
        {props.charts ? <script src={props.urls.script} defer /> : null}
      </head>
      <body>
        <header class="console-header">
          <a class="brand" href={section.home}>
            {`Telemetry aggregator · ${section.name}`}
          </a>
          <nav class="console-nav" aria-label={section.name}>
            <ul>
              {section.nav.map((item) => (
                <li>
                  <a href={item.href} aria-current={item.href === props.current ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {session ? (
            <div class="console-session">
              <span>
                Signed in as <strong>{session.role.replace('_', ' ')}</strong>
              </span>
              <form method="post" action="/console/sign-out" class="inline">
                <CsrfField token={session.csrfToken} />
                <button type="submit" class="link">
                  Sign out
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <main>{props.children}</main>
        <footer class="console-footer">
          {`Generated ${props.generatedAt}`}
          {props.requestId ? ` · request ${props.requestId}` : ''}
        </footer>
      </body>
    </html>
  );
}

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

/** JSON that is safe inside a <script> element: `<` is escaped so no `</script>` can close it early. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A Chart.js chart: a labelled canvas plus its configuration as JSON, drawn by /console/assets/console.js. */
export function ChartCanvas(props: { id: string; label: string; config: unknown; height?: string }) {
  return (
    <div class="chart" style={props.height ? `height: ${props.height}` : undefined}>
      <canvas id={props.id} role="img" aria-label={props.label} />
      <script type="application/json" data-chart-for={props.id} dangerouslySetInnerHTML={{ __html: scriptSafeJson(props.config) }} />
    </div>
  );
}

export async function renderConsolePage<E extends AppEnv>(c: Context<E>, page: ConsolePage, content: Child, status: ContentfulStatusCode = 200) {
  const { deps } = c.var;
  const [stylesheet, chartJs, script] = await Promise.all([
    consoleAssetUrl(deps.assets, CONSOLE_STYLESHEET_ASSET),
    consoleAssetUrl(deps.assets, CHART_JS_ASSET),
    consoleAssetUrl(deps.assets, CONSOLE_SCRIPT_ASSET),
  ]);
  const html = await (
    <ConsoleLayout
      {...page}
      urls={{ stylesheet, chartJs, script }}
      generatedAt={deps.clock.now().toISOString()}
      requestId={c.get('requestId')}
    >
      {content}
    </ConsoleLayout>
  ).toString();
  c.header('cache-control', 'no-store');
  return c.html(`<!doctype html>${html}`, status);
}
