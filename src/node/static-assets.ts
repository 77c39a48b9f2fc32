/**
 * Node implementation of `StaticAssets`: vendored browser files read from node_modules on first use
 * and kept in memory. The app never touches the file system itself, so the Workers entry point can
 * supply the same names from its bundle instead.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { StaticAsset, StaticAssets } from '../deps';

const require = createRequire(import.meta.url);

/** Public name -> how to find the file. chart.js does not export its dist folder, so resolve its entry and look beside it. */
const VENDORED_FILES: Record<string, { locate: () => string; contentType: string }> = {
  'chart.umd.min.js': {
    locate: () => join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
  // The API reference at /docs: Scalar's standalone build (its package exports only the module entry).
  'scalar-api-reference.js': {
    locate: () => join(dirname(require.resolve('@scalar/api-reference')), 'browser', 'standalone.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
};

export function createNodeStaticAssets(): StaticAssets {
  const loaded = new Map<string, Promise<StaticAsset>>();
  return {
    get(name) {
      const file = Object.hasOwn(VENDORED_FILES, name) ? VENDORED_FILES[name] : undefined;
      if (!file) return Promise.resolve(undefined);
      let asset = loaded.get(name);
      if (!asset) {
        asset = readFile(file.locate(), 'utf8').then((body) => ({ body, contentType: file.contentType }));
        // A failed read is not cached, so a transient error does not break the console for good.
        asset.catch(() => loaded.delete(name));
        loaded.set(name, asset);
      }
      return asset;
    },
  };
}
