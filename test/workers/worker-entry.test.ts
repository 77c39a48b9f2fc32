/**
 * The production entry (wrangler.toml's `main`, APP_ENV=production from its [vars]) under
 * `wrangler dev`: it refuses to serve without its secrets, naming the missing one, and in the
 * order an operator deploys (code first, then `wrangler d1 migrations apply`) it reports not ready
 * until the migrations land, then creates the bootstrap admin key and serves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/test-app';
import { D1_DATABASE_NAME, generateTestSecrets, runWrangler, startWorkersServer, type WorkersServer } from './support/wrangler';

let withoutSecrets: WorkersServer;
let unmigrated: WorkersServer;

beforeAll(async () => {
  [withoutSecrets, unmigrated] = await Promise.all([
    startWorkersServer({ skipMigrations: true, expectHealthy: false }),
    startWorkersServer({ skipMigrations: true, vars: { ...(await generateTestSecrets()), BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN } }),
  ]);
}, 150_000);

afterAll(async () => {
  await Promise.all([withoutSecrets?.stop(), unmigrated?.stop()]);
});

describe('the production Worker entry', () => {
  it('answers 500 without its secrets and logs which one is missing', async () => {
    const response = await fetch(`${withoutSecrets.url}/healthz`);
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = await response.text();
    expect(body).not.toContain('PSEUDONYM_KEY');
    // workerd's stdout reaches wrangler's a moment after the response.
    await expect.poll(() => withoutSecrets.output(), { timeout: 5000 }).toMatch(/start-up failed.*PSEUDONYM_KEY: required on Workers/);
  });

  it('is not ready before `wrangler d1 migrations apply`, and ready (with its bootstrap admin) after', async () => {
    expect((await fetch(`${unmigrated.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${unmigrated.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).toBe('5');

    const migrate = await runWrangler(
      ['d1', 'migrations', 'apply', D1_DATABASE_NAME, '--local', '--persist-to', unmigrated.persistTo],
      unmigrated.workDir,
    );
    expect(migrate.code, migrate.stderr).toBe(0);

    const ready = await fetch(`${unmigrated.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'd1' });
    // The start-up writes failed while the tables were missing and are retried on the next request.
    const org = await fetch(`${unmigrated.url}/v1/admin/orgs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'After migration', sector: 'finance', sizeBand: '250-999', country: 'DE' }),
    });
    expect(org.status).toBe(201);
  });
});
