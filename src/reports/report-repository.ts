/** Read-only queries the reports need beyond the registry, consent and erasure repositories. */
import type { Kysely } from 'kysely';
import { toCount } from '../db/database';
import type { DB } from '../db/schema';

export interface TallyRow {
  orgId: string;
  period: string;
  outcome: string;
  events: number;
}

export async function listIngestTallies(db: Kysely<DB>): Promise<TallyRow[]> {
  const rows = await db.selectFrom('ingest_tallies').selectAll().orderBy('org_id').orderBy('period').orderBy('outcome').execute();
  return rows.map((row) => ({ orgId: row.org_id, period: row.period, outcome: row.outcome, events: toCount(row.events) }));
}

export interface LedgerRow {
  period: string;
  datasetId: string;
  releaseId: string | null;
  rho: number;
  epsilon: number;
  delta: number;
  chargedAt: string;
}

export async function listBudgetLedger(db: Kysely<DB>): Promise<LedgerRow[]> {
  const rows = await db.selectFrom('budget_ledger').selectAll().orderBy('period').orderBy('dataset_id').execute();
  return rows.map((row) => ({
    period: row.period,
    datasetId: row.dataset_id,
    releaseId: row.release_id,
    rho: Number(row.rho),
    epsilon: Number(row.epsilon),
    delta: Number(row.delta),
    chargedAt: row.charged_at,
  }));
}
