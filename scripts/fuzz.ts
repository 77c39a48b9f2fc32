/**
 * Runs the HTTP fuzzer (test/security/fuzz-harness.ts) against the app over a fresh SQLite database.
 *
 *   npm run fuzz -- --runs 10000 [--seed 42]
 */
import { parseArgs } from 'node:util';
import { createFuzzTarget, runFuzz } from '../test/security/fuzz-harness';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
const target = await createFuzzTarget();
const started = Date.now();
try {
  await runFuzz(target, runs, values.seed === undefined ? undefined : Number(values.seed));
  process.stdout.write(`fuzz: ${runs} cases over ${target.operations.length} operations passed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
} finally {
  await target.testApp.dispose();
}
