/**
 * Tampering with the audit log directly in the database: editing, deleting and reordering rows.
 * Verification must name the first entry that no longer fits, and why.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditEntryHash } from '../../src/audit/audit-log';
import { registerConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { issueApiKey } from '../consent/consent-fixtures';
import { publishTestPeriod, TEST_RELEASE_CONFIG } from '../releases/release-fixtures';

describe.each(TEST_DIALECTS)('audit chain verification on %s', (dialect) => {
  let testApp: TestApp;
  let officer: string;
  let pristine: Awaited<ReturnType<typeof readAll>>;
  const readAll = () => testApp.deps.database.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();

  beforeAll(async () => {
    testApp = await createTestApp({ dialect });
    // bootstrap key (1), privacy officer key (2), then per org: organization (3), instance (4), consent (5) ...
    officer = (await issueApiKey(testApp, 'privacy_officer')).token;
    for (const name of ['A', 'B']) {
      const org = await registerConsentingOrg(testApp, { name });
      await requestJson(testApp, 'DELETE', `/v1/orgs/${org.orgId}/consent`, { token: ADMIN_TOKEN, body: { reason: 'test' } });
    }
    pristine = await readAll();
  });
  // Each case tampers with its own copy of the same chain.
  beforeEach(async () => {
    await db().deleteFrom('audit_log').execute();
    await db().insertInto('audit_log').values(pristine).execute();
  });
  afterAll(() => testApp.dispose());

  const verify = async () => {
    const response = await requestJson(testApp, 'GET', '/v1/audit/verify', { token: officer });
    expect(response.status).toBe(200);
    return response.json;
  };
  const db = () => testApp.deps.database.db;

  it('reports an untouched chain as valid, with its head', async () => {
    const result = await verify();
    const head = await db().selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(result).toEqual({
      valid: true,
      entriesChecked: 12,
      head: { seq: 12, hash: head.hash, at: head.at },
      firstBroken: null,
      verifiedAt: testApp.clock.now().toISOString(),
    });
  });

  it('catches an edited entry', async () => {
    await db().updateTable('audit_log').set({ actor_role: 'researcher' }).where('seq', '=', 5).execute();
    expect((await verify()).firstBroken).toMatchObject({ seq: 5, reason: 'hash-mismatch' });
  });

  it('catches edited details, even in canonical form', async () => {
    const row = await db().selectFrom('audit_log').select('details').where('seq', '=', 6).executeTakeFirstOrThrow();
    const details = JSON.parse(row.details) as Record<string, unknown>;
    await db().updateTable('audit_log').set({ details: JSON.stringify({ ...details, reason: 'edited' }) }).where('seq', '=', 6).execute();
    expect((await verify()).firstBroken).toMatchObject({ seq: 6, reason: expect.stringMatching(/hash-mismatch|details-not-canonical/) });
  });

  it('catches an edit whose hash was recomputed: the next entry no longer links to it', async () => {
    const row = await db().selectFrom('audit_log').selectAll().where('seq', '=', 4).executeTakeFirstOrThrow();
    const forged = { ...row, subject: 'instance:forged' };
    const hash = auditEntryHash({
      seq: forged.seq,
      at: forged.at,
      actorId: forged.actor_id,
      actorRole: forged.actor_role,
      action: forged.action,
      subject: forged.subject,
      details: JSON.parse(forged.details),
      prevHash: forged.prev_hash,
    });
    await db().updateTable('audit_log').set({ subject: forged.subject, hash }).where('seq', '=', 4).execute();
    expect((await verify()).firstBroken).toMatchObject({ seq: 5, reason: 'prev-hash-mismatch' });
  });

  it('catches a deleted entry', async () => {
    await db().deleteFrom('audit_log').where('seq', '=', 7).execute();
    const result = await verify();
    expect(result.valid).toBe(false);
    expect(result.firstBroken).toMatchObject({ seq: 8, reason: 'sequence-gap' });
    expect(result.head.seq).toBe(6);
  });

  it('catches a deleted first entry', async () => {
    await db().deleteFrom('audit_log').where('seq', '=', 1).execute();
    expect((await verify()).firstBroken).toMatchObject({ seq: 2, reason: 'sequence-gap' });
  });

  it('catches deleted entries renumbered to close the gap', async () => {
    await db().deleteFrom('audit_log').where('seq', '=', 7).execute();
    for (let seq = 8; seq <= 12; seq += 1) await db().updateTable('audit_log').set({ seq: seq - 1 }).where('seq', '=', seq).execute();
    expect((await verify()).firstBroken).toMatchObject({ seq: 7, reason: 'prev-hash-mismatch' });
  });

  it('catches two entries swapped', async () => {
    // Swap the sequence numbers of entries 3 and 9 via a free number.
    await db().updateTable('audit_log').set({ seq: 1000 }).where('seq', '=', 3).execute();
    await db().updateTable('audit_log').set({ seq: 3 }).where('seq', '=', 9).execute();
    await db().updateTable('audit_log').set({ seq: 9 }).where('seq', '=', 1000).execute();
    expect((await verify()).firstBroken).toMatchObject({ seq: 3, reason: 'prev-hash-mismatch' });
  });

  it('catches rows moved wholesale, hashes and all', async () => {
    // Move the contents of entries 10 and 11 (every column but seq) into each other's place.
    const [ten, eleven] = await db().selectFrom('audit_log').selectAll().where('seq', 'in', [10, 11]).orderBy('seq').execute();
    const { seq: _ten, ...tenContent } = ten!;
    const { seq: _eleven, ...elevenContent } = eleven!;
    await db().updateTable('audit_log').set(elevenContent).where('seq', '=', 10).execute();
    await db().updateTable('audit_log').set(tenContent).where('seq', '=', 11).execute();
    expect((await verify()).firstBroken).toMatchObject({ seq: 10, reason: 'prev-hash-mismatch' });
  });

  it('catches details that are no longer JSON', async () => {
    await sql`UPDATE audit_log SET details = ${'{not json'} WHERE seq = 2`.execute(db());
    expect((await verify()).firstBroken).toMatchObject({ seq: 2, reason: 'details-not-json' });
  });
});

describe.each(TEST_DIALECTS)('audit anchors in signed releases on %s', (dialect) => {
  let testApp: TestApp;
  let officer: string;
  beforeEach(async () => {
    testApp = await createTestApp({ dialect, config: TEST_RELEASE_CONFIG });
    officer = (await issueApiKey(testApp, 'privacy_officer')).token;
    await publishTestPeriod(testApp);
  });
  afterEach(() => testApp.dispose());

  const verify = async () => (await requestJson(testApp, 'GET', '/v1/audit/verify', { token: officer })).json;
  const db = () => testApp.deps.database.db;

  it('each release anchors the audit head it was built on, by its hash alone (a sequence number would count audited events)', async () => {
    const release = await db().selectFrom('releases').select('datapackage').executeTakeFirstOrThrow();
    const anchored = JSON.parse(release.datapackage).chain.auditLogHead;
    expect(Object.keys(anchored)).toEqual(['hash']);
    const entry = await db().selectFrom('audit_log').select(['seq', 'hash']).where('hash', '=', anchored.hash).executeTakeFirstOrThrow();
    const recorded = await db().selectFrom('audit_log').select('seq').where('action', '=', 'release.published').executeTakeFirstOrThrow();
    expect(Number(entry.seq)).toBe(Number(recorded.seq) - 1);
    expect((await verify()).valid).toBe(true);
  });

  it('catches the newest entries cut off, which the chain alone cannot show', async () => {
    const newest = await db().selectFrom('audit_log').select('seq').where('action', '=', 'release.published').executeTakeFirstOrThrow();
    await db().deleteFrom('audit_log').where('seq', '>=', newest.seq).execute();
    const result = await verify();
    expect(result.firstBroken).toMatchObject({ reason: 'truncated', seq: Number(newest.seq) });
  });

  it('catches a chain rewritten consistently below a release anchor', async () => {
    // Re-hash the whole chain after editing entry 1: every link is consistent again, but the hash
    // the release signed for its anchor no longer matches.
    const rows = await db().selectFrom('audit_log').selectAll().orderBy('seq').execute();
    let previousHash = '0'.repeat(64);
    for (const row of rows) {
      const edited = { ...row, actor_role: row.seq === 1 ? 'forged' : row.actor_role, prev_hash: previousHash };
      const hash = auditEntryHash({
        seq: Number(edited.seq),
        at: edited.at,
        actorId: edited.actor_id,
        actorRole: edited.actor_role,
        action: edited.action,
        subject: edited.subject,
        details: JSON.parse(edited.details),
        prevHash: previousHash,
      });
      await db().updateTable('audit_log').set({ actor_role: edited.actor_role, prev_hash: previousHash, hash }).where('seq', '=', row.seq).execute();
      previousHash = hash;
    }
    const recorded = await db().selectFrom('audit_log').select('seq').where('action', '=', 'release.published').executeTakeFirstOrThrow();
    expect((await verify()).firstBroken).toMatchObject({ reason: 'anchor-mismatch', seq: Number(recorded.seq) });
  });
});
