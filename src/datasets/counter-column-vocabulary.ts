/**
 * The values each generalized counter column can hold, drawn from the ingest vocabularies. Dataset
 * specs are checked against this table at start, so a filter or case that names a value storage can
 * never hold (a typo that would silently select nothing) stops the service instead.
 */
import { COUNTER_CELL_COLUMNS, type CounterCellColumn } from '../db/schema';
import {
  AI_PLATFORMS,
  CONTENT_CLASSES,
  DIRECTIONS,
  ORG_SIZE_BANDS,
  OUTCOMES,
  PROTOCOLS,
  REGIONS,
  SECTORS,
  SIZE_BANDS,
  STORED_ARTIFACT_CLASSES,
  STORED_ATTESTATION_KINDS,
  STORED_CHAIN_OF_CUSTODY,
  STORED_INTEGRITY_EVIDENCE,
} from './vocabulary';

export type CellValue = string | number;

const FLAG_VALUES = [0, 1] as const;

export const COUNTER_COLUMN_VALUES: Record<CounterCellColumn, readonly CellValue[]> = {
  protocol: PROTOCOLS,
  direction: DIRECTIONS,
  cross_org: FLAG_VALUES,
  outcome: OUTCOMES,
  size_band: SIZE_BANDS.map(({ band }) => band),
  classification: CONTENT_CLASSES,
  ai_platform: AI_PLATFORMS,
  mfa: FLAG_VALUES,
  sso: FLAG_VALUES,
  link_expiry: FLAG_VALUES,
  download_limit: FLAG_VALUES,
  ip_allowlist: FLAG_VALUES,
  watermark: FLAG_VALUES,
  dlp_scan: FLAG_VALUES,
  customer_managed_keys: FLAG_VALUES,
  hash_verified: FLAG_VALUES,
  signature_verified: FLAG_VALUES,
  region: REGIONS,
  sector: SECTORS,
  org_size_band: ORG_SIZE_BANDS,
  artifact_class: STORED_ARTIFACT_CLASSES,
  integrity_evidence: STORED_INTEGRITY_EVIDENCE,
  attestation_kind: STORED_ATTESTATION_KINDS,
  chain_of_custody: STORED_CHAIN_OF_CUSTODY,
};

export function isCounterCellColumn(name: string): name is CounterCellColumn {
  return (COUNTER_CELL_COLUMNS as readonly string[]).includes(name);
}

/** 0/1 columns: SQLite and D1 have no boolean type, so flags are stored as integers everywhere. */
export function isFlagColumn(column: CounterCellColumn): boolean {
  return COUNTER_COLUMN_VALUES[column] === FLAG_VALUES;
}
