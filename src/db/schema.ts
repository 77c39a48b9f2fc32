/**
 * Table types for Kysely. Storage holds no raw events and no identifiers: only registry data,
 * consent records, per-period counters keyed by a pseudonym, replay guards keyed by a keyed hash,
 * and release artefacts.
 */
import type { ColumnType, Insertable, Selectable } from 'kysely';

/** Timestamps are ISO-8601 UTC strings on every dialect, so SQLite, D1 and PostgreSQL agree byte for byte. */
type Timestamp = string;
/** 0/1 on every dialect (SQLite has no boolean type). */
type Flag = number;
/** PostgreSQL returns BIGINT as a string; SQLite as a number. Repositories normalise with Number(). */
type BigCount = ColumnType<number | string, number, number>;

export interface OrganizationsTable {
  id: string;
  name: string;
  sector: string;
  size_band: string;
  country: string;
  created_at: Timestamp;
}

export interface InstancesTable {
  id: string;
  org_id: string;
  label: string;
  token_hash: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface ApiKeysTable {
  id: string;
  role: string;
  label: string;
  token_hash: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface ConsentsTable {
  id: string;
  org_id: string;
  scope: string;
  policy_version: string;
  policy_url: string | null;
  granted_by: string;
  collection_method: string;
  evidence_url: string | null;
  evidence_sha256: string | null;
  granted_at: Timestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  recorded_by: string;
}

/**
 * The `counters` view (migration 0005): the stored counters with their cell columns decoded, one row
 * per (period, contributor pseudonym, generalized cell). `events` and `bytes` are the only measures
 * kept. Read it to see counters as values; writes go to `coded_counters`.
 */
export interface CountersTable {
  period: string;
  contributor: string;
  protocol: string;
  direction: string;
  cross_org: Flag;
  outcome: string;
  size_band: string;
  classification: string;
  ai_platform: string;
  mfa: Flag;
  sso: Flag;
  link_expiry: Flag;
  download_limit: Flag;
  ip_allowlist: Flag;
  watermark: Flag;
  dlp_scan: Flag;
  customer_managed_keys: Flag;
  hash_verified: Flag;
  signature_verified: Flag;
  region: string;
  sector: string;
  org_size_band: string;
  /** Contract version 2 dimensions (migration 0002); 'unknown' for version 1 events. */
  artifact_class: string;
  integrity_evidence: string;
  attestation_kind: string;
  chain_of_custody: string;
  events: BigCount;
  bytes: BigCount;
}

/**
 * The stored counters: one narrow row per (period, contributor, generalized cell), every cell column
 * an integer. Flag columns hold the flag; every other cell column `<column>_id` holds the id of its
 * value in `counter_values`. The key is (period, contributor, the twenty-four cell columns), in
 * CODED_COUNTER_COLUMNS order; clustered on it on SQLite and D1 (WITHOUT ROWID).
 */
export type CodedCountersTable = { period: string; contributor: string; events: BigCount; bytes: BigCount } & Record<CodedCounterColumn, number>;

/**
 * Every text value a counter cell column has held: (column, value) -> a small integer id, never
 * deleted and never renumbered, so an id means the same value for as long as the database lives.
 * It holds vocabulary values only (what generalization produces), never a combination of them, so
 * it says nothing about any organization.
 */
export interface CounterValuesTable {
  id: ColumnType<number, never, never>;
  column_name: string;
  value: string;
}

/** Replay protection: keyed hash of (organization, event id). Deleted with the period's counters. */
export interface ReplayGuardsTable {
  /** The keyed hash's 16 bytes (BLOB; bytea on PostgreSQL). */
  event_hash: Uint8Array;
  period: string;
  contributor: string;
  /** A random 48-bit integer per batch write: the set-based write finds its own guards by it. */
  batch_id: ColumnType<number | string, number, number>;
  /** Whole UTC days since the epoch of the event's time: guards whose day left the DEDUP_WINDOW_HOURS window are purged by it. */
  event_day: number;
}

/** Per organization and period, how many events were accepted, duplicated or rejected and why. */
export interface IngestTalliesTable {
  org_id: string;
  period: string;
  outcome: string;
  events: BigCount;
}

export interface AuditLogTable {
  seq: number;
  at: Timestamp;
  actor_id: string | null;
  actor_role: string;
  action: string;
  subject: string;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface ErasuresTable {
  id: string;
  org_id: string;
  consent_id: string | null;
  requested_at: Timestamp;
  completed_at: Timestamp | null;
  requested_by: string;
  periods: string;
  rows_removed: number;
  releases_including: string;
}

/** The collect-once lock: a period's primary key can be inserted once. */
export interface PeriodReleasesTable {
  period: string;
  started_at: Timestamp;
  completed_at: Timestamp | null;
  status: string;
}

export interface ReleasesTable {
  id: string;
  dataset_id: string;
  period: string;
  created_at: Timestamp;
  package_sha256: string;
  previous_release_id: string | null;
  previous_package_sha256: string | null;
  signing_key_id: string;
  signature: string;
  datapackage: string;
}

export interface ReleaseFilesTable {
  release_id: string;
  path: string;
  media_type: string;
  bytes: number;
  sha256: string;
  content: string;
}

export interface BudgetLedgerTable {
  id: string;
  period: string;
  dataset_id: string;
  release_id: string | null;
  rho: number;
  epsilon: number;
  delta: number;
  charged_at: Timestamp;
}

export interface SigningKeysTable {
  kid: string;
  public_jwk: string;
  created_at: Timestamp;
  retired_at: Timestamp | null;
}

export interface ConsoleSessionsTable {
  id_hash: string;
  key_id: string;
  role: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface DB {
  organizations: OrganizationsTable;
  instances: InstancesTable;
  api_keys: ApiKeysTable;
  consents: ConsentsTable;
  counters: CountersTable;
  coded_counters: CodedCountersTable;
  counter_values: CounterValuesTable;
  replay_guards: ReplayGuardsTable;
  ingest_tallies: IngestTalliesTable;
  audit_log: AuditLogTable;
  erasures: ErasuresTable;
  period_releases: PeriodReleasesTable;
  releases: ReleasesTable;
  release_files: ReleaseFilesTable;
  budget_ledger: BudgetLedgerTable;
  signing_keys: SigningKeysTable;
  console_sessions: ConsoleSessionsTable;
}

export type Organization = Selectable<OrganizationsTable>;
export type Instance = Selectable<InstancesTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type Consent = Selectable<ConsentsTable>;
export type NewConsent = Insertable<ConsentsTable>;
export type CounterRow = Selectable<CountersTable>;

/** The generalized cell columns of a counter row, in cell-key order. */
export const COUNTER_CELL_COLUMNS = [
  'protocol',
  'direction',
  'cross_org',
  'outcome',
  'size_band',
  'classification',
  'ai_platform',
  'mfa',
  'sso',
  'link_expiry',
  'download_limit',
  'ip_allowlist',
  'watermark',
  'dlp_scan',
  'customer_managed_keys',
  'hash_verified',
  'signature_verified',
  'region',
  'sector',
  'org_size_band',
  'artifact_class',
  'integrity_evidence',
  'attestation_kind',
  'chain_of_custody',
] as const satisfies readonly (keyof CountersTable)[];


export type CounterCellColumn = (typeof COUNTER_CELL_COLUMNS)[number];

/** Cell columns holding 0/1 flags (stored as integers); the others hold vocabulary strings. */
export const COUNTER_FLAG_COLUMNS: ReadonlySet<CounterCellColumn> = new Set<CounterCellColumn>([
  'cross_org',
  'mfa',
  'sso',
  'link_expiry',
  'download_limit',
  'ip_allowlist',
  'watermark',
  'dlp_scan',
  'customer_managed_keys',
  'hash_verified',
  'signature_verified',
]);

/** A cell column's name in `coded_counters`: the flag itself, or the id of the value (`<column>_id`). */
export type CodedCounterColumn = {
  [C in CounterCellColumn]: C extends 'cross_org' | 'mfa' | 'sso' | 'link_expiry' | 'download_limit' | 'ip_allowlist' | 'watermark' | 'dlp_scan' | 'customer_managed_keys' | 'hash_verified' | 'signature_verified'
    ? C
    : `${C}_id`;
}[CounterCellColumn];

export function codedCounterColumn(column: CounterCellColumn): CodedCounterColumn {
  return (COUNTER_FLAG_COLUMNS.has(column) ? column : `${column}_id`) as CodedCounterColumn;
}

/** The cell columns of `coded_counters`, in key order (the order of COUNTER_CELL_COLUMNS). */
export const CODED_COUNTER_COLUMNS: readonly CodedCounterColumn[] = COUNTER_CELL_COLUMNS.map(codedCounterColumn);
