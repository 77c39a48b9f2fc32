/**
 * Privacy engine benchmark: exact sampler throughput and the cost of a one-million-row release.
 *
 *   npm run bench:privacy          (or: npx tsx bench/privacy/main.ts)
 *
 * Everything uses the crypto random source (what production uses). Each figure is the median of
 * several repetitions; the raw random-source throughput is measured in the same run as a baseline, so
 * the ratios stay comparable across machines. Results are printed as Markdown tables; the figures in
 * docs/privacy-engine.md come from this script.
 */
import os from 'node:os';
import {
  createCryptoRandomSource,
  createNoiseSampler,
  discreteGaussianForSigma,
  discreteLaplaceForScale,
  planDatasetRelease,
  prepareRelease,
  RandomBitStream,
  releaseCells,
  type ContributionRow,
  type NoiseDistribution,
  type RandomSource,
} from '../../src/privacy';
import { median } from '../support/statistics';

const REPETITIONS = 5;
const SCALES = [1, 100, 1e4, 1e6];

/** Median operations per second of `run(n)` over REPETITIONS, after one warm-up. */
function throughput(n: number, run: (n: number) => number): number {
  let sink = run(Math.min(n, 100_000)); // warm up (JIT)
  const rates: number[] = [];
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const started = performance.now();
    sink += run(n);
    rates.push(n / ((performance.now() - started) / 1000));
  }
  if (Number.isNaN(sink)) console.log(''); // keep the work observable
  return median(rates);
}

const format = (value: number): string => Math.round(value).toLocaleString('en-US');

/** Passes requests through, counting the bytes drawn (4 KiB blocks, so the count is within 4 KiB). */
function countingSource(source: RandomSource): RandomSource & { bytes(): number } {
  let drawn = 0;
  return {
    fillRandomBytes(target: Uint8Array): void {
      drawn += target.length;
      source.fillRandomBytes(target);
    },
    bytes: () => drawn,
  };
}

const random = createCryptoRandomSource();

// Baselines: the crypto source itself (bytes), and uniform 32-bit words through the bit stream.
const block = new Uint8Array(4096);
const bytesPerSecond = throughput(20_000, (n) => {
  for (let i = 0; i < n; i++) random.fillRandomBytes(block);
  return block[0]!;
}) * block.length;
const wordStream = new RandomBitStream(random);
const wordsPerSecond = throughput(5_000_000, (n) => {
  let total = 0;
  for (let i = 0; i < n; i++) total += wordStream.nextUint32();
  return total;
});

console.log(`# Privacy engine benchmark\n`);
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} logical cores, load average ${os.loadavg()[0]!.toFixed(2)}\n`);
console.log(`| baseline | per second |`);
console.log(`|---|---:|`);
console.log(`| crypto random source, 4 KiB fills | ${format(bytesPerSecond / 1e6)} MB |`);
console.log(`| uniform 32-bit words via RandomBitStream | ${format(wordsPerSecond)} |`);
console.log();

console.log(`| sampler | scale | samples/s (median of ${REPETITIONS}) | vs 32-bit words/s | random bytes / sample |`);
console.log(`|---|---:|---:|---:|---:|`);
const samplerRows: [string, (scale: number) => NoiseDistribution][] = [
  ['discrete Gaussian (sigma)', discreteGaussianForSigma],
  ['discrete Laplace (t)', discreteLaplaceForScale],
];
for (const [label, noiseFor] of samplerRows) {
  for (const scale of SCALES) {
    const counted = countingSource(random);
    const sampler = createNoiseSampler(noiseFor(scale), new RandomBitStream(counted));
    const rate = throughput(1_000_000, (n) => {
      let total = 0;
      for (let i = 0; i < n; i++) total += sampler.sample();
      return total;
    });
    const bytesPerSample = counted.bytes() / (100_000 + REPETITIONS * 1_000_000);
    console.log(`| ${label} | ${scale.toExponential(0)} | ${format(rate)} | ${(rate / wordsPerSecond).toFixed(3)} | ${bytesPerSample.toFixed(1)} |`);
  }
}
console.log();

// One million contribution rows in memory: 10,000 contributors x 100 cells (of 1,000), default-like spec.
const rows: ContributionRow[] = [];
for (let contributor = 0; contributor < 10_000; contributor++) {
  for (let j = 0; j < 100; j++) {
    rows.push({
      contributor: `org-${contributor}`,
      cell: `cell-${(contributor * 7 + j * 13) % 1_000}`,
      count: (contributor + j) % 150,
      bytes: ((contributor * j) % 97) * 1_000_000,
    });
  }
}
const plan = planDatasetRelease({
  maxCellsPerContributor: 10,
  minContributorsPerCell: 10,
  measures: [
    { name: 'transfers', kind: 'transfer_count', maxCountPerCell: 100 },
    { name: 'organizations', kind: 'distinct_organizations' },
    { name: 'bytes', kind: 'clamped_byte_sum', maxBytesPerCell: 10_000_000_000 },
  ],
  rho: 0.1,
  selectionDelta: 1e-6,
  mechanism: 'gaussian',
});
const prepared = prepareRelease(plan);
releaseCells(rows.slice(0, 50_000), prepared, random); // warm up
const timings: number[] = [];
let released = 0;
for (let repetition = 0; repetition < REPETITIONS; repetition++) {
  const started = performance.now();
  released = releaseCells(rows, prepared, random).cells.length;
  timings.push(performance.now() - started);
}
const planStarted = performance.now();
planDatasetRelease(plan.spec);
const planMilliseconds = performance.now() - planStarted;
console.log(`| release step | time |`);
console.log(`|---|---:|`);
console.log(`| plan one dataset (3 measures, Gaussian) | ${planMilliseconds.toFixed(1)} ms |`);
console.log(`| bound + k-floor + select + noise, 1,000,000 rows (median of ${REPETITIONS}) | ${median(timings).toFixed(0)} ms |`);
console.log(`\n(${released} of 1,000 cells released in the last run; per-run times ${timings.map((t) => t.toFixed(0)).join(', ')} ms)`);
