/**
 * wrangler.toml stays in step with src/config.ts: every [vars] name is a configuration variable
 * (a typo would be silently ignored by the Worker), the values parse, and no secret is written
 * into the file.
 */
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { environmentSchema, parseEnvironment } from '../../src/config';
import { REPO_ROOT } from './support/wrangler';

const SECRETS = ['PSEUDONYM_KEY', 'SIGNING_KEY', 'BOOTSTRAP_ADMIN_TOKEN'];
/** Node-only settings that mean nothing to a Worker. */
const NODE_ONLY = ['PORT', 'DATABASE_URL', 'DATABASE_POOL_SIZE', 'DATABASE_SCHEMA', 'DATA_DIR'];

describe('wrangler.toml', () => {
  const config = unstable_readConfig({ config: `${REPO_ROOT}/wrangler.toml` });
  const vars = config.vars as Record<string, unknown>;

  it('declares only known, non-secret, Worker-relevant variables, and they parse', () => {
    const known = Object.keys(environmentSchema.shape);
    for (const name of Object.keys(vars)) {
      expect(known, `${name} is not in src/config.ts`).toContain(name);
      expect(SECRETS, `${name} is a secret: use wrangler secret put`).not.toContain(name);
      expect(NODE_ONLY, `${name} does not apply on Workers`).not.toContain(name);
      expect(typeof vars[name], name).toBe('string');
    }
    expect(() => parseEnvironment(vars as Record<string, string>)).not.toThrow();
  });

  it('binds D1 as DB with the generated migrations, runs the release cron, and enables nodejs_compat', () => {
    expect(config.main).toMatch(/src\/workers\/worker\.ts$/);
    expect(config.compatibility_flags).toContain('nodejs_compat');
    expect(config.d1_databases).toEqual([expect.objectContaining({ binding: 'DB', database_name: 'telemetry', migrations_dir: 'migrations' })]);
    expect(config.triggers.crons?.length).toBeGreaterThan(0);
  });
});
