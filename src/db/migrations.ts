/**
 * Schema migrations, written once with Kysely's schema builder so the same source serves SQLite,
 * PostgreSQL and (compiled to SQL by scripts/generate-d1-migrations.ts) Cloudflare D1.
 */
import { type Kysely, SqliteAdapter, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';

// Kysely<any> is the documented type for migrations: they must not depend on the current schema type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * The counter cell columns as migration 0001 created them. A shipped migration must not follow later
 * changes of the current schema, so its columns are spelled out here rather than read from schema.ts.
 */
const INITIAL_COUNTER_CELL_COLUMNS = [
  'protocol', 'direction', 'cross_org', 'outcome', 'size_band', 'classification', 'ai_platform', 'mfa', 'sso', 'link_expiry',
  'download_limit', 'ip_allowlist', 'watermark', 'dlp_scan', 'customer_managed_keys', 'hash_verified', 'signature_verified',
  'region', 'sector', 'org_size_band',
] as const;
const INITIAL_COUNTER_FLAG_COLUMNS: ReadonlySet<string> = new Set([
  'cross_org', 'mfa', 'sso', 'link_expiry', 'download_limit', 'ip_allowlist', 'watermark', 'dlp_scan', 'customer_managed_keys',
  'hash_verified', 'signature_verified',
]);

const initialSchema: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('organizations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('sector', 'text', (c) => c.notNull())
      .addColumn('size_band', 'text', (c) => c.notNull())
      .addColumn('country', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('instances')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('instances_org_idx').on('instances').column('org_id').execute();
    // Tokens are looked up by hash; unique, so two processes bootstrapping at once cannot both
    // register the same token.
    await db.schema.createIndex('instances_token_hash_uq').on('instances').column('token_hash').unique().execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('api_keys_token_hash_uq').on('api_keys').column('token_hash').unique().execute();

    await db.schema
      .createTable('consents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('policy_version', 'text', (c) => c.notNull())
      .addColumn('policy_url', 'text')
      .addColumn('granted_by', 'text', (c) => c.notNull())
      .addColumn('collection_method', 'text', (c) => c.notNull())
      .addColumn('evidence_url', 'text')
      .addColumn('evidence_sha256', 'text')
      .addColumn('granted_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text')
      .addColumn('revoke_reason', 'text')
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('consents_org_idx').on('consents').columns(['org_id', 'granted_at']).execute();

    // The builder tracks column names in its type; a loop over the cell columns widens it to string.
    let counters = db.schema.createTable('counters') as ReturnType<AnyDb['schema']['createTable']>;
    for (const column of ['period', 'contributor', ...INITIAL_COUNTER_CELL_COLUMNS]) {
      counters = counters.addColumn(column, INITIAL_COUNTER_FLAG_COLUMNS.has(column) ? 'integer' : 'text', (c) => c.notNull());
    }
    // The key is one compact column (the cell's values joined) rather than all twenty cell columns:
    // a twenty-two-column composite index doubled the table's size and dominated upsert time.
    // On SQLite and D1 the table is clustered on its key (WITHOUT ROWID): no second B-tree to keep
    // in step on every upsert, and a release reads and deletes a period's rows in key order.
    const clustered = db.getExecutor().adapter instanceof SqliteAdapter;
    await counters
      .addColumn('cell_key', 'text', (c) => c.notNull())
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('counters_pk', ['period', 'contributor', 'cell_key'] as never)
      .$call((builder) => (clustered ? builder.modifyEnd(sql`without rowid`) : builder))
      .execute();

    await db.schema
      .createTable('replay_guards')
      .addColumn('event_hash', 'text', (c) => c.primaryKey())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('contributor', 'text', (c) => c.notNull())
      .addColumn('batch_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('replay_guards_batch_idx').on('replay_guards').column('batch_id').execute();
    await db.schema
      .createIndex('replay_guards_period_idx')
      .on('replay_guards')
      .columns(['period', 'contributor'])
      .execute();

    await db.schema
      .createTable('ingest_tallies')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ingest_tallies_pk', ['org_id', 'period', 'outcome'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_role', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('erasures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('consent_id', 'text')
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text')
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('periods', 'text', (c) => c.notNull())
      .addColumn('rows_removed', 'integer', (c) => c.notNull())
      .addColumn('releases_including', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('period_releases')
      .addColumn('period', 'text', (c) => c.primaryKey())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('releases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dataset_id', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('package_sha256', 'text', (c) => c.notNull())
      .addColumn('previous_release_id', 'text')
      .addColumn('previous_package_sha256', 'text')
      .addColumn('signing_key_id', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addColumn('datapackage', 'text', (c) => c.notNull())
      .addUniqueConstraint('releases_dataset_period_uq', ['dataset_id', 'period'])
      .execute();

    await db.schema
      .createTable('release_files')
      .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('media_type', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('release_files_pk', ['release_id', 'path'])
      .execute();

    await db.schema
      .createTable('budget_ledger')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('dataset_id', 'text', (c) => c.notNull())
      .addColumn('release_id', 'text')
      .addColumn('rho', 'double precision', (c) => c.notNull())
      .addColumn('epsilon', 'double precision', (c) => c.notNull())
      .addColumn('delta', 'double precision', (c) => c.notNull())
      .addColumn('charged_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('budget_ledger_period_dataset_uq', ['period', 'dataset_id'])
      .execute();

    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      .execute();

    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: AnyDb) {
    for (const table of [
      'console_sessions',
      'signing_keys',
      'budget_ledger',
      'release_files',
      'releases',
      'period_releases',
      'erasures',
      'audit_log',
      'ingest_tallies',
      'replay_guards',
      'counters',
      'consents',
      'api_keys',
      'instances',
      'organizations',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

/** Contract version 2's dimensions, appended to the counter cell (and to its key) in this order. */
const CONTRACT_V2_COUNTER_COLUMNS = ['artifact_class', 'integrity_evidence', 'attestation_kind', 'chain_of_custody'] as const;

/**
 * Contract version 2: four text cell columns. Existing rows (version 1 events) hold 'unknown' in
 * each, which is also the column default, so an instance of the previous release still writing
 * during a rolling deploy stores what a version 1 event means. Existing cell keys get the same
 * suffix the current code builds for a version 1 event, so a version 1 event arriving after the
 * migration adds to its cell's row instead of opening a second one.
 */
const contractV2Dimensions: Migration = {
  async up(db: AnyDb) {
    // One statement per column: SQLite and D1 add a single column per ALTER TABLE.
    for (const column of CONTRACT_V2_COUNTER_COLUMNS) {
      await db.schema.alterTable('counters').addColumn(column, 'text', (c) => c.notNull().defaultTo('unknown')).execute();
    }
    const suffix = CONTRACT_V2_COUNTER_COLUMNS.map(() => '|unknown').join('');
    await sql`update counters set cell_key = cell_key || ${sql.lit(suffix)}`.execute(db);
  },
  async down(db: AnyDb) {
    // Going back would merge cells that differ only in these columns; refuse rather than lose or
    // double-count accepted version 2 events.
    const v2Rows = await sql<{ n: number | string }>`select count(*) as n from counters where ${sql.join(
      CONTRACT_V2_COUNTER_COLUMNS.map((column) => sql`${sql.ref(column)} <> 'unknown'`),
      sql` or `,
    )}`.execute(db);
    if (Number(v2Rows.rows[0]?.n ?? 0) > 0) {
      throw new Error('counters hold contract version 2 events; release or erase their periods before migrating down');
    }
    const suffixLength = CONTRACT_V2_COUNTER_COLUMNS.length * '|unknown'.length;
    await sql`update counters set cell_key = substr(cell_key, 1, length(cell_key) - ${sql.lit(suffixLength)})`.execute(db);
    for (const column of [...CONTRACT_V2_COUNTER_COLUMNS].reverse()) {
      await db.schema.alterTable('counters').dropColumn(column).execute();
    }
  },
};

/**
 * Tallies are purged by period once they are older than TALLY_RETENTION_DAYS
 * (src/releases/tally-retention.ts); their primary key leads with the organization, so the purge
 * needs an index that leads with the period.
 */
const ingestTalliesPeriodIndex: Migration = {
  async up(db: AnyDb) {
    await db.schema.createIndex('ingest_tallies_period_idx').on('ingest_tallies').column('period').execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropIndex('ingest_tallies_period_idx').ifExists().execute();
  },
};

/**
 * Replay guards get a lifetime (DEDUP_WINDOW_HOURS). Each row carries the UTC day of its event's
 * time, and the key becomes (event_day, event_hash): a batch's guards then go into the small, hot part
 * of the key index that holds the current days, instead of random pages of an index as large as
 * everything stored, so ingest does not slow down as guards accumulate; and guards that left the
 * window are purged by a range delete on the key's prefix. The batch index is not needed: the write
 * finds its own guards by key. A day, not an hour: a finer bucket would store each organization's
 * activity by the hour for as long as the window lasts, where everything else is kept per period.
 *
 * Guards stored before this migration do not know their event's day. They get the upgrade's day,
 * negated: the write also probes that one day for each event's hash, so a retry of an event
 * accepted before the upgrade is still a duplicate, and the purge drops them once the upgrade has
 * left the window (src/ingest/replay-guard-window.ts).
 */
const replayGuardWindow: Migration = {
  async up(db: AnyDb) {
    if (db.getExecutor().adapter instanceof SqliteAdapter) {
      // SQLite cannot change a primary key in place: rebuild the table.
      await db.schema
        .createTable('replay_guards_windowed')
        .addColumn('event_day', 'bigint', (c) => c.notNull())
        .addColumn('event_hash', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('contributor', 'text', (c) => c.notNull())
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('replay_guards_pk', ['event_day', 'event_hash'])
        .execute();
      await sql`insert into replay_guards_windowed (event_day, event_hash, period, contributor, batch_id)
                select -(cast(strftime('%s', 'now') as integer) / 86400), event_hash, period, contributor, batch_id
                from replay_guards`.execute(db);
      await db.schema.dropTable('replay_guards').execute();
      await db.schema.alterTable('replay_guards_windowed').renameTo('replay_guards').execute();
      await db.schema.createIndex('replay_guards_period_idx').on('replay_guards').columns(['period', 'contributor']).execute();
      return;
    }
    await db.schema
      .alterTable('replay_guards')
      .addColumn('event_day', 'bigint', (c) => c.notNull().defaultTo(sql`-floor(extract(epoch from now()) / 86400)::bigint`))
      .execute();
    await db.schema.alterTable('replay_guards').alterColumn('event_day', (c) => c.dropDefault()).execute();
    await sql`alter table replay_guards drop constraint replay_guards_pkey`.execute(db);
    await sql`alter table replay_guards add constraint replay_guards_pk primary key (event_day, event_hash)`.execute(db);
    await db.schema.dropIndex('replay_guards_batch_idx').execute();
  },
  async down(db: AnyDb) {
    // Back to one guard per event hash; where a hash holds guards in several days, one is kept.
    if (db.getExecutor().adapter instanceof SqliteAdapter) {
      await db.schema
        .createTable('replay_guards_unwindowed')
        .addColumn('event_hash', 'text', (c) => c.primaryKey())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('contributor', 'text', (c) => c.notNull())
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .execute();
      await sql`insert or ignore into replay_guards_unwindowed (event_hash, period, contributor, batch_id)
                select event_hash, period, contributor, batch_id from replay_guards`.execute(db);
      await db.schema.dropTable('replay_guards').execute();
      await db.schema.alterTable('replay_guards_unwindowed').renameTo('replay_guards').execute();
      await db.schema.createIndex('replay_guards_period_idx').on('replay_guards').columns(['period', 'contributor']).execute();
    } else {
      await sql`delete from replay_guards g using replay_guards h
                where g.event_hash = h.event_hash and g.event_day < h.event_day`.execute(db);
      await sql`alter table replay_guards drop constraint replay_guards_pk`.execute(db);
      await sql`alter table replay_guards add constraint replay_guards_pkey primary key (event_hash)`.execute(db);
      await db.schema.alterTable('replay_guards').dropColumn('event_day').execute();
    }
    await db.schema.createIndex('replay_guards_batch_idx').on('replay_guards').column('batch_id').execute();
  },
};

/** The counter cell columns as migration 0005 finds them (0001's and 0002's), in key order. */
const CODED_CELL_COLUMNS = [...INITIAL_COUNTER_CELL_COLUMNS, ...CONTRACT_V2_COUNTER_COLUMNS] as const;
const codedName = (column: string) => (INITIAL_COUNTER_FLAG_COLUMNS.has(column) ? column : `${column}_id`);
const CODED_TEXT_COLUMNS = CODED_CELL_COLUMNS.filter((column) => !INITIAL_COUNTER_FLAG_COLUMNS.has(column));

/**
 * Narrow counters. A counter row held its twenty-four generalized cell columns as text plus their
 * values joined as a text key: about 400 bytes a row with its key, which made reading a period for
 * release and deleting it afterwards cost seconds per million rows (docs/releases.md). Each text
 * value now gets a small integer id in `counter_values` (never deleted, never renumbered), and
 * `coded_counters` holds the ids and the flags as integers, keyed by (period, contributor, the
 * twenty-four integers): about a quarter of the bytes. A view named `counters` decodes the ids, so
 * operators and tests still read counters as values.
 *
 * Why not a per-period dictionary of whole cells with one id per cell: a cell combines an event's
 * dimensions with its organization's sector, region and size, so nearly every (contributor, cell)
 * is its own cell (1,999,813 distinct cells in the 2,000,000 rows of `npm run bench:release`); the
 * dictionary would be as large as the counters and a release would read both.
 */
const codedCounters: Migration = {
  async up(db: AnyDb) {
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema
      .createTable('counter_values')
      .addColumn('id', 'integer', (c) => (sqlite ? c.primaryKey() : c.primaryKey().generatedByDefaultAsIdentity()))
      .addColumn('column_name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addUniqueConstraint('counter_values_column_value_uq', ['column_name', 'value'])
      .execute();
    for (const column of CODED_TEXT_COLUMNS) {
      await sql`insert into counter_values (column_name, value)
                select distinct ${sql.lit(column)}, ${sql.ref(column)} from counters order by 2`.execute(db);
    }
    let coded = db.schema.createTable('coded_counters').addColumn('period', 'text', (c) => c.notNull()).addColumn('contributor', 'text', (c) => c.notNull()) as ReturnType<AnyDb['schema']['createTable']>;
    for (const column of CODED_CELL_COLUMNS) coded = coded.addColumn(codedName(column), 'integer', (c) => c.notNull());
    await coded
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('coded_counters_pk', ['period', 'contributor', ...CODED_CELL_COLUMNS.map(codedName)] as never)
      .$call((builder) => (sqlite ? builder.modifyEnd(sql`without rowid`) : builder))
      .execute();
    const codedList = sql.join(CODED_CELL_COLUMNS.map((column) => sql.ref(codedName(column))));
    const codes = sql.join(
      CODED_CELL_COLUMNS.map((column) =>
        INITIAL_COUNTER_FLAG_COLUMNS.has(column)
          ? sql`c.${sql.ref(column)}`
          : sql`(select v.id from counter_values v where v.column_name = ${sql.lit(column)} and v.value = c.${sql.ref(column)})`,
      ),
    );
    await sql`insert into coded_counters (period, contributor, ${codedList}, events, bytes)
              select c.period, c.contributor, ${codes}, c.events, c.bytes from counters c
              order by c.period, c.contributor, c.cell_key`.execute(db);
    await db.schema.dropTable('counters').execute();
    const decoded = sql.join(
      CODED_CELL_COLUMNS.map((column) =>
        INITIAL_COUNTER_FLAG_COLUMNS.has(column) ? sql`t.${sql.ref(column)}` : sql`${sql.ref(`v_${column}.value`)} as ${sql.ref(column)}`,
      ),
    );
    const joins = sql.join(
      CODED_TEXT_COLUMNS.map((column) => sql`join counter_values ${sql.ref(`v_${column}`)} on ${sql.ref(`v_${column}.id`)} = t.${sql.ref(codedName(column))}`),
      sql` `,
    );
    await sql`create view counters as
              select t.period, t.contributor, ${decoded}, t.events, t.bytes from coded_counters t ${joins}`.execute(db);
  },
  async down(db: AnyDb) {
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    let wide = db.schema.createTable('counters_wide').addColumn('period', 'text', (c) => c.notNull()).addColumn('contributor', 'text', (c) => c.notNull()) as ReturnType<AnyDb['schema']['createTable']>;
    for (const column of CODED_CELL_COLUMNS) {
      wide = wide.addColumn(column, INITIAL_COUNTER_FLAG_COLUMNS.has(column) ? 'integer' : 'text', (c) => c.notNull());
    }
    await wide
      .addColumn('cell_key', 'text', (c) => c.notNull())
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('counters_pk', ['period', 'contributor', 'cell_key'] as never)
      .$call((builder) => (sqlite ? builder.modifyEnd(sql`without rowid`) : builder))
      .execute();
    const columnList = sql.join(CODED_CELL_COLUMNS.map((column) => sql.ref(column)));
    const cellKey = sql.join(CODED_CELL_COLUMNS.map((column) => sql`cast(${sql.ref(column)} as text)`), sql` || '|' || `);
    await sql`insert into counters_wide (period, contributor, ${columnList}, cell_key, events, bytes)
              select period, contributor, ${columnList}, ${cellKey}, events, bytes from counters`.execute(db);
    await sql`drop view counters`.execute(db);
    await db.schema.dropTable('coded_counters').execute();
    await db.schema.dropTable('counter_values').execute();
    await db.schema.alterTable('counters_wide').renameTo('counters').execute();
  },
};

/**
 * Replay guards, compacted: the event hash is stored as its 16 bytes (BLOB; bytea on PostgreSQL)
 * instead of 32 hex characters, and the batch id as a random 48-bit integer instead of a 36-character
 * UUID. The key index, which takes one random insert per accepted event, then holds about 28 bytes
 * per guard instead of about 45, and the whole guard (row, key, period index) about 150 bytes instead
 * of 200. The table stays a rowid table: clustered on its key (WITHOUT ROWID), every guard would
 * carry its period, pseudonym and batch id into random pages of the key order; measured slower.
 *
 * Every guard is kept as it is: its day (including the negated day of guards stored before 0004),
 * period and pseudonym unchanged, its hash decoded from hex (a value that is not hex, which this
 * service never wrote, is kept as it was). A batch id only matters inside its own batch's write, so
 * stored guards get 0, which no batch uses. Deploy it together with the code that writes 16-byte
 * hashes: on SQLite and D1 a guard the previous release wrote in between (hex text, accepted by the
 * dynamically typed column) would not match the same event's hash later; PostgreSQL refuses that write.
 */
const replayGuardsCompact: Migration = {
  async up(db: AnyDb) {
    if (db.getExecutor().adapter instanceof SqliteAdapter) {
      await db.schema
        .createTable('replay_guards_compact')
        .addColumn('event_day', 'bigint', (c) => c.notNull())
        .addColumn('event_hash', 'blob', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('contributor', 'text', (c) => c.notNull())
        .addColumn('batch_id', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('replay_guards_pk', ['event_day', 'event_hash'])
        .execute();
      await sql`insert into replay_guards_compact (event_day, event_hash, period, contributor, batch_id)
                select event_day, coalesce(unhex(event_hash), event_hash), period, contributor, 0 from replay_guards`.execute(db);
      await db.schema.dropTable('replay_guards').execute();
      await db.schema.alterTable('replay_guards_compact').renameTo('replay_guards').execute();
      await db.schema.createIndex('replay_guards_period_idx').on('replay_guards').columns(['period', 'contributor']).execute();
      return;
    }
    await sql`alter table replay_guards
                alter column event_hash type bytea using (case when event_hash ~ '^([0-9a-fA-F]{2})+$'
                  then decode(event_hash, 'hex') else convert_to(event_hash, 'UTF8') end),
                alter column batch_id type bigint using 0`.execute(db);
  },
  async down(db: AnyDb) {
    // Back to hex text; batch ids become text (only a batch's own write ever reads its id).
    if (db.getExecutor().adapter instanceof SqliteAdapter) {
      await db.schema
        .createTable('replay_guards_hex')
        .addColumn('event_day', 'bigint', (c) => c.notNull())
        .addColumn('event_hash', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('contributor', 'text', (c) => c.notNull())
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('replay_guards_pk', ['event_day', 'event_hash'])
        .execute();
      await sql`insert into replay_guards_hex (event_day, event_hash, period, contributor, batch_id)
                select event_day, case when typeof(event_hash) = 'blob' then lower(hex(event_hash)) else event_hash end,
                       period, contributor, cast(batch_id as text) from replay_guards`.execute(db);
      await db.schema.dropTable('replay_guards').execute();
      await db.schema.alterTable('replay_guards_hex').renameTo('replay_guards').execute();
      await db.schema.createIndex('replay_guards_period_idx').on('replay_guards').columns(['period', 'contributor']).execute();
      return;
    }
    await sql`alter table replay_guards
                alter column event_hash type text using (case when length(event_hash) = 16
                  then encode(event_hash, 'hex') else convert_from(event_hash, 'UTF8') end),
                alter column batch_id type text using batch_id::text`.execute(db);
  },
};

/** Ordered by name; add new migrations with a higher numeric prefix and never edit a shipped one. */
export const migrations: Record<string, Migration> = {
  '0001_initial_schema': initialSchema,
  '0002_contract_v2_dimensions': contractV2Dimensions,
  '0003_ingest_tallies_period_index': ingestTalliesPeriodIndex,
  '0004_replay_guard_window': replayGuardWindow,
  '0005_coded_counters': codedCounters,
  '0006_replay_guards_compact': replayGuardsCompact,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1) ?? '';

/**
 * `schema` pins Kysely's bookkeeping tables to one PostgreSQL schema: its existence check looks
 * across all schemas, so without it a second schema in the same database would be seen as migrated.
 */
function migratorFor(db: AnyDb, schema: string | undefined): Migrator {
  return new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
}

export async function migrateToLatest(db: AnyDb, schema?: string): Promise<void> {
  const { error, results } = await migratorFor(db, schema).migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? failed?.migrationName);
    throw new Error(`migration failed: ${reason}`);
  }
}

/** True when every known migration has been applied (used by /readyz). */
export async function migrationsAreCurrent(db: AnyDb, schema?: string): Promise<boolean> {
  const applied = await migratorFor(db, schema).getMigrations();
  return applied.every((migration) => migration.executedAt !== undefined);
}

