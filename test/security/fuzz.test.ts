/**
 * The fuzzer over every OpenAPI operation (fuzz-harness.ts), a few hundred cases per CI run;
 * `npm run fuzz -- --runs 10000` runs more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFuzzTarget, type FuzzTarget, runFuzz } from './fuzz-harness';

describe('fuzzing every JSON route and query parameter', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await createFuzzTarget();
  });
  afterAll(() => target.testApp.dispose());

  it('derives the operations from the OpenAPI document', () => {
    expect(target.operations.length).toBeGreaterThan(25);
    expect(target.operations.some((operation) => operation.method === 'POST' && operation.path === '/v1/orgs/{orgId}/erasure')).toBe(true);
  });

  it('answers below 500, without internals, and echoes nothing submitted', { timeout: 180_000 }, async () => {
    await runFuzz(target, Number(process.env.FUZZ_RUNS ?? 300));
  });
});
