/**
 * Scenario helpers for the consent, erasure, audit and report suites: organizations that send
 * telemetry in two periods, a released period, and snapshots of everything stored per contributor.
 */
import { sql } from 'kysely';
import { writeWithAudit } from '../../src/audit/audit-log';
import { COUNTER_CELL_COLUMNS } from '../../src/db/schema';
import { createPseudonymizer } from '../../src/secrets/pseudonymizer';
import { type ConsentingOrg, sendBatch, testEventId, transferEvent } from '../support/fixtures';
import { ADMIN_TOKEN, requestJson, type TestApp } from '../support/test-app';

/** Tuesday of ISO week 2026-W47: the scenario starts here so that two periods hold data. */
export const SCENARIO_START = new Date('2026-11-17T09:00:00.000Z');
export const EARLY_PERIOD = '2026-W47';
export const LATE_PERIOD = '2026-W48';
/** Tuesday of 2026-W48: W47 has ended but is still inside its 48-hour grace window (not released yet). */
export const LATE_INSTANT = new Date('2026-11-24T10:00:00.000Z');

const PROTOCOLS = ['sftp', 'api', 'as2', 'smb'] as const;
let nextEvent = 5_000_000;

/** `count` events at `occurredAt`, spread over a few protocols so that several counter rows appear. */
export function eventsAt(occurredAt: string, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => {
    const base = transferEvent({ eventId: testEventId((nextEvent += 1)), occurredAt });
    return { ...base, transfer: { ...(base.transfer as object), protocol: PROTOCOLS[index % PROTOCOLS.length] } };
  });
}

export async function sendOrFail(testApp: TestApp, org: ConsentingOrg, events: unknown[]) {
  const response = await sendBatch(testApp, org.ingestToken, events);
  if (response.status !== 200 || response.json.accepted !== events.length) {
    throw new Error(`ingest failed: ${response.status} ${response.text}`);
  }
}

export function contributorOf(testApp: TestApp, orgId: string, period: string): string {
  return createPseudonymizer(testApp.deps.secrets.pseudonymKey).contributor(orgId, period);
}

/** Every counter row as a comparable string, keyed by contributor. */
export async function counterSnapshot(testApp: TestApp): Promise<Map<string, string[]>> {
  const rows = await testApp.deps.database.db
    .selectFrom('counters')
    .selectAll()
    .orderBy('period')
    .orderBy('contributor')
    .orderBy(sql.raw(COUNTER_CELL_COLUMNS.join(', ')))
    .execute();
  const byContributor = new Map<string, string[]>();
  for (const row of rows) {
    const list = byContributor.get(row.contributor) ?? [];
    list.push(JSON.stringify({ ...row, events: Number(row.events), bytes: Number(row.bytes) }));
    byContributor.set(row.contributor, list);
  }
  return byContributor;
}

export async function guardSnapshot(testApp: TestApp): Promise<Map<string, string[]>> {
  const rows = await testApp.deps.database.db.selectFrom('replay_guards').selectAll().orderBy('event_hash').execute();
  const byContributor = new Map<string, string[]>();
  for (const row of rows) {
    const list = byContributor.get(row.contributor) ?? [];
    list.push(`${row.period} ${Buffer.from(row.event_hash).toString('hex')}`);
    byContributor.set(row.contributor, list);
  }
  return byContributor;
}

/**
 * Marks a period released the way the release job does, with one published release of it and the
 * `release.published` audit entry that records it, written in one atomic unit.
 */
export async function markReleased(testApp: TestApp, period: string, releaseId: string) {
  const at = testApp.clock.now().toISOString();
  const { db } = testApp.deps.database;
  await writeWithAudit(
    testApp.deps.database,
    testApp.deps.clock,
    {
      actorId: null,
      actorRole: 'system',
      action: 'release.published',
      subject: `period:${period}`,
      details: { period, releases: [{ id: releaseId, datasetId: 'ai-content-flows' }] },
    },
    () => [
      db.insertInto('period_releases').values({ period, started_at: at, completed_at: at, status: 'completed' }).compile(),
      db
        .insertInto('releases')
        .values({
          id: releaseId,
          dataset_id: 'ai-content-flows',
          period,
          created_at: at,
          package_sha256: 'b'.repeat(64),
          previous_release_id: null,
          previous_package_sha256: null,
          signing_key_id: 'test-key',
          signature: 'c2ln',
          datapackage: '{}',
        })
        .compile(),
    ],
  );
}

export async function chargeBudget(testApp: TestApp, charge: { id: string; period: string; datasetId: string; rho: number; epsilon: number; delta: number }) {
  await sql`INSERT INTO budget_ledger (id, period, dataset_id, release_id, rho, epsilon, delta, charged_at)
            VALUES (${charge.id}, ${charge.period}, ${charge.datasetId}, ${null}, ${charge.rho}, ${charge.epsilon}, ${charge.delta},
                    ${testApp.clock.now().toISOString()})`.execute(testApp.deps.database.db);
}

/** A fresh API key of the role, issued through the admin API; returns its token and id. */
export async function issueApiKey(testApp: TestApp, role: 'admin' | 'privacy_officer' | 'researcher') {
  const response = await requestJson(testApp, 'POST', '/v1/admin/keys', { token: ADMIN_TOKEN, body: { role, label: `${role} key` } });
  if (response.status !== 201) throw new Error(`key creation failed: ${response.status} ${response.text}`);
  return { token: response.json.token as string, keyId: response.json.key.id as string };
}
