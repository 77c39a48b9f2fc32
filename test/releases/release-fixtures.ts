/**
 * Release test scenarios: counters inserted straight into storage (for volume and for cells no
 * ingest batch could build quickly), a configuration whose budget lets small test populations
 * publish, and the instants around ISO week 2026-W48.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AppConfig } from '../../src/config';
import type { Database } from '../../src/db/database';
import type { CounterCellColumn } from '../../src/db/schema';
import type { ReleaseActor } from '../../src/releases/release-period';
import { insertCounterRows } from '../support/counter-rows';

/** 2026-W48 is Mon 2026-11-23 .. Mon 2026-11-30; with the 48 h grace window it is releasable from 2026-12-02. */
export const PERIOD = '2026-W48';
export const NEXT_PERIOD = '2026-W49';
export const RELEASABLE_AT = new Date('2026-12-02T00:00:00.000Z');
export const AFTER_GRACE = new Date('2026-12-02T06:00:00.000Z');

/**
 * A generous budget and a small k, so that twenty test organizations clear the selection threshold
 * (about 12 organizations here) without thousands of rows: rho 40 a week, with the yearly cap such a
 * weekly budget needs (53 weeks can start in 12 months). The production defaults are exercised by
 * the catalogue tests.
 */
export const TEST_RELEASE_CONFIG: Partial<AppConfig> = { periodBudgetRho: 40, yearlyBudgetRho: 40 * 53, periodBudgetSource: 'PERIOD_BUDGET_RHO', kAnonymity: 3 };

export const SYSTEM_ACTOR: ReleaseActor = { actorId: null, actorRole: 'system' };

export type CounterCell = Record<CounterCellColumn, string | number>;

/** An AI training-data transfer over SFTP that crossed a boundary, with MFA and a verified hash. */
export const BASE_CELL: CounterCell = {
  protocol: 'sftp',
  direction: 'outbound',
  cross_org: 1,
  outcome: 'delivered',
  size_band: '1mb_10mb',
  classification: 'training_dataset',
  ai_platform: 'openai',
  mfa: 1,
  sso: 0,
  link_expiry: 0,
  download_limit: 0,
  ip_allowlist: 0,
  watermark: 0,
  dlp_scan: 0,
  customer_managed_keys: 0,
  hash_verified: 1,
  signature_verified: 0,
  region: 'EU',
  sector: 'finance',
  org_size_band: '250-999',
  artifact_class: 'dataset',
  integrity_evidence: 'checksum_verified',
  attestation_kind: 'not_applicable',
  chain_of_custody: 'not_recorded',
};

export interface CounterInput {
  contributor: string;
  period?: string;
  cell?: Partial<CounterCell>;
  events?: number;
  bytes?: number;
}

export function contributorName(index: number): string {
  return `c${String(index).padStart(6, '0')}`;
}

/** Inserts counter rows directly (as ingest would have left them). */
export async function insertCounters(database: Database, inputs: readonly CounterInput[]): Promise<void> {
  // Cell values are checked by the vocabulary at ingest; here the scenario decides them.
  await insertCounterRows(
    database,
    inputs.map((input) => ({
      cell: { ...BASE_CELL, ...input.cell },
      period: input.period ?? PERIOD,
      contributor: input.contributor,
      events: input.events ?? 1,
      bytes: input.bytes ?? 5_000_000,
    })),
  );
}

/** `count` organizations each with one counter row in the same cell. */
export function crowd(count: number, options: { from?: number; cell?: Partial<CounterCell>; events?: number; bytes?: number; period?: string } = {}): CounterInput[] {
  return Array.from({ length: count }, (_, index) => ({
    contributor: contributorName((options.from ?? 0) + index),
    ...(options.cell ? { cell: options.cell } : {}),
    ...(options.events !== undefined ? { events: options.events } : {}),
    ...(options.bytes !== undefined ? { bytes: options.bytes } : {}),
    ...(options.period ? { period: options.period } : {}),
  }));
}

export async function insertReplayGuards(database: Database, period: string, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, index) => ({
    event_hash: Buffer.from(`${period}-guard-${index}`),
    period,
    contributor: contributorName(index),
    batch_id: 1,
    event_day: 0,
  }));
  await database.db.insertInto('replay_guards').values(rows).execute();
}

export async function countRows(database: Database, table: 'counters' | 'replay_guards' | 'releases' | 'budget_ledger' | 'release_files' | 'period_releases', period?: string): Promise<number> {
  let query = database.db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n'));
  if (period !== undefined) query = query.where('period' as never, '=', period as never);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Counters for a crowd of organizations in two cells, released: the common starting point of API tests. */
export async function publishTestPeriod(
  testApp: { deps: import('../../src/deps').AppDeps; clock: { set(at: Date): void }; testDatabase: { database: Database } },
  options: { period?: string; organizations?: number } = {},
) {
  const period = options.period ?? PERIOD;
  const organizations = options.organizations ?? 20;
  await insertCounters(testApp.testDatabase.database, [
    ...crowd(organizations, { period, events: 12, bytes: 40_000_000 }),
    ...crowd(organizations, { period, cell: { protocol: 'https_web', classification: 'ai_generated_code', mfa: 0, hash_verified: 0 }, events: 3 }),
  ]);
  testApp.clock.set(AFTER_GRACE);
  const { releasePeriod } = await import('../../src/releases/release-period');
  return releasePeriod(testApp.deps, { period, actor: SYSTEM_ACTOR });
}

/** Runs `npm run verify` (scripts/verify.ts) with `args`; exit code and everything it printed. */
export async function runVerify(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)(join('node_modules', '.bin', 'tsx'), ['scripts/verify.ts', ...args], { timeout: 60_000 });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}
