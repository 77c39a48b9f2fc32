/**
 * Contract versions 1 and 2 side by side: an instance still sending version 1 and one sending
 * version 2 in the same period, each counted once, version 1 as unknown in the new dimensions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent, transferEventV2 } from '../support/fixtures';
import { createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';

const V2_COLUMNS = ['artifact_class', 'integrity_evidence', 'attestation_kind', 'chain_of_custody'] as const;

describe.each(TEST_DIALECTS)('contract versions 1 and 2 on %s', (dialect) => {
  let testApp: TestApp;
  beforeEach(async () => {
    testApp = await createTestApp({ dialect });
  });
  afterEach(() => testApp.dispose());

  const counterRows = () =>
    testApp.deps.database.db
      .selectFrom('counters')
      .select(['classification', 'hash_verified', 'signature_verified', 'events', ...V2_COLUMNS])
      .orderBy('artifact_class')
      .orderBy('integrity_evidence')
      .orderBy('attestation_kind')
      .orderBy('chain_of_custody')
      .orderBy('classification')
      .execute();

  it('counts a version 1 and a version 2 instance of the same period, version 1 as unknown in the new dimensions', async () => {
    const legacy = await registerConsentingOrg(testApp, { name: 'Still On Version 1' });
    const current = await registerConsentingOrg(testApp, { name: 'Sends Version 2' });

    const v1 = await sendBatch(testApp, legacy.ingestToken, [transferEvent({ eventId: testEventId(1) }), transferEvent({ eventId: testEventId(2) })]);
    const v2 = await sendBatch(
      testApp,
      current.ingestToken,
      [
        transferEventV2({ eventId: testEventId(1) }),
        transferEventV2({
          eventId: testEventId(2),
          content: { classification: 'model_artifact', aiPlatform: 'huggingface', artifactClass: 'model_weights' },
          integrity: { evidence: 'provenance_attestation_verified', attestationKind: 'oms', chainOfCustodyRecorded: true },
        }),
        transferEventV2({
          eventId: testEventId(3),
          content: { classification: 'ai_generated_code', aiPlatform: 'anthropic', artifactClass: 'code' },
          integrity: { evidence: 'provenance_attestation_verified', chainOfCustodyRecorded: false },
        }),
        transferEventV2({ eventId: testEventId(4), integrity: { evidence: 'signature_verified', chainOfCustodyRecorded: true } }),
        transferEventV2({ eventId: testEventId(5), integrity: { evidence: 'none', chainOfCustodyRecorded: false } }),
      ],
      2,
    );
    expect(v1.status).toBe(200);
    expect(v1.json).toMatchObject({ accepted: 2, duplicates: 0, rejected: [] });
    expect(v2.status).toBe(200);
    // The same event ids in the other organization are other events: the replay guard is per organization.
    expect(v2.json).toMatchObject({ accepted: 5, duplicates: 0, rejected: [] });
    expect(v2.json.droppedFields).toMatchObject({ 'transfer.fileName': 5, 'actor.email': 5 });
    expect(v2.json.droppedFields.unknown).toBeUndefined();

    const rows = await counterRows();
    const byEvidence = (evidence: string) => rows.filter((row) => row.integrity_evidence === evidence);
    // Version 1: both events in one cell, all four new dimensions unknown, the booleans as sent.
    expect(byEvidence('unknown')).toEqual([
      expect.objectContaining({
        classification: 'training_dataset',
        hash_verified: 1,
        signature_verified: 0,
        artifact_class: 'unknown',
        attestation_kind: 'unknown',
        chain_of_custody: 'unknown',
      }),
    ]);
    expect(Number(byEvidence('unknown')[0]?.events)).toBe(2);
    // Version 2: each evidence level also fills the version 1 flags, so the older datasets count these events.
    expect(byEvidence('checksum_verified')).toEqual([
      expect.objectContaining({ artifact_class: 'dataset', hash_verified: 1, signature_verified: 0, attestation_kind: 'not_applicable', chain_of_custody: 'not_recorded' }),
    ]);
    expect(byEvidence('signature_verified')).toEqual([
      expect.objectContaining({ hash_verified: 1, signature_verified: 1, attestation_kind: 'not_applicable', chain_of_custody: 'recorded' }),
    ]);
    expect(byEvidence('none')).toEqual([expect.objectContaining({ hash_verified: 0, signature_verified: 0 })]);
    expect(
      byEvidence('provenance_attestation_verified')
        .map((row) => [row.artifact_class, row.attestation_kind, row.chain_of_custody, row.hash_verified, row.signature_verified])
        .sort(),
    ).toEqual([
      ['code', 'unspecified', 'not_recorded', 1, 1],
      ['model_weights', 'oms', 'recorded', 1, 1],
    ]);
    // Each row read is one stored (coded) row: the view's joins neither drop nor repeat rows.
    const stored = await testApp.deps.database.db.selectFrom('coded_counters').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(rows.length);
    expect(rows.reduce((sum, row) => sum + Number(row.events), 0)).toBe(7);

    // Re-sending either batch counts nothing twice.
    expect((await sendBatch(testApp, legacy.ingestToken, [transferEvent({ eventId: testEventId(1) })])).json.duplicates).toBe(1);
    expect((await sendBatch(testApp, current.ingestToken, [transferEventV2({ eventId: testEventId(5) })], 2)).json.duplicates).toBe(1);
    expect((await counterRows()).reduce((sum, row) => sum + Number(row.events), 0)).toBe(7);
  });

  it('keeps version 1 unchanged: version 2 fields in a version 1 batch are dropped as unknown fields', async () => {
    const org = await registerConsentingOrg(testApp);
    const base = transferEvent({ eventId: testEventId(10) });
    const response = await sendBatch(testApp, org.ingestToken, [
      { ...base, content: { ...(base.content as object), artifactClass: 'model_weights' }, integrity: { hashVerified: true, signatureVerified: true, evidence: 'provenance_attestation_verified' } },
    ]);
    expect(response.json).toMatchObject({ accepted: 1, rejected: [] });
    expect(response.json.droppedFields.unknown).toBe(2);
    const [row] = await counterRows();
    expect(row).toMatchObject({ artifact_class: 'unknown', integrity_evidence: 'unknown', hash_verified: 1, signature_verified: 1 });
  });

  it('rejects version 2 events that break its rules, one by one, with the field named', async () => {
    const org = await registerConsentingOrg(testApp);
    const response = await sendBatch(
      testApp,
      org.ingestToken,
      [
        // Version 1 integrity in a version 2 batch: the booleans are unknown there, the evidence is missing.
        transferEvent({ eventId: testEventId(20) }),
        transferEventV2({ eventId: testEventId(21), integrity: { evidence: 'checksum_verified', attestationKind: 'slsa', chainOfCustodyRecorded: false } }),
        transferEventV2({ eventId: testEventId(22), integrity: { evidence: 'notarized', chainOfCustodyRecorded: false } }),
        transferEventV2({ eventId: testEventId(23), integrity: { evidence: 'none' } }),
        transferEventV2({ eventId: testEventId(24) }),
      ],
      2,
    );
    expect(response.status).toBe(200);
    expect(response.json.accepted).toBe(1);
    const rejected = response.json.rejected as { index: number; code: string; detail: string }[];
    expect(rejected.map((rejection) => [rejection.index, rejection.code])).toEqual([
      [0, 'invalid_event'],
      [1, 'invalid_event'],
      [2, 'invalid_event'],
      [3, 'invalid_event'],
    ]);
    expect(rejected[0]?.detail).toMatch(/content\.artifactClass/);
    expect(rejected[0]?.detail).toMatch(/integrity\.evidence/);
    expect(rejected[1]?.detail).toMatch(/integrity\.attestationKind: attestationKind is only allowed when evidence is provenance_attestation_verified/);
    expect(rejected[2]?.detail).toMatch(/integrity\.evidence/);
    expect(rejected[2]?.detail).not.toContain('notarized');
    expect(rejected[3]?.detail).toMatch(/integrity\.chainOfCustodyRecorded/);
  });

  it('refuses an unknown contract version with the versions it accepts', async () => {
    const org = await registerConsentingOrg(testApp);
    const response = await requestJson(testApp, 'POST', '/v1/telemetry/batches', {
      token: org.ingestToken,
      body: { schemaVersion: 3, events: [transferEventV2()] },
    });
    expect(response.status).toBe(400);
    expect(response.json.type).toBe('/problems/invalid-request');
    expect(response.json.detail).toMatch(/"schemaVersion": 1 or 2/);
    expect(response.json.errors[0].path).toBe('schemaVersion');
  });

  it('publishes both versions\' JSON Schemas', async () => {
    for (const file of ['telemetry-batch.schema.json', 'transfer-event.schema.json', 'telemetry-batch.v2.schema.json', 'transfer-event.v2.schema.json']) {
      const response = await testApp.app.request(`/schemas/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/application\/schema\+json/);
    }
    const v2 = await (await testApp.app.request('/schemas/transfer-event.v2.schema.json')).json();
    expect(v2.properties.integrity.properties.evidence.enum).toEqual(['none', 'checksum_verified', 'signature_verified', 'provenance_attestation_verified']);
    expect(v2.properties.content.properties.artifactClass.enum).toEqual(['model_weights', 'dataset', 'code', 'ai_generated_document', 'other']);
    const v1 = await (await testApp.app.request('/schemas/transfer-event.schema.json')).json();
    expect(Object.keys(v1.properties.integrity.properties)).toEqual(['hashVerified', 'signatureVerified']);
  });
});
