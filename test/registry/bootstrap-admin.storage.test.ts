import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureBootstrapAdmin } from '../../src/registry/registry-service';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';

describe.each(TEST_DIALECTS)('bootstrap admin key on %s', (dialect) => {
  let testApp: TestApp;
  beforeEach(async () => {
    testApp = await createTestApp({ dialect });
  });
  afterEach(() => testApp.dispose());

  it('processes starting at once register the bootstrap token exactly once', async () => {
    const { db } = testApp.deps.database;
    await db.deleteFrom('api_keys').execute();
    const token = `${ADMIN_TOKEN}-second`;
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => ensureBootstrapAdmin(testApp.deps, token)));
    expect(outcomes.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    const keys = await db.selectFrom('api_keys').select(['role', 'label']).execute();
    expect(keys).toEqual([{ role: 'admin', label: 'bootstrap' }]);
    expect(await ensureBootstrapAdmin(testApp.deps, token)).toBe(false);
  });
});
