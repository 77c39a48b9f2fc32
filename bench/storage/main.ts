/**
 * Storage benchmark: what one quarter of counters costs per organization, measured on a realistic
 * mix, and extrapolated to a coalition of 1,000 organizations.
 *
 * A seeded coalition (src/simulation: sectors, size bands, heavy-tailed traffic, habits that repeat)
 * sends one quarter of transfer events through the real ingest pipeline (minimization,
 * generalization, pseudonyms, replay guards, counter upserts) into a fresh SQLite file (or a
 * PostgreSQL schema with --database-url). Then it counts, per organization, the counter rows and
 * replay guards the quarter holds, and measures the bytes each table takes with its indexes
 * (SQLite: the dbstat virtual table; PostgreSQL: pg_total_relation_size).
 *
 *   npm run bench:storage                                   60 organizations, 100 events per organization per day
 *   npm run bench:storage -- --orgs 200 --events-per-day 300 --database-url postgres://...
 *
 * Extrapolation: both row counts are sums over organizations, so at 1,000 organizations with the
 * same mix they are 1,000 times the per-organization mean; bytes are rows times the measured bytes
 * per row. Counter rows grow with an organization's variety, not its volume (one row per distinct
 * generalized cell), while replay guards grow with volume (one per accepted event), so the guards'
 * share depends on --events-per-day; the report gives both so other volumes can be worked out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import type { Principal } from '../../src/auth/principal';
import { appConfigFrom, parseEnvironment } from '../../src/config';
import { grantConsent } from '../../src/consent/consent-service';
import type { Database } from '../../src/db/database';
import { createPostgresDatabase } from '../../src/db/dialects/postgres';
import { createSqliteDatabase } from '../../src/db/dialects/sqlite';
import { migrateToLatest } from '../../src/db/migrations';
import { type AppDeps, createFixedClock } from '../../src/deps';
import { ingestBatch } from '../../src/ingest/ingest-batch';
import { SCHEMA_VERSION_V2 } from '../../src/ingest/event-schema';
import { createJsonLogger } from '../../src/logging/json-logger';
import { parsePeriodId } from '../../src/periods/period';
import { createSeededRandomSource } from '../../src/privacy/random-source';
import { createOrganization } from '../../src/registry/registry-service';
import { createCoalition, createSimulationRandom, drawEventCount, generateTransferEvents } from '../../src/simulation';
import { median, quantileOfSorted } from '../support/statistics';

const { values } = parseArgs({
  options: {
    orgs: { type: 'string', default: '60' },
    'events-per-day': { type: 'string', default: '100' },
    quarter: { type: 'string', default: '2026-Q4' },
    seed: { type: 'string', default: '7' },
    'database-url': { type: 'string' },
    'batch-size': { type: 'string', default: '1000' },
  },
});

const ORGANIZATIONS = Number(values.orgs);
const EVENTS_PER_DAY = Number(values['events-per-day']);
const BATCH_SIZE = Number(values['batch-size']);
const TARGET_ORGANIZATIONS = 1000;
const BENCH_ADMIN: Principal = { kind: 'api-key', keyId: 'bench-storage', role: 'admin' };

const quarter = parsePeriodId(values.quarter, 'quarter');
if (!quarter) throw new Error(`--quarter must be a quarter id such as 2026-Q4, not ${values.quarter}`);
const quarterDays = (quarter.end.getTime() - quarter.start.getTime()) / 86_400_000;

interface Store {
  database: Database;
  label: string;
  /** Bytes of each table with its indexes. */
  tableBytes(tables: readonly string[]): Promise<Record<string, number>>;
  dispose(): Promise<void>;
}

async function openStore(): Promise<Store> {
  const url = values['database-url'];
  if (url) {
    const schema = `bench_storage_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const database = createPostgresDatabase({ url, poolSize: 4, searchPath: schema });
    await migrateToLatest(database.db, schema);
    return {
      database,
      label: 'PostgreSQL',
      tableBytes: async (tables) => {
        await sql`VACUUM ANALYZE`.execute(database.db).catch(() => undefined);
        const sizes: Record<string, number> = {};
        for (const table of tables) {
          const { rows } = await admin.query<{ bytes: string }>(`SELECT pg_total_relation_size('${schema}.${table}') AS bytes`);
          sizes[table] = Number(rows[0]?.bytes ?? 0);
        }
        return sizes;
      },
      dispose: async () => {
        await database.close();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      },
    };
  }
  const folder = mkdtempSync(join(tmpdir(), 'bench-storage-'));
  const database = createSqliteDatabase(`file:${join(folder, 'telemetry.sqlite')}`);
  await migrateToLatest(database.db);
  return {
    database,
    label: 'SQLite (WAL)',
    tableBytes: async (tables) => {
      // dbstat names each B-tree: a table, or an index whose tbl_name is the table.
      const { rows } = await sql<{ table: string; bytes: number }>`
        SELECT m.tbl_name AS "table", sum(s.pgsize) AS bytes
        FROM dbstat AS s JOIN sqlite_schema AS m ON m.name = s.name
        GROUP BY m.tbl_name`.execute(database.db);
      const byTable = new Map(rows.map((row) => [row.table, Number(row.bytes)]));
      return Object.fromEntries(tables.map((table) => [table, byTable.get(table) ?? 0]));
    },
    dispose: async () => {
      await database.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function main() {
  const store = await openStore();
  const clock = createFixedClock(quarter!.start);
  const random = createSeededRandomSource(Number(values.seed));
  const deps: Pick<AppDeps, 'config' | 'database' | 'clock' | 'random' | 'secrets' | 'logger'> = {
    config: appConfigFrom(parseEnvironment({ APP_ENV: 'production', PERIOD: 'quarter' })),
    database: store.database,
    clock,
    random,
    secrets: { pseudonymKey: new Uint8Array(32).fill(3), signingKeyPkcs8: new Uint8Array() },
    logger: createJsonLogger({ level: 'silent', clock }),
  };
  const simulation = createSimulationRandom(createSeededRandomSource(Number(values.seed) + 1));
  const coalition = createCoalition(simulation, { organizations: ORGANIZATIONS, start: quarter!.start });

  console.error(`ingesting one quarter (${quarter!.id}, ${quarterDays} days) of ${ORGANIZATIONS} organizations, ${EVENTS_PER_DAY} events per organization per day on average, into ${store.label}…`);
  const started = performance.now();
  const orgIds: string[] = [];
  let sent = 0;
  let accepted = 0;
  for (const organization of coalition.organizations) {
    clock.set(quarter!.start);
    const created = await createOrganization(deps, BENCH_ADMIN, {
      name: organization.name,
      sector: organization.sector,
      sizeBand: organization.sizeBand,
      country: organization.country,
    });
    orgIds.push(created.id);
    await grantConsent(deps, BENCH_ADMIN, created.id, { scope: 'research-telemetry', policyVersion: 'bench', grantedBy: 'Benchmark' });
    clock.advance(1000);
    const count = drawEventCount(simulation, organization, EVENTS_PER_DAY * quarterDays);
    const events = generateTransferEvents(simulation, coalition, organization, { from: clock.now(), to: quarter!.end, count });
    for (let offset = 0; offset < events.length; offset += BATCH_SIZE) {
      const batch = events.slice(offset, offset + BATCH_SIZE);
      // The instance sends each batch just after its last event.
      clock.set(new Date(Date.parse(batch[batch.length - 1]!.occurredAt as string) + 60_000));
      const result = await ingestBatch(deps, { orgId: created.id }, batch, SCHEMA_VERSION_V2);
      sent += batch.length;
      accepted += result.accepted;
    }
  }
  const ingestSeconds = (performance.now() - started) / 1000;

  const { db } = store.database;
  const perContributor = await db
    .selectFrom('counters')
    .select((eb) => ['contributor', eb.fn.countAll<number | string>().as('rows')])
    .where('period', '=', quarter!.id)
    .groupBy('contributor')
    .execute();
  const counterRows = perContributor.map((row) => Number(row.rows)).sort((a, b) => a - b);
  const totals = Object.fromEntries(
    await Promise.all(
      (['counters', 'replay_guards', 'ingest_tallies'] as const).map(async (table) => {
        const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
        return [table, Number(row.n)] as const;
      }),
    ),
  ) as Record<'counters' | 'replay_guards' | 'ingest_tallies', number>;
  // Counters are stored coded (migration 0005): the narrow rows and the small table of value ids.
  const stored = await store.tableBytes(['coded_counters', 'counter_values', 'replay_guards', 'ingest_tallies']);
  const bytes: Record<'counters' | 'replay_guards' | 'ingest_tallies', number> = {
    counters: stored.coded_counters! + stored.counter_values!,
    replay_guards: stored.replay_guards!,
    ingest_tallies: stored.ingest_tallies!,
  };
  await store.dispose();

  const perRow = (table: keyof typeof totals) => (totals[table] > 0 ? bytes[table]! / totals[table] : 0);
  const perOrg = (value: number) => value / ORGANIZATIONS;
  const mib = (value: number) => `${(value / 2 ** 20).toFixed(1)} MiB`;
  const gib = (value: number) => `${(value / 2 ** 30).toFixed(2)} GiB`;
  const quarterBytesPerOrg = perOrg(bytes.counters! + bytes.replay_guards! + bytes.ingest_tallies!);
  const report = {
    store: store.label,
    quarter: quarter!.id,
    organizations: ORGANIZATIONS,
    meanEventsPerOrganizationPerDay: EVENTS_PER_DAY,
    eventsSent: sent,
    eventsAccepted: accepted,
    ingestSeconds: Number(ingestSeconds.toFixed(1)),
    perOrganizationPerQuarter: {
      counterRows: { mean: perOrg(totals.counters), median: median(counterRows), p90: quantileOfSorted(counterRows, 0.9), max: counterRows.at(-1) ?? 0 },
      replayGuards: perOrg(totals.replay_guards),
      ingestTallies: perOrg(totals.ingest_tallies),
      bytes: { counters: perOrg(bytes.counters!), replayGuards: perOrg(bytes.replay_guards!), ingestTallies: perOrg(bytes.ingest_tallies!), total: quarterBytesPerOrg },
    },
    bytesPerRow: { counters: perRow('counters'), replayGuards: perRow('replay_guards'), ingestTallies: perRow('ingest_tallies') },
    extrapolatedTo1000Organizations: {
      counterRows: perOrg(totals.counters) * TARGET_ORGANIZATIONS,
      replayGuards: perOrg(totals.replay_guards) * TARGET_ORGANIZATIONS,
      bytes: { counters: perOrg(bytes.counters!) * TARGET_ORGANIZATIONS, replayGuards: perOrg(bytes.replay_guards!) * TARGET_ORGANIZATIONS, total: quarterBytesPerOrg * TARGET_ORGANIZATIONS },
    },
  };
  console.log(JSON.stringify(report, null, 2));
  const per = report.perOrganizationPerQuarter;
  console.error(
    [
      '',
      `${store.label}, one quarter, ${ORGANIZATIONS} organizations, ${accepted.toLocaleString('en-US')} events accepted (ingest ${ingestSeconds.toFixed(0)} s):`,
      `  per organization: ${per.counterRows.mean.toFixed(0)} counter rows (median ${per.counterRows.median}, p90 ${per.counterRows.p90}, max ${per.counterRows.max}), ` +
        `${per.replayGuards.toFixed(0)} replay guards; ${mib(per.bytes.total)} (counters ${mib(per.bytes.counters)}, replay guards ${mib(per.bytes.replayGuards)})`,
      `  bytes per row: counters ${report.bytesPerRow.counters.toFixed(0)}, replay guards ${report.bytesPerRow.replayGuards.toFixed(0)}`,
      `  1,000 organizations with the same mix: ${Math.round(report.extrapolatedTo1000Organizations.counterRows).toLocaleString('en-US')} counter rows, ` +
        `${Math.round(report.extrapolatedTo1000Organizations.replayGuards).toLocaleString('en-US')} replay guards, ${gib(report.extrapolatedTo1000Organizations.bytes.total)} ` +
        `(counters ${gib(report.extrapolatedTo1000Organizations.bytes.counters)}, replay guards ${gib(report.extrapolatedTo1000Organizations.bytes.replayGuards)})`,
    ].join('\n'),
  );
}

await main();
