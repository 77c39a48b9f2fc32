/**
 * `wrangler deploy --dry-run` builds the production Worker (wrangler.toml's entry), and the upload
 * stays within the Workers Free plan's compressed size limit. The sizes are printed so a growing
 * bundle is visible long before it fails.
 */
import { describe, expect, it } from 'vitest';
import { FREE_PLAN_COMPRESSED_LIMIT_BYTES, measureWorkersBundle } from '../../scripts/workers-bundle-size';

describe('Workers bundle', () => {
  it('builds with wrangler deploy --dry-run and stays under 3 MiB compressed', () => {
    const size = measureWorkersBundle();
    console.log(
      `Workers bundle: ${(size.totalBytes / 1024).toFixed(1)} KiB, gzip ${(size.totalGzipBytes / 1024).toFixed(1)} KiB ` +
        `(wrangler: ${size.wranglerReportedGzipBytes === undefined ? 'n/a' : `${(size.wranglerReportedGzipBytes / 1024).toFixed(1)} KiB`})`,
    );
    expect(size.files.map((file) => file.name)).toContain('worker.js');
    // The console's Chart.js travels as its own Text module, not inlined into the script.
    expect(size.files.some((file) => file.name.endsWith('chart.umd.min.js'))).toBe(true);
    expect(size.totalGzipBytes).toBeLessThanOrEqual(FREE_PLAN_COMPRESSED_LIMIT_BYTES);
    if (size.wranglerReportedGzipBytes !== undefined) {
      expect(size.wranglerReportedGzipBytes).toBeLessThanOrEqual(FREE_PLAN_COMPRESSED_LIMIT_BYTES);
    }
  });
});
