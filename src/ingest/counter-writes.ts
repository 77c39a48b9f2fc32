/**
 * The atomic write of one ingest batch, built as SQL statements that need no round trip between
 * them, so the same plan runs inside a transaction (SQLite, PostgreSQL) or as one D1 batch().
 *
 * Exactly-once counting rests on the replay guard's primary key:
 *  1. insert a guard per event, tagged with this batch's random id, ON CONFLICT DO NOTHING;
 *  2. add to the counters only the staged events whose guard carries this batch's id.
 * A retry, or a concurrent request with an overlapping event (PostgreSQL waits on the other
 * transaction's uncommitted key, then skips it), finds the guard owned by another batch and
 * counts nothing. Rows are staged as one JSON parameter (D1 allows only 100 bound parameters).
 * Every statement orders rows by key so concurrent batches take row locks in the same order.
 */
import { type CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../db/database';
import { COUNTER_CELL_COLUMNS, type DB } from '../db/schema';
import type { GeneralizedCell } from './generalize';

export interface StagedEvent {
  eventHash: string;
  period: string;
  contributor: string;
  cell: GeneralizedCell;
  sizeBytes: number;
}

export interface TallyIncrement {
  period: string;
  outcome: string;
  events: number;
}

type ColumnType = 'text' | 'integer' | 'bigint';
type JsonColumn = readonly [name: string, type: ColumnType];

const FLAG_COLUMNS = new Set<string>([
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

const STAGED_COLUMNS: readonly JsonColumn[] = [
  ['h', 'text'],
  ['p', 'text'],
  ['c', 'text'],
  ...COUNTER_CELL_COLUMNS.map((column): JsonColumn => [column, FLAG_COLUMNS.has(column) ? 'integer' : 'text']),
  ['b', 'bigint'],
];

const TALLY_COLUMNS: readonly JsonColumn[] = [
  ['p', 'text'],
  ['o', 'text'],
  ['n', 'bigint'],
];

/** A derived table `v` over a JSON array parameter, in each dialect's JSON table function. */
function jsonRowsAs(dialect: DialectName, json: string, columns: readonly JsonColumn[]): RawBuilder<unknown> {
  if (dialect === 'postgres') {
    const definition = sql.raw(columns.map(([name, type]) => `${name} ${type}`).join(', '));
    return sql`jsonb_to_recordset(${json}::jsonb) AS v(${definition})`;
  }
  const projection = sql.raw(columns.map(([name]) => `value ->> '$.${name}' AS ${name}`).join(', '));
  return sql`(SELECT ${projection} FROM json_each(${json})) AS v`;
}

const cellList = sql.raw(COUNTER_CELL_COLUMNS.join(', '));
const stagedCellList = sql.raw(COUNTER_CELL_COLUMNS.map((column) => `v.${column}`).join(', '));

export interface BatchWritePlan {
  queries: CompiledQuery[];
  /** Index of the statement whose rows are the newly accepted event hashes. */
  acceptedResultIndex: number;
}

export function buildBatchWrite(
  db: Kysely<DB>,
  dialect: DialectName,
  input: { batchId: string; orgId: string; events: readonly StagedEvent[]; knownTallies: readonly TallyIncrement[] },
): BatchWritePlan {
  const queries: CompiledQuery[] = [];
  const addTallies = (select: RawBuilder<unknown>) =>
    sql`INSERT INTO ingest_tallies (org_id, period, outcome, events) ${select}
        ON CONFLICT (org_id, period, outcome) DO UPDATE SET events = ingest_tallies.events + excluded.events`;

  let acceptedResultIndex = -1;
  if (input.events.length > 0) {
    const staged = JSON.stringify(
      input.events.map((event) => ({
        h: event.eventHash,
        p: event.period,
        c: event.contributor,
        ...event.cell,
        b: event.sizeBytes,
      })),
    );
    const stagedRows = () => jsonRowsAs(dialect, staged, STAGED_COLUMNS);

    acceptedResultIndex = queries.length;
    queries.push(
      sql`INSERT INTO replay_guards (event_hash, period, contributor, batch_id)
          SELECT v.h, v.p, v.c, ${input.batchId} FROM ${stagedRows()} WHERE true ORDER BY v.h
          ON CONFLICT (event_hash) DO NOTHING
          RETURNING event_hash`.compile(db),
    );
    queries.push(
      sql`INSERT INTO counters (period, contributor, ${cellList}, events, bytes)
          SELECT v.p, v.c, ${stagedCellList}, count(*), sum(v.b)
          FROM ${stagedRows()} JOIN replay_guards g ON g.event_hash = v.h AND g.batch_id = ${input.batchId}
          WHERE true
          GROUP BY v.p, v.c, ${stagedCellList}
          ORDER BY v.p, v.c, ${stagedCellList}
          ON CONFLICT (period, contributor, ${cellList})
          DO UPDATE SET events = counters.events + excluded.events, bytes = counters.bytes + excluded.bytes`.compile(db),
    );
    queries.push(
      addTallies(sql`SELECT ${input.orgId}, g.period, 'accepted', count(*) FROM replay_guards g
                     WHERE g.batch_id = ${input.batchId} GROUP BY g.period ORDER BY g.period`).compile(db),
    );
    queries.push(
      addTallies(sql`SELECT ${input.orgId}, v.p, 'duplicate', count(*) FROM ${stagedRows()}
                     WHERE NOT EXISTS (SELECT 1 FROM replay_guards g WHERE g.event_hash = v.h AND g.batch_id = ${input.batchId})
                     GROUP BY v.p ORDER BY v.p`).compile(db),
    );
  }
  if (input.knownTallies.length > 0) {
    const tallies = JSON.stringify(input.knownTallies.map((tally) => ({ p: tally.period, o: tally.outcome, n: tally.events })));
    queries.push(
      addTallies(sql`SELECT ${input.orgId}, v.p, v.o, sum(v.n) FROM ${jsonRowsAs(dialect, tallies, TALLY_COLUMNS)}
                     WHERE true GROUP BY v.p, v.o ORDER BY v.p, v.o`).compile(db),
    );
  }
  return { queries, acceptedResultIndex };
}
