/**
 * Workers implementation of `StaticAssets`. A Worker has no file system, so the vendored browser
 * files are bundled into the script as text (wrangler.toml `[[rules]] type = "Text"`); the names
 * are the same as the Node implementation's (src/node/static-assets.ts).
 */
import chartUmdMin from 'chart.js/dist/chart.umd.min.js';
import type { StaticAsset, StaticAssets } from '../deps';

const BUNDLED_FILES: Record<string, StaticAsset> = {
  'chart.umd.min.js': { body: chartUmdMin, contentType: 'text/javascript; charset=utf-8' },
};

export function createWorkersStaticAssets(): StaticAssets {
  return {
    get: async (name) => (Object.hasOwn(BUNDLED_FILES, name) ? BUNDLED_FILES[name] : undefined),
  };
}
