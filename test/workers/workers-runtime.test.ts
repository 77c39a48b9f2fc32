/**
 * What only the Workers deployment has: D1's migration bookkeeping behind /readyz, the atomicity
 * of a D1 batch() write, and releases from the cron trigger. The HTTP contract itself runs over
 * this target and the in-process ones from test/http (test/support/http-target.ts).
 * wrangler bundles the Worker, workerd runs it, D1 (local, in a fresh state directory) stores it.
 */
import { createHash, createPublicKey, type JsonWebKey as NodeJsonWebKey, verify as verifySignature } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Ed25519PublicJwk } from '../../src/releases/release-signing';
import { verifyPackage } from '../../src/releases/release-verification';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent, transferEventV2 } from '../support/fixtures';
import { expectNear, parseCsv } from '../support/release-csv';
import { expectProblem } from '../support/http-expectations';
import { useHttpTarget } from '../support/http-target';
import { ADMIN_TOKEN, requestJson, TEST_START } from '../support/test-app';

// A Worker of its own: this file releases the test week and edits D1's migration table.
const target = useHttpTarget('workers', { ownServer: true });

describe('D1 specifics', () => {
  it('readyz reports not ready (503) while a D1 migration is not applied', async () => {
    const [applied] = await target().sql<{ id: number; name: string; applied_at: string }>(
      "SELECT id, name, applied_at FROM d1_migrations WHERE name = '0001_initial_schema.sql'",
    );
    expect(applied).toBeDefined();
    await target().sql('DELETE FROM d1_migrations WHERE id = ?', [applied?.id]);
    try {
      const notReady = await requestJson(target().client, 'GET', '/readyz');
      expectProblem(notReady, 503, 'not-ready');
      expect(notReady.headers.get('retry-after')).toBe('5');
    } finally {
      await target().sql('INSERT INTO d1_migrations (id, name, applied_at) VALUES (?, ?, ?)', [applied?.id, applied?.name, applied?.applied_at]);
    }
    expect((await requestJson(target().client, 'GET', '/readyz')).status).toBe(200);
  });

  const tallyRows = () => target().sql('SELECT org_id, period, outcome, events FROM ingest_tallies ORDER BY org_id, period, outcome');

  it('a D1 batch that fails at its last statement counts nothing: no counters, no replay guards, no tallies', async () => {
    const org = await registerConsentingOrg(target().client, { name: 'Workers Atomicity Org' });
    const events = [
      transferEvent({ eventId: testEventId(500) }),
      transferEvent({ eventId: testEventId(501) }),
      transferEvent({ eventId: 'not-a-uuid' }),
    ];
    // The tallies of rejected events are the last statement of the batch write (after the replay
    // guards, the counters and the accepted/duplicate tallies), so this trigger fails the batch at its end.
    await target().sql(
      `CREATE TRIGGER fail_last_statement BEFORE INSERT ON ingest_tallies WHEN NEW.outcome = 'invalid_event'
       BEGIN SELECT RAISE(ABORT, 'injected failure at the last statement'); END`,
    );
    const before = await target().storageSnapshot();
    const beforeTallies = await tallyRows();
    try {
      const failed = await sendBatch(target().client, org.ingestToken, events);
      expectProblem(failed, 500, 'internal-error');
      expect(failed.text).not.toContain('injected failure');
      expect(await target().storageSnapshot()).toEqual(before);
      expect(await tallyRows()).toEqual(beforeTallies);
    } finally {
      await target().sql('DROP TRIGGER fail_last_statement');
    }
    // The replay guards of the failed attempt were rolled back too, so the retry counts both events.
    const retry = await sendBatch(target().client, org.ingestToken, events);
    expect(retry.json).toMatchObject({ accepted: 2, duplicates: 0 });
    const after = await target().storageSnapshot();
    expect(after.counters.events - before.counters.events).toBe(2);
    expect(after.guards - before.guards).toBe(2);
  });

  it('records the privacy configuration in the audit log when the isolate starts, as Node does at start-up', async () => {
    await requestJson(target().client, 'GET', '/healthz');
    expect((await target().sql<{ action: string }>('SELECT action FROM audit_log')).map((row) => row.action)).toContain('budget.configured');
  });
});

describe('releases on Workers + D1, from the cron trigger', () => {
  const PERIOD = '2026-W48';
  /** After 2026-W48 ended (Mon 2026-11-30) and its 48 h grace window passed. */
  const AFTER_GRACE = new Date('2026-12-02T06:00:00.000Z');
  const ORGANIZATIONS_PER_VERSION = 16;
  const runCron = async () => {
    const response = await fetch(`${target().origin}/__scheduled?cron=${encodeURIComponent('17 * * * *')}`);
    expect(response.status).toBe(200);
  };

  it('releases the due period once, with files whose hashes and Ed25519 signature verify against the JWKS', async () => {
    // Thirty-two organizations with the same kind of transfers during 2026-W48, sent through ingest:
    // half still on contract version 1, half on version 2 (a dataset whose checksum was verified).
    await target().setClock(TEST_START);
    const storedByVersion = async () =>
      Object.fromEntries(
        (
          await target().sql<{ artifact_class: string; integrity_evidence: string; events: number }>(
            'SELECT artifact_class, integrity_evidence, sum(events) AS events FROM counters WHERE period = ? AND hash_verified = 1 GROUP BY 1, 2',
            [PERIOD],
          )
        ).map((row) => [`${row.artifact_class}/${row.integrity_evidence}`, Number(row.events)]),
      );
    const storedBefore = await storedByVersion();
    for (let index = 0; index < 2 * ORGANIZATIONS_PER_VERSION; index += 1) {
      const org = await registerConsentingOrg(target().client, { name: `Workers Release Org ${index}` });
      const version = index % 2 === 0 ? 1 : 2;
      const batch = Array.from({ length: 12 }, () => (version === 1 ? transferEvent() : transferEventV2()));
      expect((await sendBatch(target().client, org.ingestToken, batch, version)).json).toMatchObject({ accepted: 12 });
    }
    const storedAfter = await storedByVersion();
    const added = (key: string) => (storedAfter[key] ?? 0) - (storedBefore[key] ?? 0);
    expect(added('unknown/unknown')).toBe(12 * ORGANIZATIONS_PER_VERSION);
    expect(added('dataset/checksum_verified')).toBe(12 * ORGANIZATIONS_PER_VERSION);
    const tooEarly = await requestJson(target().client, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: PERIOD } });
    expectProblem(tooEarly, 409, 'period-not-releasable');

    await target().setClock(AFTER_GRACE);
    await runCron();
    const periodLocks = await target().sql<{ period: string; status: string }>('SELECT period, status FROM period_releases');
    expect(periodLocks).toEqual([{ period: PERIOD, status: 'completed' }]);
    const releaseAudit = await target().sql<{ actor_id: string }>("SELECT actor_id FROM audit_log WHERE action = 'release.published'");
    expect(releaseAudit.length).toBeGreaterThan(0);
    expect(releaseAudit.every((entry) => entry.actor_id === 'workers-cron')).toBe(true);
    const released = await target().sql<{ id: string; dataset_id: string }>('SELECT id, dataset_id FROM releases WHERE period = ?', [PERIOD]);
    const datasets = await requestJson(target().client, 'GET', '/v1/datasets');
    expect(datasets.status).toBe(200);
    expect(released.length).toBe(datasets.json.items.length);
    // Collect once: the counters of the period are gone, and neither the cron nor an operator can release it again.
    expect((await target().sql<{ n: number }>('SELECT count(*) AS n FROM counters WHERE period = ?', [PERIOD]))[0]?.n).toBe(0);
    await runCron();
    expect((await target().sql('SELECT id FROM releases')).length).toBe(released.length);
    expectProblem(await requestJson(target().client, 'POST', '/v1/admin/releases', { token: ADMIN_TOKEN, body: { period: PERIOD } }), 409, 'already-released');

    const jwks = await requestJson(target().client, 'GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    let publishedRows = 0;
    for (const { id, dataset_id: datasetId } of released) {
      const listed = await requestJson(target().client, 'GET', `/v1/datasets/${datasetId}/releases`);
      expect(JSON.stringify(listed.json)).toContain(id);
      const release = await requestJson(target().client, 'GET', `/v1/releases/${id}`);
      expect(release.status).toBe(200);
      for (const file of release.json.files as { path: string; sha256: string; url: string }[]) {
        const body = new Uint8Array(await (await target().client.app.request(file.url)).arrayBuffer());
        expect(createHash('sha256').update(body).digest('hex'), `${datasetId}/${file.path}`).toBe(file.sha256);
      }
      // Verified with node:crypto alone, as a researcher with standard tools would.
      const datapackage = new Uint8Array(await (await target().client.app.request(release.json.links.datapackage)).arrayBuffer());
      const signature = Buffer.from(await (await target().client.app.request(release.json.links.signature)).arrayBuffer());
      const jwk = (jwks.json.keys as { kid: string }[]).find((key) => key.kid === release.json.signature.kid);
      expect(jwk).toBeDefined();
      const publicKey = createPublicKey({ key: jwk as NodeJsonWebKey, format: 'jwk' });
      expect(verifySignature(null, datapackage, publicKey, signature), `signature of ${datasetId}`).toBe(true);
      const tampered = Uint8Array.from(datapackage);
      tampered[10] = (tampered[10] ?? 0) ^ 1;
      expect(verifySignature(null, tampered, publicKey, signature)).toBe(false);
      const csv = await (await target().client.app.request(release.json.links.csv)).text();
      publishedRows += csv.trim().split('\n').length - 1;
      // The Parquet file, the SPDX document and the DSSE provenance are written on Workers too, and verify.
      const readFile = async (path: string) => {
        const response = await target().client.app.request(`/v1/releases/${id}/${path}`);
        return response.status === 200 ? new Uint8Array(await response.arrayBuffer()) : undefined;
      };
      const verification = await verifyPackage({ read: readFile }, jwks.json.keys as Ed25519PublicJwk[]);
      expect(verification.checks.filter((check) => !check.ok), `${datasetId}`).toEqual([]);
      expect(verification.checks.map((check) => check.check)).toEqual(
        expect.arrayContaining(['data.parquet sha256', 'spdx.json sha256', 'provenance.intoto.jsonl signature', 'provenance.intoto.jsonl statement']),
      );
    }
    // The twenty organizations share a cell, so at least that cell clears k and the DP threshold.
    expect(publishedRows).toBeGreaterThan(0);
    // Both contract versions are counted: all 32 organizations in the volume cell, and each half at its maturity level.
    const csvOf = async (datasetId: string) => {
      const id = released.find((release) => release.dataset_id === datasetId)?.id;
      expect(id, datasetId).toBeDefined();
      return parseCsv(await (await target().client.app.request(`/v1/releases/${id}/data.csv`)).text());
    };
    const volume = await csvOf('ai-transfer-volume');
    expectNear(volume, ORGANIZATIONS_PER_VERSION, { content_class: 'training_dataset', protocol: 'sftp', boundary: 'cross_organization' }, 'distinct_organizations', 2 * ORGANIZATIONS_PER_VERSION);
    const maturity = await csvOf('ai-artifact-integrity-maturity');
    expectNear(maturity, ORGANIZATIONS_PER_VERSION, { artifact_class: 'dataset', boundary: 'cross_organization', maturity_level: 'l1_artifact_integrity' }, 'distinct_organizations', ORGANIZATIONS_PER_VERSION);
    expectNear(maturity, ORGANIZATIONS_PER_VERSION, { artifact_class: 'unknown', boundary: 'cross_organization', maturity_level: 'unknown' }, 'distinct_organizations', ORGANIZATIONS_PER_VERSION);
    await target().setClock(TEST_START);
  });
});
