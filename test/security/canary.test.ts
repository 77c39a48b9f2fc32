/**
 * Canary values in every identifier field, in unknown fields and in the organization's name must
 * never reach storage, logs, error messages or database files: this is the product's core promise.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../src/db/dialects/sqlite';
import { registerConsentingOrg, sendBatch, transferEvent, transferEventV2 } from '../support/fixtures';
import { dumpTables } from '../support/dump-database';
import { createTestApp, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';

const canary = (field: string) => `CANARY7f3a-${field}`;
const CANARY_EVENT_ID = 'c4a7a2f1-9d3b-4e6a-8f00-ca9a2e7f3a01';
const CANARY_ORG_NAME = canary('organization-name');

function eventWithCanaries(overrides: Record<string, unknown> = {}, version: 1 | 2 = 1) {
  const base = version === 1 ? transferEvent({ eventId: CANARY_EVENT_ID }) : transferEventV2({ eventId: CANARY_EVENT_ID });
  return {
    ...base,
    transfer: {
      ...(base.transfer as object),
      fileName: canary('fileName'),
      fileSha256: canary('fileSha256'),
      partnerDomain: canary('partnerDomain'),
      [canary('unknown-transfer-key')]: canary('unknown-transfer-value'),
    },
    actor: {
      userId: canary('userId'),
      email: `${canary('email')}@example.com`,
      ip: '203.0.113.77',
      userAgent: canary('userAgent'),
      hostname: canary('hostname'),
      [canary('unknown-actor-key')]: canary('unknown-actor-value'),
    },
    [canary('unknown-top-key')]: { nested: canary('unknown-nested-value') },
    notes: canary('unknown-notes'),
    ...overrides,
  };
}

const ALL_CANARIES = [
  'fileName',
  'fileSha256',
  'partnerDomain',
  'unknown-transfer-key',
  'unknown-transfer-value',
  'userId',
  'email',
  'userAgent',
  'hostname',
  'unknown-actor-key',
  'unknown-actor-value',
  'unknown-top-key',
  'unknown-nested-value',
  'unknown-notes',
  'invalid-protocol',
  'invalid-country',
  'unknown-integrity-key',
  'unknown-integrity-value',
  'invalid-artifact-class',
  'invalid-attestation-kind',
].map(canary);
const FORBIDDEN = [...ALL_CANARIES, '203.0.113.77', CANARY_EVENT_ID, CANARY_EVENT_ID.replaceAll('-', '')];

describe.each(TEST_DIALECTS)('identifier canaries on %s', (dialect) => {
  let testApp: TestApp;
  beforeEach(async () => {
    testApp = await createTestApp({ dialect });
  });
  afterEach(() => testApp.dispose());

  it('never stores, logs or echoes an identifier, unknown field or the organization next to telemetry', async () => {
    const org = await registerConsentingOrg(testApp, { name: CANARY_ORG_NAME });
    const response = await sendBatch(testApp, org.ingestToken, [
      eventWithCanaries(),
      eventWithCanaries({ eventId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427', transfer: { protocol: canary('invalid-protocol') } }),
      eventWithCanaries({ eventId: '6fa459ea-ee8a-4ca4-894e-db77e160355e', geo: { country: canary('invalid-country') } }),
    ]);
    expect(response.status).toBe(200);
    expect(response.json.accepted).toBe(1);
    expect(response.json.rejected.map((rejection: { code: string }) => rejection.code)).toEqual(['invalid_event', 'invalid_event']);
    // The second event's transfer object is replaced wholesale, so it carries no transfer identifiers.
    expect(response.json.droppedFields).toMatchObject({ 'actor.email': 3, 'transfer.fileName': 2, unknown: 11 });
    // Retrying must be recognised although the event id is stored only as a keyed hash.
    expect((await sendBatch(testApp, org.ingestToken, [eventWithCanaries()])).json.duplicates).toBe(1);

    for (const value of FORBIDDEN) expect(response.text, `response echoes ${value}`).not.toContain(value);

    const dump = await dumpTables(testApp.deps.database);
    const everything = JSON.stringify(dump);
    for (const value of FORBIDDEN) expect(everything, `storage holds ${value}`).not.toContain(value);

    const telemetryTables = JSON.stringify({ counters: dump.counters, replay_guards: dump.replay_guards });
    expect(dump.counters?.length).toBe(1);
    expect(telemetryTables).not.toContain(org.orgId);
    expect(telemetryTables).not.toContain(CANARY_ORG_NAME);
    expect(telemetryTables).not.toContain(org.instanceId);

    const logs = testApp.logLines.join('\n');
    expect(testApp.logLines.length).toBeGreaterThan(0);
    for (const value of [...FORBIDDEN, CANARY_ORG_NAME, org.ingestToken]) expect(logs, `logs hold ${value}`).not.toContain(value);

    if (dialect === 'sqlite') {
      // The database files themselves (main file, WAL, shared memory) hold no trace either.
      const databaseFile = sqlitePathFromUrl(testApp.testDatabase.url);
      const folder = dirname(databaseFile);
      const bytes = readdirSync(folder)
        .map((name) => readFileSync(`${folder}/${name}`).toString('latin1'))
        .join('\n');
      expect(bytes.length).toBeGreaterThan(0);
      for (const value of FORBIDDEN) expect(bytes.includes(value), `database file holds ${value}`).toBe(false);
    }
  });

  it('holds for contract version 2 too: its new fields carry no identifier, and a bad value is not echoed', async () => {
    const org = await registerConsentingOrg(testApp, { name: CANARY_ORG_NAME });
    const v2Event = (overrides: Record<string, unknown> = {}) => {
      const event = eventWithCanaries(overrides, 2);
      return {
        ...event,
        integrity: {
          ...(event.integrity as object),
          [canary('unknown-integrity-key')]: canary('unknown-integrity-value'),
        },
      };
    };
    const response = await sendBatch(
      testApp,
      org.ingestToken,
      [
        v2Event({ content: { classification: 'model_artifact', aiPlatform: 'huggingface', artifactClass: 'model_weights' } }),
        v2Event({
          eventId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
          content: { classification: 'model_artifact', aiPlatform: 'huggingface', artifactClass: canary('invalid-artifact-class') },
        }),
        v2Event({
          eventId: '6fa459ea-ee8a-4ca4-894e-db77e160355e',
          integrity: { evidence: 'provenance_attestation_verified', attestationKind: canary('invalid-attestation-kind'), chainOfCustodyRecorded: true },
        }),
      ],
      2,
    );
    expect(response.status).toBe(200);
    expect(response.json.accepted).toBe(1);
    expect(response.json.rejected.map((rejection: { code: string }) => rejection.code)).toEqual(['invalid_event', 'invalid_event']);
    for (const value of FORBIDDEN) expect(response.text, `response echoes ${value}`).not.toContain(value);

    const dump = await dumpTables(testApp.deps.database);
    const everything = JSON.stringify(dump);
    for (const value of FORBIDDEN) expect(everything, `storage holds ${value}`).not.toContain(value);
    expect(dump.counters).toHaveLength(1);
    expect(dump.counters?.[0]).toMatchObject({ artifact_class: 'model_weights', integrity_evidence: 'checksum_verified', chain_of_custody: 'not_recorded' });
    const logs = testApp.logLines.join('\n');
    for (const value of [...FORBIDDEN, CANARY_ORG_NAME, org.ingestToken]) expect(logs, `logs hold ${value}`).not.toContain(value);
  });
});
