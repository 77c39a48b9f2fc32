/**
 * From ingest to release through the front door: organizations with canary names send telemetry
 * full of canary identifiers, the period is released, and nothing that identifies an organization
 * (name, id, instance, token, pseudonym) or a person or file reaches any published byte. Afterwards
 * the period's counters and replay guards are gone and late events are refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { releasePeriod } from '../../src/releases/release-period';
import { type ConsentingOrg, registerConsentingOrg, sendBatch, testEventId, transferEvent } from '../support/fixtures';
import { createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { AFTER_GRACE, countRows, PERIOD, SYSTEM_ACTOR, TEST_RELEASE_CONFIG } from './release-fixtures';

const ORGANIZATIONS = 15;

describe.each(TEST_DIALECTS)('release lifecycle on %s', (dialect) => {
  let testApp: TestApp;
  let orgs: (ConsentingOrg & { name: string })[];
  const canaries: string[] = [];

  beforeEach(async () => {
    testApp = await createTestApp({ dialect, config: TEST_RELEASE_CONFIG });
    orgs = [];
    canaries.length = 0;
    for (let index = 0; index < ORGANIZATIONS; index += 1) {
      const name = `CanaryOrgName${index}Xq7`;
      const org = await registerConsentingOrg(testApp, { name, sector: index % 2 ? 'healthcare' : 'finance' });
      orgs.push({ ...org, name });
      const events = [0, 1, 2].map((n) =>
        transferEvent({
          eventId: testEventId(index * 10 + n),
          transfer: {
            protocol: 'https_web',
            direction: 'outbound',
            crossOrg: true,
            sizeBytes: 2_000_000 + index,
            outcome: 'delivered',
            fileName: `canary-file-${index}-Zk9.safetensors`,
            fileSha256: `${index.toString(16).padStart(2, '0')}c4ca4238a0b923820dcc509a6f75849b${'e'.repeat(30)}`,
            partnerDomain: `canary-partner-${index}.example`,
          },
          content: { classification: 'model_artifact', aiPlatform: 'huggingface' },
          actor: {
            userId: `canary-user-${index}`,
            email: `canary.person.${index}@example.org`,
            ip: `198.51.100.${index + 1}`,
            userAgent: `CanaryAgent/${index}`,
            hostname: `canary-host-${index}.corp`,
          },
        }),
      );
      const response = await sendBatch(testApp, org.ingestToken, events);
      expect(response.json.accepted).toBe(3);
      canaries.push(
        name,
        org.orgId,
        org.instanceId,
        org.ingestToken,
        `canary-file-${index}-Zk9`,
        `canary-partner-${index}`,
        `canary-user-${index}`,
        `canary.person.${index}`,
        `198.51.100.${index + 1}`,
        `CanaryAgent/${index}`,
        `canary-host-${index}`,
        testEventId(index * 10),
      );
    }
  });
  afterEach(() => testApp.dispose());

  it('publishes the crowd without any identifier, pseudonym or canary in any release byte', async () => {
    const db = testApp.deps.database.db;
    const pseudonyms = (await db.selectFrom('counters').select('contributor').distinct().execute()).map((row) => row.contributor);
    const eventHashes = (await db.selectFrom('replay_guards').select('event_hash').execute()).map((row) => Buffer.from(row.event_hash).toString('hex'));
    expect(pseudonyms).toHaveLength(ORGANIZATIONS);

    testApp.clock.set(AFTER_GRACE);
    const result = await releasePeriod(testApp.deps, { period: PERIOD, actor: SYSTEM_ACTOR });
    expect(result.releases.reduce((sum, release) => sum + release.cells, 0)).toBeGreaterThan(0);

    const published: string[] = [];
    for (const release of result.releases) {
      for (const file of ['datapackage.json', 'data.csv', 'data.json', 'datapackage.json.sig.b64']) {
        const response = await testApp.app.request(`/v1/releases/${release.id}/${file}`);
        expect(response.status).toBe(200);
        published.push(await response.text());
      }
      published.push((await requestJson(testApp, 'GET', `/v1/releases/${release.id}`)).text);
    }
    published.push((await requestJson(testApp, 'GET', '/v1/datasets')).text);
    const audit = await db.selectFrom('audit_log').select('details').where('action', '=', 'release.published').execute();
    published.push(...audit.map((row) => row.details));
    const everything = published.join('\n');
    for (const secret of [...canaries, ...pseudonyms, ...eventHashes]) {
      expect(everything.includes(secret), `"${secret}" leaked into a release`).toBe(false);
    }
    expect(everything).toMatch(/model_artifact/);
  });

  it('retention: the released period keeps no counters or replay guards, and late events are refused', async () => {
    expect(await countRows(testApp.deps.database, 'counters', PERIOD)).toBeGreaterThan(0);
    expect(await countRows(testApp.deps.database, 'replay_guards', PERIOD)).toBe(ORGANIZATIONS * 3);

    testApp.clock.set(AFTER_GRACE);
    const result = await releasePeriod(testApp.deps, { period: PERIOD, actor: SYSTEM_ACTOR });
    expect(result.replayGuardsDeleted).toBe(ORGANIZATIONS * 3);
    expect(await countRows(testApp.deps.database, 'counters', PERIOD)).toBe(0);
    expect(await countRows(testApp.deps.database, 'replay_guards', PERIOD)).toBe(0);

    // A late event for the released week, and a retry of an already-counted one: both refused as period_released.
    const late = await sendBatch(testApp, orgs[0]!.ingestToken, [
      transferEvent({ eventId: testEventId(9_000), occurredAt: '2026-11-29T23:00:00Z' }),
      transferEvent({ eventId: testEventId(0), occurredAt: '2026-11-26T12:01:00Z' }),
    ]);
    expect(late.status).toBe(200);
    expect(late.json.accepted).toBe(0);
    expect(late.json.rejected.map((rejection: { code: string }) => rejection.code)).toEqual(['period_released', 'period_released']);
    expect(await countRows(testApp.deps.database, 'counters', PERIOD)).toBe(0);
  });
});
