/**
 * Release benchmark: one period with ORGS organizations x CELLS distinct counter cells each
 * (default 10,000 x 200 = 2,000,000 counter rows) in a SQLite file in WAL mode, released with
 * the production configuration; and, on the same data, two bare SQL baselines that compute the same
 * per-cell distinct-organization counts and clamped sums for every dataset without DP: one GROUP BY
 * per dataset over a per-organization GROUP BY, and a single statement that reads the counters once.
 *
 *   npm run bench:release                         defaults, 3 repetitions, medians reported
 *   npm run bench:release -- --orgs 2000 --cells 50 --runs 1
 *
 * Each measurement runs in a fresh child process on a fresh copy of the database file (a release
 * deletes the counters it read), so peak RSS (getrusage maxrss) belongs to that run alone.
 * Goal (issue 13): release <= 5 s including retention, peak RSS < 1 GB. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import cliProgress from 'cli-progress';
import { sql } from 'kysely';
import { appConfigFrom, parseEnvironment } from '../../src/config';
import { createSqliteDatabase } from '../../src/db/dialects/sqlite';
import { migrateToLatest } from '../../src/db/migrations';
import { CODED_COUNTER_COLUMNS, codedCounterColumn, COUNTER_CELL_COLUMNS, COUNTER_FLAG_COLUMNS, type CounterCellColumn } from '../../src/db/schema';
import { createFixedClock } from '../../src/deps';
import { parsePeriodId } from '../../src/periods/period';
import { AI_PLATFORMS, ARTIFACT_CLASSES, ATTESTATION_KINDS, CONTENT_CLASSES, DIRECTIONS, ORG_SIZE_BANDS, OUTCOMES, PROTOCOLS, REGIONS, SECTORS, SIZE_BANDS, STORED_INTEGRITY_EVIDENCE } from '../../src/datasets/vocabulary';
import { createJsonLogger } from '../../src/logging/json-logger';
import { generateSigningKeyPkcs8 } from '../../src/node/secrets-file';
import { createCryptoRandomSource } from '../../src/privacy/random-source';
import { BYTE_UNITS, type DatasetSpec, type ConditionSpec } from '../../src/datasets/dataset-spec';
import { bundledDatasetSpecs } from '../../src/datasets/dataset-registry';
import { createDatasetCellMapper } from '../../src/releases/dataset-cells';
import { releasePeriod } from '../../src/releases/release-period';
import { seededUniform, skewedPick } from '../support/seeded-random';
import { median } from '../support/statistics';

/** One period of the default kind (a calendar quarter). */
const PERIOD = '2026-Q4';

const { values: args } = parseArgs({
  options: {
    orgs: { type: 'string', default: '10000' },
    cells: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
    child: { type: 'string' },
    file: { type: 'string' },
    keep: { type: 'boolean', default: false },
    source: { type: 'string' },
  },
});

// ---------------------------------------------------------------- data generation

function generate(file: string, orgs: number, cellsPerOrg: number): void {
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  // Straight into the stored (coded) form, as ingest leaves it: text values as their ids.
  const columns = ['period', 'contributor', ...CODED_COUNTER_COLUMNS, 'events', 'bytes'];
  const insert = sqlite.prepare(`INSERT INTO coded_counters (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const findValue = sqlite.prepare('SELECT id FROM counter_values WHERE column_name = ? AND value = ?');
  const insertValue = sqlite.prepare('INSERT INTO counter_values (column_name, value) VALUES (?, ?)');
  const valueIds = new Map<string, number>();
  const code = (column: CounterCellColumn, value: string | number): number => {
    if (COUNTER_FLAG_COLUMNS.has(column)) return Number(value);
    const key = `${column}\u0000${value}`;
    let id = valueIds.get(key);
    if (id === undefined) {
      const found = findValue.get(column, String(value)) as { id: number } | undefined;
      id = found ? found.id : Number(insertValue.run(column, String(value)).lastInsertRowid);
      valueIds.set(key, id);
    }
    return id;
  };
  const next = seededUniform(20261126);
  const pick = <T>(values: readonly T[], skew?: number) => skewedPick(values, next, skew);
  const bar = new cliProgress.SingleBar({ format: 'generating [{bar}] {percentage}% | {value}/{total} organizations' }, cliProgress.Presets.shades_classic);
  bar.start(orgs, 0);
  const flag = (probability: number) => (next() < probability ? 1 : 0);
  const insertOrg = sqlite.transaction((org: number) => {
    const contributor = `${org.toString(16).padStart(8, '0')}${'a'.repeat(24)}`;
    const sector = pick(SECTORS, 0.8);
    const orgSize = pick(ORG_SIZE_BANDS, 0.5);
    const region = pick(REGIONS, 1);
    const seen = new Set<string>();
    while (seen.size < cellsPerOrg) {
      const classification = pick(CONTENT_CLASSES, 0.7);
      const cell: Record<string, string | number> = {
        protocol: pick(PROTOCOLS),
        direction: pick(DIRECTIONS, 0.5),
        cross_org: flag(0.4),
        outcome: pick(OUTCOMES, 2),
        size_band: pick(SIZE_BANDS.map((band) => band.band), 1),
        classification,
        ai_platform: classification === 'non_ai' ? 'none' : pick(AI_PLATFORMS, 1),
        mfa: flag(0.6),
        sso: flag(0.5),
        link_expiry: flag(0.3),
        download_limit: flag(0.15),
        ip_allowlist: flag(0.1),
        watermark: flag(0.05),
        dlp_scan: flag(0.35),
        customer_managed_keys: flag(0.1),
        hash_verified: flag(0.5),
        signature_verified: flag(0.2),
        region,
        sector,
        org_size_band: orgSize,
        // Contract v2 dimensions: a mix of version 2 events and version 1 events stored as unknown.
        artifact_class: next() < 0.3 ? 'unknown' : pick(ARTIFACT_CLASSES, 1),
        integrity_evidence: pick(STORED_INTEGRITY_EVIDENCE, 1),
        attestation_kind: next() < 0.5 ? 'not_applicable' : pick([...ATTESTATION_KINDS, 'unspecified', 'unknown'], 1),
        chain_of_custody: pick(['recorded', 'not_recorded', 'unknown'], 1),
      };
      const cellKey = COUNTER_CELL_COLUMNS.map((column) => cell[column]).join('|');
      if (seen.has(cellKey)) continue;
      seen.add(cellKey);
      const events = 1 + Math.floor(next() ** 3 * 2000);
      insert.run(PERIOD, contributor, ...COUNTER_CELL_COLUMNS.map((column) => code(column, cell[column]!)), events, events * (50_000 + Math.floor(next() * 20_000_000)));
    }
  });
  for (let org = 0; org < orgs; org += 1) {
    insertOrg(org);
    if (org % 100 === 99) bar.update(org + 1);
  }
  bar.stop();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('ANALYZE');
  sqlite.close();
}

// ---------------------------------------------------------------- the measured runs (child processes)

async function runRelease(file: string): Promise<Record<string, number>> {
  const database = createSqliteDatabase(`file:${file}`);
  const period = parsePeriodId(PERIOD, 'quarter')!;
  const clock = createFixedClock(new Date(period.end.getTime() + 49 * 3_600_000));
  const config = appConfigFrom(parseEnvironment({ APP_ENV: 'production' }));
  const deps = {
    config,
    database,
    clock,
    random: createCryptoRandomSource(),
    secrets: { pseudonymKey: new Uint8Array(32), signingKeyPkcs8: await generateSigningKeyPkcs8() },
    logger: createJsonLogger({ level: 'silent', clock }),
  };
  const started = performance.now();
  const cpuSeconds = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const cpuStarted = cpuSeconds();
  // Phase boundaries: reading ends at the first 'privacy' step, publication at the first 'retention' step.
  // CPU time at each boundary too: on a shared machine it is distorted less by other work than wall time.
  const firstSeen = new Map<string, number>();
  const cpuAt = new Map<string, number>();
  const result = await releasePeriod(deps, {
    period: PERIOD,
    actor: { actorId: 'bench', actorRole: 'system' },
    onProgress: (progress) => {
      if (firstSeen.has(progress.phase)) return;
      firstSeen.set(progress.phase, performance.now());
      cpuAt.set(progress.phase, cpuSeconds());
    },
  });
  const finished = performance.now();
  const cpuFinished = cpuSeconds();
  const seconds = (finished - started) / 1000;
  const published = firstSeen.get('retention') ?? finished;
  await database.close();
  return {
    seconds,
    readSeconds: ((firstSeen.get('privacy') ?? started) - started) / 1000,
    publishSeconds: (published - started) / 1000,
    retentionSeconds: (finished - published) / 1000,
    readCpuSeconds: (cpuAt.get('privacy') ?? cpuStarted) - cpuStarted,
    publishCpuSeconds: (cpuAt.get('retention') ?? cpuFinished) - cpuStarted,
    retentionCpuSeconds: cpuFinished - (cpuAt.get('retention') ?? cpuFinished),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    countersDeleted: result.countersDeleted,
    publishedCells: result.releases.reduce((sum, release) => sum + release.cells, 0),
  };
}

/**
 * How the baselines name stored cells: a column by its coded name, a value by its stored integer
 * (the flag, or the id read from counter_values before the query is built), as someone writing the
 * SQL by hand against the coded table would. Unlabelled dimensions group by the id, not the word:
 * the same cells, without a decoding step the release itself has to do.
 */
interface StoredCodes {
  ref(column: string): string;
  lit(column: string, value: string | number): string;
}

async function readStoredCodes(database: ReturnType<typeof createSqliteDatabase>): Promise<StoredCodes> {
  const ids = new Map<string, number>();
  for (const row of await database.db.selectFrom('counter_values').select(['id', 'column_name', 'value']).execute()) {
    ids.set(`${row.column_name}\u0000${row.value}`, Number(row.id));
  }
  return {
    ref: (column) => codedCounterColumn(column as CounterCellColumn),
    // A value never stored gets -1, which no row holds.
    lit: (column, value) => (COUNTER_FLAG_COLUMNS.has(column as CounterCellColumn) ? String(Number(value)) : String(ids.get(`${column}\u0000${value}`) ?? -1)),
  };
}

/** SQL for a spec's condition on the coded columns. */
function conditionSql(codes: StoredCodes, condition: ConditionSpec): string {
  const values = (condition.in ?? condition.notIn ?? []).map((value) => codes.lit(condition.column, value)).join(', ');
  return `${codes.ref(condition.column)} ${condition.in ? 'IN' : 'NOT IN'} (${values})`;
}

/** The cell columns a spec reads (dimensions and filters). */
function columnsOf(spec: DatasetSpec): string[] {
  const mapper = createDatasetCellMapper(spec);
  return [...new Set([...mapper.dimensionColumns, ...mapper.filters.map((filter) => filter.column)])];
}

/** One dataset's cells from `source` (the coded counters table, or the single scan's copy of the period's rows). */
function baselineQuery(codes: StoredCodes, spec: DatasetSpec, source = 'coded_counters', periodCondition: string[] = [`period = '${PERIOD}'`]): string {
  const selects: string[] = [];
  const joins: string[] = [];
  spec.dimensions.forEach((dimension, index) => {
    const alias = `d${index}`;
    switch (dimension.kind) {
      case 'column': {
        const labels = Object.entries(dimension.labels ?? {});
        selects.push(
          labels.length === 0
            ? `${codes.ref(dimension.column)} AS ${alias}`
            : `CASE ${labels.map(([stored, label]) => `WHEN ${codes.ref(dimension.column)} = ${codes.lit(dimension.column, /^\d+$/.test(stored) ? Number(stored) : stored)} THEN '${label}'`).join(' ')} END AS ${alias}`,
        );
        break;
      }
      case 'cases':
        selects.push(
          `CASE ${dimension.cases.map((entry) => `WHEN ${entry.when.map((condition) => conditionSql(codes, condition)).join(' AND ')} THEN '${entry.value}'`).join(' ')} ELSE ${dimension.otherwise === null ? 'NULL' : `'${dimension.otherwise}'`} END AS ${alias}`,
        );
        break;
      case 'flags': {
        const options = [...dimension.flags.map((flag) => `SELECT '${flag.value}' AS v`), ...(dimension.none ? [`SELECT '${dimension.none}' AS v`] : [])].join(' UNION ALL ');
        const matches = [
          ...dimension.flags.map((flag) => `(f${index}.v = '${flag.value}' AND ${flag.column} = 1)`),
          ...(dimension.none ? [`(f${index}.v = '${dimension.none}' AND ${dimension.flags.map((flag) => `${flag.column} = 0`).join(' AND ')})`] : []),
        ];
        joins.push(`JOIN (${options}) AS f${index} ON ${matches.join(' OR ')}`);
        selects.push(`f${index}.v AS ${alias}`);
        break;
      }
    }
  });
  const dims = spec.dimensions.map((_, index) => `d${index}`).join(', ');
  const unit = BYTE_UNITS[spec.byteUnit];
  const where = [...periodCondition, ...spec.filters.map((condition) => conditionSql(codes, condition))];
  return `SELECT ${dims}, count(*) AS organizations,
                 sum(min(n, ${spec.bounds.maxTransfersPerCell})) AS transfers,
                 sum(min(round(b * 1.0 / ${unit}), ${spec.bounds.maxBytesPerCell / unit})) AS clamped_bytes
          FROM (SELECT contributor, ${selects.join(', ')}, sum(events) AS n, sum(bytes) AS b
                FROM ${source} ${joins.join(' ')}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}
                GROUP BY contributor, ${dims}) AS per_organization
          WHERE ${spec.dimensions.map((_, index) => `d${index} IS NOT NULL`).join(' AND ')}
          GROUP BY ${dims}`;
}

/**
 * The single-scan baseline: one statement that reads the period's counters once, keeping only the
 * columns some dataset reads (a materialized common table expression), and computes every dataset's
 * cells from that copy, so no dataset scans the counters table again.
 */
function singleScanQuery(codes: StoredCodes, specs: readonly DatasetSpec[]): string {
  const columns = [...new Set(specs.flatMap(columnsOf))].map((column) => codes.ref(column));
  const perDataset = specs.map((spec, index) => {
    const dims = spec.dimensions.map((_, dimension) => `d${dimension}`);
    // Every dataset's cell as one text value, so the per-dataset results share a column list.
    const cell = dims.map((dim) => `coalesce(${dim}, '')`).join(` || '|' || `);
    return `SELECT ${index} AS dataset, ${cell} AS cell, organizations, transfers, clamped_bytes FROM (${baselineQuery(codes, spec, 'period_rows', [])})`;
  });
  return `WITH period_rows AS MATERIALIZED (SELECT contributor, events, bytes, ${columns.join(', ')} FROM coded_counters WHERE period = '${PERIOD}')
          ${perDataset.join('\n UNION ALL ')}`;
}

async function runBaseline(file: string, kind: 'baseline' | 'single-scan'): Promise<Record<string, number>> {
  const database = createSqliteDatabase(`file:${file}`);
  const started = performance.now();
  const codes = await readStoredCodes(database);
  let cells = 0;
  if (kind === 'single-scan') {
    cells = (await sql.raw(singleScanQuery(codes, bundledDatasetSpecs())).execute(database.db)).rows.length;
  } else {
    for (const spec of bundledDatasetSpecs()) {
      const rows = await sql.raw(baselineQuery(codes, spec)).execute(database.db);
      cells += rows.rows.length;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await database.close();
  return { seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, cells };
}

// ---------------------------------------------------------------- orchestration

type Measured = 'release' | 'baseline' | 'single-scan';

function measure(kind: Measured, source: string, folder: string): Record<string, number> {
  const copy = join(folder, `${kind}.sqlite`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
  copyFileSync(source, copy);
  const output = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, '--child', kind, '--file', copy], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, number>;
}

const seconds = (value: number) => `${value.toFixed(2)} s`;

async function main(): Promise<void> {
  if (args.child) {
    const result = args.child === 'release' ? await runRelease(args.file!) : await runBaseline(args.file!, args.child === 'single-scan' ? 'single-scan' : 'baseline');
    console.log(JSON.stringify(result));
    return;
  }
  const orgs = Number(args.orgs);
  const cells = Number(args.cells);
  const runs = Number(args.runs);
  const folder = mkdtempSync(join(tmpdir(), 'bench-release-'));
  const source = args.source ?? join(folder, 'source.sqlite');
  try {
    if (args.source) {
      console.log(`using ${args.source} as generated (${(statSync(args.source).size / 1e6).toFixed(0)} MB)`);
    } else {
      const database = createSqliteDatabase(`file:${source}`);
      await migrateToLatest(database.db);
      await database.close();
      const generationStarted = performance.now();
      generate(source, orgs, cells);
      const sizeMb = statSync(source).size / 1e6;
      console.log(`generated ${orgs} organizations x ${cells} cells = ${orgs * cells} counter rows in ${((performance.now() - generationStarted) / 1000).toFixed(1)} s (${sizeMb.toFixed(0)} MB)`);
    }

    const releases: Record<string, number>[] = [];
    const baselines: Record<string, number>[] = [];
    const singleScans: Record<string, number>[] = [];
    for (let run = 1; run <= runs; run += 1) {
      const baseline = measure('baseline', source, folder);
      const singleScan = measure('single-scan', source, folder);
      const release = measure('release', source, folder);
      baselines.push(baseline);
      singleScans.push(singleScan);
      releases.push(release);
      console.log(
        `run ${run}: release ${seconds(release.seconds!)} (read ${seconds(release.readSeconds!)}, published after ${seconds(release.publishSeconds!)}, retention ${seconds(release.retentionSeconds!)}; ` +
          `CPU read ${seconds(release.readCpuSeconds!)}, to publication ${seconds(release.publishCpuSeconds!)}, retention ${seconds(release.retentionCpuSeconds!)}), ` +
          `peak RSS ${release.peakRssMb!.toFixed(0)} MB, ${release.publishedCells} cells published, ${release.countersDeleted} counters deleted | ` +
          `baseline ${seconds(baseline.seconds!)}, peak RSS ${baseline.peakRssMb!.toFixed(0)} MB, ${baseline.cells} cells | ` +
          `single scan ${seconds(singleScan.seconds!)}, peak RSS ${singleScan.peakRssMb!.toFixed(0)} MB, ${singleScan.cells} cells`,
      );
    }
    const medianOf = (runsOf: Record<string, number>[], field: string) => median(runsOf.map((run) => run[field]!));
    const releaseSeconds = medianOf(releases, 'seconds');
    const baselineSeconds = medianOf(baselines, 'seconds');
    const singleScanSeconds = medianOf(singleScans, 'seconds');
    const round = (value: number) => Number(value.toFixed(2));
    const summary = {
      counterRows: args.source ? undefined : orgs * cells,
      runs,
      loadAverage: loadavg().map(round),
      releaseSecondsMedian: round(releaseSeconds),
      publishSecondsMedian: round(medianOf(releases, 'publishSeconds')),
      retentionSecondsMedian: round(medianOf(releases, 'retentionSeconds')),
      readCpuSecondsMedian: round(medianOf(releases, 'readCpuSeconds')),
      publishCpuSecondsMedian: round(medianOf(releases, 'publishCpuSeconds')),
      retentionCpuSecondsMedian: round(medianOf(releases, 'retentionCpuSeconds')),
      releasePeakRssMbMedian: Math.round(medianOf(releases, 'peakRssMb')),
      baselineSecondsMedian: round(baselineSeconds),
      baselinePeakRssMbMedian: Math.round(medianOf(baselines, 'peakRssMb')),
      singleScanSecondsMedian: round(singleScanSeconds),
      singleScanPeakRssMbMedian: Math.round(medianOf(singleScans, 'peakRssMb')),
      ratioToBaseline: round(releaseSeconds / baselineSeconds),
      ratioToSingleScan: round(releaseSeconds / singleScanSeconds),
      publishRatioToSingleScan: round(medianOf(releases, 'publishSeconds') / singleScanSeconds),
    };
    console.log(JSON.stringify(summary));
    console.log(
      `release ${seconds(releaseSeconds)} (published after ${seconds(summary.publishSecondsMedian)}, retention ${seconds(summary.retentionSecondsMedian)}), peak RSS ${summary.releasePeakRssMbMedian} MB; ` +
        `${summary.ratioToBaseline} x the per-dataset baseline (${seconds(baselineSeconds)}), ${summary.ratioToSingleScan} x the single-scan baseline (${seconds(singleScanSeconds)}); medians of ${runs} run(s)`,
    );
    const goals = [
      [`release <= 5 s including retention (issue 13)`, summary.releaseSecondsMedian <= 5],
      [`peak RSS < 1 GB`, summary.releasePeakRssMbMedian < 1024],
      [`within 3x the per-dataset baseline`, summary.ratioToBaseline <= 3],
    ] as const;
    for (const [goal, met] of goals) console.log(`${met ? 'met    ' : 'MISSED '} ${goal}`);
  } finally {
    if (!args.keep) rmSync(folder, { recursive: true, force: true });
    else console.log(`kept ${folder}`);
  }
}

await main();
