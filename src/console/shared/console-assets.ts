/**
 * `/console/assets/<name>`: the consoles' stylesheet and script (bundled here) and vendored files
 * such as Chart.js (from the injected `StaticAssets`, so the app reads no file system).
 *
 * Caching: every response has a strong ETag (SHA-256 of the body) and answers If-None-Match with
 * 304. Pages link to `/console/assets/<name>?v=<version>` (see `consoleAssetUrl`), where version is
 * the start of that hash; such URLs never change meaning, so they are cached for a year as
 * immutable. A request with a missing or stale `v` is only cached briefly, so a deploy that changes
 * a file is picked up at once.
 *
 * Names in use: `console.css`, `console.js` (first-party) and `chart.umd.min.js` (vendored).
 */
import type { Hono } from 'hono';
import type { StaticAsset, StaticAssets } from '../../deps';
import { AppError } from '../../errors';
import type { AppEnv } from '../../http/app-env';
import { CONSOLE_SCRIPT } from './assets/console-script';
import { CONSOLE_STYLESHEET } from './assets/console-stylesheet';

export const CHART_JS_ASSET = 'chart.umd.min.js';
export const CONSOLE_SCRIPT_ASSET = 'console.js';
export const CONSOLE_STYLESHEET_ASSET = 'console.css';

const BUNDLED: Record<string, StaticAsset> = {
  [CONSOLE_STYLESHEET_ASSET]: { body: CONSOLE_STYLESHEET, contentType: 'text/css; charset=utf-8' },
  [CONSOLE_SCRIPT_ASSET]: { body: CONSOLE_SCRIPT, contentType: 'text/javascript; charset=utf-8' },
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, max-age=300, must-revalidate';

interface ResolvedAsset extends StaticAsset {
  etag: string;
  version: string;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Hashes are computed once per asset source (one per app), not per request. */
const resolvedBySource = new WeakMap<StaticAssets, Map<string, Promise<ResolvedAsset | undefined>>>();

export function resolveConsoleAsset(vendored: StaticAssets, name: string): Promise<ResolvedAsset | undefined> {
  let cache = resolvedBySource.get(vendored);
  if (!cache) {
    cache = new Map();
    resolvedBySource.set(vendored, cache);
  }
  let resolved = cache.get(name);
  if (!resolved) {
    const pending = (async () => {
      const asset = Object.hasOwn(BUNDLED, name) ? BUNDLED[name] : await vendored.get(name);
      if (!asset) return undefined;
      const hash = await sha256Hex(asset.body);
      return { ...asset, etag: `"${hash}"`, version: hash.slice(0, 16) };
    })();
    resolved = pending;
    cache.set(name, pending);
    // Unknown names and failed reads are not remembered: the cache holds only real files.
    pending.then(
      (asset) => asset === undefined && cache.delete(name),
      () => cache.delete(name),
    );
  }
  return resolved;
}

/** The cache-busting URL of an asset, for <link> and <script> tags. */
export async function consoleAssetUrl(vendored: StaticAssets, name: string): Promise<string> {
  const asset = await resolveConsoleAsset(vendored, name);
  return asset ? `/console/assets/${name}?v=${asset.version}` : `/console/assets/${name}`;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag;
  });
}

export function registerConsoleAssets(app: Hono<AppEnv>) {
  app.get('/console/assets/:name{[a-z0-9][a-z0-9.-]{0,80}}', async (c) => {
    const name = c.req.param('name');
    const asset = await resolveConsoleAsset(c.var.deps.assets, name);
    if (!asset) throw new AppError('not-found', 'No console asset with this name.');
    const cacheControl = c.req.query('v') === asset.version ? IMMUTABLE : REVALIDATE;
    const headers = { etag: asset.etag, 'cache-control': cacheControl };
    if (etagMatches(c.req.header('if-none-match'), asset.etag)) return c.body(null, 304, headers);
    return c.body(asset.body, 200, { ...headers, 'content-type': asset.contentType });
  });
}
