/**
 * Builds the production Worker exactly as `wrangler deploy` would (`--dry-run --outdir`), then
 * reports its size, raw and gzip-compressed, against the Workers script size limit: Cloudflare
 * checks the compressed size of everything uploaded (the bundle plus modules such as the Text one
 * holding Chart.js), 3 MiB on the Free plan and 10 MiB on paid plans. Source maps are not uploaded.
 *
 *   npm run workers:bundle-size     prints the sizes; exits 1 above the Free-plan limit
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

import { prepareWorkersAssets } from './workers-assets';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Workers Free plan limit on the compressed script size (paid plans allow 10 MiB). */
export const FREE_PLAN_COMPRESSED_LIMIT_BYTES = 3 * 1024 * 1024;

export interface WorkersBundleSize {
  files: { name: string; bytes: number; gzipBytes: number }[];
  totalBytes: number;
  totalGzipBytes: number;
  /** wrangler's own "Total Upload: … / gzip: …" figure, in bytes (KiB precision). */
  wranglerReportedGzipBytes: number | undefined;
}

export function measureWorkersBundle(): WorkersBundleSize {
  // The deploy uploads the static assets too; build with them in place, as a deploy would.
  prepareWorkersAssets();
  const outdir = mkdtempSync(join(tmpdir(), 'telemetry-worker-bundle-'));
  try {
    const build = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'), 'deploy', '--dry-run', '--outdir', outdir],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          CI: '1',
          NO_COLOR: '1',
          WRANGLER_SEND_METRICS: 'false',
          WRANGLER_SEND_ERROR_REPORTS: 'false',
          WRANGLER_HIDE_BANNER: 'true',
          WRANGLER_LOG_PATH: join(outdir, '.logs'),
        },
        timeout: 120_000,
      },
    );
    if (build.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${build.stdout}\n${build.stderr}`);
    const reported = /Total Upload: [\d.]+ KiB \/ gzip: ([\d.]+) KiB/.exec(build.stdout);
    const files = readdirSync(outdir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.endsWith('.map') && entry.name !== 'README.md')
      .map((entry) => {
        const content = readFileSync(join(outdir, entry.name));
        return { name: entry.name, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
      });
    return {
      files,
      totalBytes: files.reduce((sum, file) => sum + file.bytes, 0),
      totalGzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0),
      wranglerReportedGzipBytes: reported?.[1] ? Math.round(Number(reported[1]) * 1024) : undefined,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function main() {
  const size = measureWorkersBundle();
  for (const file of size.files) console.log(`${file.name.padEnd(60)} ${kib(file.bytes).padStart(12)}  gzip ${kib(file.gzipBytes).padStart(10)}`);
  console.log(`${'total'.padEnd(60)} ${kib(size.totalBytes).padStart(12)}  gzip ${kib(size.totalGzipBytes).padStart(10)}`);
  if (size.wranglerReportedGzipBytes !== undefined) console.log(`wrangler reports gzip ${kib(size.wranglerReportedGzipBytes)}`);
  const share = (100 * size.totalGzipBytes) / FREE_PLAN_COMPRESSED_LIMIT_BYTES;
  console.log(`${share.toFixed(1)}% of the Workers Free plan limit (${kib(FREE_PLAN_COMPRESSED_LIMIT_BYTES)} compressed)`);
  if (size.totalGzipBytes > FREE_PLAN_COMPRESSED_LIMIT_BYTES) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
