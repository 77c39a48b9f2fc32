/**
 * Fills workers-assets/ (wrangler.toml `[assets]`) with the browser files the Worker does not
 * bundle: Scalar's API reference renderer (4.7 MB) is served by Cloudflare as a static asset at
 * /docs/assets/, so the Worker script stays far below its size limit. The Node server serves the
 * same file at the same path from node_modules.
 *
 *   npm run workers:assets     run before `wrangler deploy` (workers:dev runs it itself)
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export function prepareWorkersAssets(): string {
  const source = join(dirname(require.resolve('@scalar/api-reference')), 'browser', 'standalone.js');
  const target = join(REPO_ROOT, 'workers-assets', 'docs', 'assets', 'scalar-api-reference.js');
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  return target;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`Copied the API reference renderer to ${prepareWorkersAssets()}`);
}
