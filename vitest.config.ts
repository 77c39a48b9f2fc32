import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Storage suites share one PostgreSQL database; files run in parallel but each suite uses its own schema.
    pool: 'forks',
    globalSetup: ['./test/support/postgres-global-setup.ts', './test/support/workers-global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
