/**
 * The atomic write of one ingest batch, built as SQL statements that need no round trip between
 * them, so the same plan runs inside a transaction (SQLite, PostgreSQL) or as one D1 batch().
 *
 * Exactly-once counting rests on the replay guard's primary key (the event's UTC day and keyed hash):
 *  1. insert a guard per event, tagged with this batch's random id (48 bits), ON CONFLICT DO NOTHING;
 *  2. add to the counters only the staged events whose guard carries this batch's id.
 * A retry, or a concurrent request with an overlapping event (PostgreSQL waits on the other
 * transaction's uncommitted key, then skips it), finds the guard owned by another batch and
 * counts nothing.
 *
 * Rows travel as JSON array parameters (D1 allows only 100 bound parameters per statement): the
 * batch's distinct cells, its events as [hash in hex, period, contributor, cell index, bytes, day] (the hash is decoded to the guard's 16 bytes in SQL), and the
 * distinct text values of its cells. Events of one batch mostly repeat a few cells, so counters are
 * upserted once per distinct cell.
 *
 * Counters are stored coded (migration 0005): each text cell value as its id in `counter_values`.
 * The write first inserts the batch's values that have no id yet (ON CONFLICT DO NOTHING, in
 * (column, value) order), then the counter upsert looks each id up by (column, value) inside the
 * statement, so no statement waits for another's result (D1 batch()). On PostgreSQL a concurrent
 * batch inserting the same value makes this one wait for its commit, and the next statement, with a
 * fresh READ COMMITTED snapshot, sees the id: one id per value whoever writes first. Ids are looked
 * up inside every write, never remembered across writes, so nothing can use a stale id. Values are
 * never deleted: they are vocabulary words, not anyone's data.
 * Positional arrays rather than objects, read through SQLite's jsonb_each (binary JSON: each
 * element access skips re-parsing text), keep the extraction cheap. Every statement
 * orders rows by key so that concurrent batches take row locks in the same order.
 */
import { type CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import type { DialectName, SynchronousSqlite } from '../db/database';
import { CODED_COUNTER_COLUMNS, COUNTER_CELL_COLUMNS, COUNTER_FLAG_COLUMNS, type DB } from '../db/schema';
import { RESEARCH_SCOPE } from '../consent/consent-coverage';
import type { GeneralizedCell } from './generalize';

export interface StagedEvent {
  /** The keyed hash's 16 bytes (see src/secrets/pseudonymizer.ts). */
  eventHash: Buffer;
  period: string;
  contributor: string;
  cell: GeneralizedCell;
  sizeBytes: number;
  /** Whole UTC days since the epoch of the event's time: the guard's place in the dedup window. */
  eventDay: number;
}

export interface TallyIncrement {
  period: string;
  outcome: string;
  events: number;
}

/** `hex`: text in the JSON, decoded to bytes (BLOB / bytea) in SQL. */
type ColumnType = 'text' | 'integer' | 'bigint' | 'hex';
type JsonColumn = readonly [name: string, type: ColumnType];

const EVENT_COLUMNS: readonly JsonColumn[] = [
  ['h', 'hex'],
  ['p', 'text'],
  ['c', 'text'],
  ['ci', 'integer'],
  ['b', 'bigint'],
  ['eh', 'bigint'],
];

const CELL_COLUMNS: readonly JsonColumn[] = [
  ['ci', 'integer'],
  ['p', 'text'],
  ['c', 'text'],
  ...COUNTER_CELL_COLUMNS.map((column): JsonColumn => [column, COUNTER_FLAG_COLUMNS.has(column) ? 'integer' : 'text']),
];

/** Non-accepted tallies: [period, outcome, count, subtract this batch's accepted count for the period (0|1)]. */
const TALLY_COLUMNS: readonly JsonColumn[] = [
  ['p', 'text'],
  ['o', 'text'],
  ['n', 'bigint'],
  ['s', 'integer'],
];

/** SELECT over a JSON array of positional arrays, in each dialect's JSON functions. */
function jsonRowsSelect(dialect: DialectName, json: string, columns: readonly JsonColumn[]): RawBuilder<unknown> {
  if (dialect === 'postgres') {
    const projection = sql.raw(
      columns
        .map(([name, type], index) => (type === 'hex' ? `decode(x ->> ${index}, 'hex') AS ${name}` : `(x ->> ${index})::${type} AS ${name}`))
        .join(', '),
    );
    return sql`SELECT ${projection} FROM jsonb_array_elements(${json}::jsonb) AS x`;
  }
  const projection = sql.raw(
    columns.map(([name, type], index) => (type === 'hex' ? `unhex(value ->> ${index}) AS ${name}` : `value ->> ${index} AS ${name}`)).join(', '),
  );
  return sql`SELECT ${projection} FROM jsonb_each(${json})`;
}

/** A derived table over a JSON array of positional arrays. */
function jsonRows(dialect: DialectName, json: string, columns: readonly JsonColumn[], alias: string): RawBuilder<unknown> {
  return sql`(${jsonRowsSelect(dialect, json, columns)}) AS ${sql.raw(alias)}`;
}

/** A text cell value as [column, value]. */
const VALUE_COLUMNS: readonly JsonColumn[] = [
  ['n', 'text'],
  ['v', 'text'],
];

/** The cell columns that store a value id rather than the value (every one but the flags). */
const TEXT_CELL_COLUMNS = COUNTER_CELL_COLUMNS.filter((column) => !COUNTER_FLAG_COLUMNS.has(column));

const codedColumnList = sql.raw(CODED_COUNTER_COLUMNS.join(', '));
/** The staged cell's columns as stored: flags as they are, text values as their ids (found by the unique (column, value) key). */
const stagedCodedColumnList = sql.raw(
  COUNTER_CELL_COLUMNS.map((column) =>
    COUNTER_FLAG_COLUMNS.has(column) ? `k.${column}` : `(SELECT v.id FROM counter_values v WHERE v.column_name = '${column}' AND v.value = k.${column})`,
  ).join(', '),
);
/** ORDER BY the coded key's positions (period, contributor, the cell columns): concurrent batches lock rows in one order. */
const codedKeyOrder = sql.raw(Array.from({ length: CODED_COUNTER_COLUMNS.length + 2 }, (_, index) => String(index + 1)).join(', '));

export interface BatchWritePlan {
  queries: CompiledQuery[];
  /** Index of the statement whose rows are the newly accepted event hashes. */
  acceptedResultIndex: number;
}

function stageCells(events: readonly StagedEvent[]) {
  const cellIndexByKey = new Map<string, number>();
  const cells: unknown[][] = [];
  const stagedEvents: unknown[][] = [];
  const values = new Map<string, [string, string]>();
  for (const event of events) {
    const cellValues = COUNTER_CELL_COLUMNS.map((column) => event.cell[column]);
    const key = `${event.period}|${event.contributor}|${cellValues.join('|')}`;
    let index = cellIndexByKey.get(key);
    if (index === undefined) {
      index = cells.length;
      cellIndexByKey.set(key, index);
      cells.push([index, event.period, event.contributor, ...cellValues]);
      for (const column of TEXT_CELL_COLUMNS) {
        const value = String(event.cell[column]);
        values.set(`${column}\u0000${value}`, [column, value]);
      }
    }
    stagedEvents.push([event.eventHash.toString('hex'), event.period, event.contributor, index, event.sizeBytes, event.eventDay]);
  }
  return { cells: JSON.stringify(cells), events: JSON.stringify(stagedEvents), values: JSON.stringify([...values.values()]) };
}

export interface BatchWriteInput {
  /** Random, 1 to 2^48 - 1 (0 marks guards stored before migration 0006): how the set-based write finds its own guards. */
  batchId: number;
  orgId: string;
  /** The write time: the organization's consent must still be active then (ISO-8601). */
  writtenAt: string;
  events: readonly StagedEvent[];
  knownTallies: readonly TallyIncrement[];
  /** The day of guards stored before the dedup window existed, while any are left (see replay-guard-window.ts). */
  legacyGuardDay?: number | undefined;
}

export function buildBatchWrite(db: Kysely<DB>, dialect: DialectName, input: BatchWriteInput): BatchWritePlan {
  const queries: CompiledQuery[] = [];
  // Consent is checked again inside the write, so that a revocation committed after the request's
  // own check cannot be outrun. On PostgreSQL the consent rows are share-locked: a concurrent
  // revocation waits for this batch to commit, and its erasure then removes what this batch wrote.
  const consentStillActive = sql`EXISTS (
    SELECT 1 FROM consents c
    WHERE c.org_id = ${input.orgId} AND c.scope = ${RESEARCH_SCOPE} AND c.granted_at <= ${input.writtenAt}
      AND (c.revoked_at IS NULL OR c.revoked_at > ${input.writtenAt})
      AND (c.expires_at IS NULL OR c.expires_at > ${input.writtenAt})
    ${dialect === 'postgres' ? sql`FOR SHARE` : sql``})`;
  const upsertTallies = (select: RawBuilder<unknown>) =>
    sql`INSERT INTO ingest_tallies (org_id, period, outcome, events) ${select}
        ON CONFLICT (org_id, period, outcome) DO UPDATE SET events = ingest_tallies.events + excluded.events`;
  const tallyRows: unknown[][] = input.knownTallies.map((tally) => [tally.period, tally.outcome, tally.events, 0]);
  let acceptedResultIndex = -1;
  const staged = input.events.length > 0 ? stageCells(input.events) : undefined;
  const events = (json: string) => jsonRows(dialect, json, EVENT_COLUMNS, 'e');
  if (staged) {

    const notLegacyDuplicate =
      input.legacyGuardDay === undefined
        ? sql``
        : sql`AND NOT EXISTS (SELECT 1 FROM replay_guards l WHERE l.event_day = ${input.legacyGuardDay} AND l.event_hash = e.h)`;
    acceptedResultIndex = queries.length;
    queries.push(
      sql`INSERT INTO replay_guards (event_day, event_hash, period, contributor, batch_id)
          SELECT e.eh, e.h, e.p, e.c, CAST(${input.batchId} AS bigint) FROM ${events(staged.events)} WHERE ${consentStillActive} ${notLegacyDuplicate}
          ORDER BY e.eh, e.h
          ON CONFLICT (event_day, event_hash) DO NOTHING
          RETURNING event_hash`.compile(db),
    );
    // The cells' text values that have no id yet (see the module comment). The NOT EXISTS spares
    // PostgreSQL's identity a number per value already known.
    queries.push(
      sql`INSERT INTO counter_values (column_name, value)
          SELECT x.n, x.v FROM ${jsonRows(dialect, staged.values, VALUE_COLUMNS, 'x')}
          WHERE ${consentStillActive} AND NOT EXISTS (SELECT 1 FROM counter_values v WHERE v.column_name = x.n AND v.value = x.v)
          ORDER BY x.n, x.v
          ON CONFLICT (column_name, value) DO NOTHING`.compile(db),
    );
    // Both inputs are materialized once: as plain subqueries SQLite would re-read the JSON of one
    // side for every row of the other. This batch's guards are found by primary key (one probe per
    // staged event), so the guards need no index on the batch id.
    queries.push(
      sql`WITH e AS MATERIALIZED (${jsonRowsSelect(dialect, staged.events, EVENT_COLUMNS)}),
               k AS MATERIALIZED (${jsonRowsSelect(dialect, staged.cells, CELL_COLUMNS)}),
               fresh AS (
                 SELECT e.ci, count(*) AS events, sum(e.b) AS bytes FROM e
                 WHERE EXISTS (SELECT 1 FROM replay_guards g WHERE g.event_day = e.eh AND g.event_hash = e.h AND g.batch_id = ${input.batchId})
                 GROUP BY e.ci
               )
          INSERT INTO coded_counters (period, contributor, ${codedColumnList}, events, bytes)
          SELECT k.p, k.c, ${stagedCodedColumnList}, fresh.events, fresh.bytes
          FROM fresh JOIN k ON k.ci = fresh.ci
          WHERE true
          ORDER BY ${codedKeyOrder}
          ON CONFLICT (period, contributor, ${codedColumnList})
          DO UPDATE SET events = coded_counters.events + excluded.events, bytes = coded_counters.bytes + excluded.bytes`.compile(db),
    );
    queries.push(
      upsertTallies(sql`SELECT ${input.orgId}, g.period, 'accepted', count(*) FROM ${events(staged.events)}
                        JOIN replay_guards g ON g.event_day = e.eh AND g.event_hash = e.h
                        WHERE g.batch_id = ${input.batchId} GROUP BY g.period ORDER BY g.period`).compile(db),
    );
    // Staged events that did not get a guard were counted before: tally them as duplicates.
    const stagedPerPeriod = new Map<string, number>();
    for (const event of input.events) stagedPerPeriod.set(event.period, (stagedPerPeriod.get(event.period) ?? 0) + 1);
    for (const [period, count] of stagedPerPeriod) tallyRows.push([period, 'duplicate', count, 1]);
  }
  if (tallyRows.length > 0) {
    const tallies = jsonRows(dialect, JSON.stringify(tallyRows), TALLY_COLUMNS, 't');
    // This batch's accepted events per period, counted once by probing the guards' primary key with
    // the staged events (a correlated subquery per tally row let SQLite pick the period index and
    // scan the whole period instead).
    const accepted = staged
      ? sql`SELECT g.period, count(*) AS n FROM ${events(staged.events)}
            JOIN replay_guards g ON g.event_day = e.eh AND g.event_hash = e.h WHERE g.batch_id = ${input.batchId} GROUP BY g.period`
      : sql`SELECT NULL AS period, 0 AS n WHERE false`;
    queries.push(
      sql`WITH accepted AS (${accepted}),
               increments AS (
                 SELECT t.p, t.o, t.n - t.s * coalesce(a.n, 0) AS n
                 FROM ${tallies} LEFT JOIN accepted a ON a.period = t.p
                 WHERE t.s = 0 OR ${consentStillActive}
               )
          INSERT INTO ingest_tallies (org_id, period, outcome, events)
          SELECT ${input.orgId}, i.p, i.o, sum(i.n) FROM increments i
          WHERE true GROUP BY i.p, i.o HAVING sum(i.n) > 0 ORDER BY i.p, i.o
          ON CONFLICT (org_id, period, outcome) DO UPDATE SET events = ingest_tallies.events + excluded.events`.compile(db),
    );
  }
  return { queries, acceptedResultIndex };
}

const CONSENT_STILL_ACTIVE_SQL = `SELECT EXISTS (
  SELECT 1 FROM consents c
  WHERE c.org_id = ? AND c.scope = ? AND c.granted_at <= ?
    AND (c.revoked_at IS NULL OR c.revoked_at > ?)
    AND (c.expires_at IS NULL OR c.expires_at > ?)) AS active`;
const INSERT_GUARD_SQL = `INSERT INTO replay_guards (event_day, event_hash, period, contributor, batch_id)
  VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_day, event_hash) DO NOTHING`;
const LEGACY_GUARD_SQL = 'SELECT 1 AS found FROM replay_guards WHERE event_day = ? AND event_hash = ?';
const UPSERT_COUNTER_SQL = `INSERT INTO coded_counters (period, contributor, ${CODED_COUNTER_COLUMNS.join(', ')}, events, bytes)
  VALUES (${Array.from({ length: CODED_COUNTER_COLUMNS.length + 4 }, () => '?').join(', ')})
  ON CONFLICT (period, contributor, ${CODED_COUNTER_COLUMNS.join(', ')})
  DO UPDATE SET events = coded_counters.events + excluded.events, bytes = coded_counters.bytes + excluded.bytes`;
const FIND_VALUE_SQL = 'SELECT id FROM counter_values WHERE column_name = ? AND value = ?';
const INSERT_VALUE_SQL = 'INSERT INTO counter_values (column_name, value) VALUES (?, ?) ON CONFLICT (column_name, value) DO NOTHING';
const UPSERT_TALLY_SQL = `INSERT INTO ingest_tallies (org_id, period, outcome, events) VALUES (?, ?, ?, ?)
  ON CONFLICT (org_id, period, outcome) DO UPDATE SET events = ingest_tallies.events + excluded.events`;

/**
 * The same write as `buildBatchWrite`, for embedded SQLite: prepared statements run row by row
 * inside one synchronous transaction (the caller's), so the guard insert's own result says whether
 * an event is new and no statement has to find this batch's guards again. The outcome is the same
 * as the set-based plan's: consent re-checked at the write time (if it ended, only the known
 * rejection tallies are stored), a guard per new event, counters per distinct cell of the new
 * events, accepted and duplicate tallies per period. Value ids are looked up (and missing ones
 * inserted) inside the transaction, once per distinct value of the batch. Returns the number of
 * newly accepted events.
 */
export function writeBatchSynchronously(sqlite: SynchronousSqlite, input: BatchWriteInput): number {
  const tallies = new Map<string, TallyIncrement>();
  const addTally = (period: string, outcome: string, events: number) => {
    const key = `${period}\u0000${outcome}`;
    const tally = tallies.get(key) ?? { period, outcome, events: 0 };
    tally.events += events;
    tallies.set(key, tally);
  };
  for (const tally of input.knownTallies) addTally(tally.period, tally.outcome, tally.events);
  let accepted = 0;
  if (input.events.length > 0) {
    const { active } = sqlite
      .prepare(CONSENT_STILL_ACTIVE_SQL)
      .get(input.orgId, RESEARCH_SCOPE, input.writtenAt, input.writtenAt, input.writtenAt) as { active: number };
    if (active) {
      const insertGuard = sqlite.prepare(INSERT_GUARD_SQL);
      const valueIds = new Map<string, number>();
      const findValue = sqlite.prepare(FIND_VALUE_SQL);
      const insertValue = sqlite.prepare(INSERT_VALUE_SQL);
      const valueId = (column: string, value: string): number => {
        const key = `${column}\u0000${value}`;
        let id = valueIds.get(key);
        if (id === undefined) {
          let found = findValue.get(column, value) as { id: number } | undefined;
          if (found === undefined) {
            insertValue.run(column, value);
            found = findValue.get(column, value) as { id: number };
          }
          id = found.id;
          valueIds.set(key, id);
        }
        return id;
      };
      const codeCell = (values: readonly unknown[]) =>
        values.map((value, index) => {
          const column = COUNTER_CELL_COLUMNS[index]!;
          return COUNTER_FLAG_COLUMNS.has(column) ? value : valueId(column, String(value));
        });
      const cells = new Map<string, { row: unknown[]; events: number; bytes: number }>();
      const legacyGuard = input.legacyGuardDay === undefined ? undefined : sqlite.prepare(LEGACY_GUARD_SQL);
      for (const event of input.events) {
        if (legacyGuard?.get(input.legacyGuardDay, event.eventHash) !== undefined || insertGuard.run(event.eventDay, event.eventHash, event.period, event.contributor, input.batchId).changes === 0) {
          addTally(event.period, 'duplicate', 1);
          continue;
        }
        accepted += 1;
        addTally(event.period, 'accepted', 1);
        const values = COUNTER_CELL_COLUMNS.map((column) => event.cell[column]);
        const key = `${event.period}|${event.contributor}|${values.join('|')}`;
        const cell = cells.get(key) ?? { row: [event.period, event.contributor, ...codeCell(values)], events: 0, bytes: 0 };
        cell.events += 1;
        cell.bytes += event.sizeBytes;
        cells.set(key, cell);
      }
      const upsertCounter = sqlite.prepare(UPSERT_COUNTER_SQL);
      for (const cell of cells.values()) upsertCounter.run(...cell.row, cell.events, cell.bytes);
    }
  }
  const upsertTally = sqlite.prepare(UPSERT_TALLY_SQL);
  for (const tally of tallies.values()) {
    if (tally.events > 0) upsertTally.run(input.orgId, tally.period, tally.outcome, tally.events);
  }
  return accepted;
}
