/**
 * The bare baseline for the ingest benchmark: node:http, JSON.parse, keyed dedup (one primary-key insert
 * per event id) and grouped counter upserts (one per distinct cell of the batch) into a wide counters
 * table of its own with better-sqlite3, one transaction per batch. No authentication, no validation, no
 * identifier stripping, no consent gate, no tallies: the floor our service is compared with.
 *
 * Its table has the shape the service's counters had before migration 0005 (the twenty-four cell
 * values as they are, plus their joined key as the primary key), so the ratio stays comparable with
 * runs measured before the service stored its counters coded.
 * Args: --port P --database FILE
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { COUNTER_CELL_COLUMNS } from '../../src/db/schema';

const { values } = parseArgs({ options: { port: { type: 'string' }, database: { type: 'string' } } });
const db = new SqliteDatabase(values.database ?? ':memory:');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE IF NOT EXISTS baseline_seen (event_id TEXT PRIMARY KEY) WITHOUT ROWID');
const remember = db.prepare('INSERT OR IGNORE INTO baseline_seen (event_id) VALUES (?)');
db.exec(
  `CREATE TABLE IF NOT EXISTS baseline_counters (period TEXT NOT NULL, contributor TEXT NOT NULL, ${COUNTER_CELL_COLUMNS.map((column) => `${column} NOT NULL`).join(', ')},
     cell_key TEXT NOT NULL, events INTEGER NOT NULL, bytes INTEGER NOT NULL, PRIMARY KEY (period, contributor, cell_key)) WITHOUT ROWID`,
);
const columns = ['period', 'contributor', ...COUNTER_CELL_COLUMNS, 'cell_key'];
const upsert = db.prepare(
  `INSERT INTO baseline_counters (${columns.join(', ')}, events, bytes) VALUES (${columns.map(() => '?').join(', ')}, ?, ?)
   ON CONFLICT (period, contributor, cell_key) DO UPDATE SET events = events + excluded.events, bytes = bytes + excluded.bytes`,
);

interface RawEvent {
  eventId: string;
  occurredAt: string;
  transfer: { protocol: string; direction: string; crossOrg: boolean; sizeBytes: number; outcome: string };
  content: { classification: string; aiPlatform: string; artifactClass?: string };
  controls: Record<string, boolean>;
  /** Version 1: the two flags; version 2: the evidence and custody fields. */
  integrity: { hashVerified?: boolean; signatureVerified?: boolean; evidence?: string; attestationKind?: string; chainOfCustodyRecorded?: boolean };
  geo: { country: string };
}

const flag = (value: boolean | undefined) => (value ? 1 : 0);
const writeBatch = db.transaction((events: RawEvent[]) => {
  const cells = new Map<string, { values: (string | number)[]; events: number; bytes: number }>();
  let accepted = 0;
  for (const event of events) {
    if (remember.run(event.eventId).changes === 0) continue;
    accepted += 1;
    const c = event.controls;
    const cell = [
      event.transfer.protocol,
      event.transfer.direction,
      flag(event.transfer.crossOrg),
      event.transfer.outcome,
      String(Math.floor(Math.log10(Math.max(1, event.transfer.sizeBytes)))),
      event.content.classification,
      event.content.aiPlatform,
      flag(c.mfa),
      flag(c.sso),
      flag(c.linkExpiry),
      flag(c.downloadLimit),
      flag(c.ipAllowlist),
      flag(c.watermark),
      flag(c.dlpScan),
      flag(c.customerManagedKeys),
      flag(event.integrity.hashVerified ?? event.integrity.evidence !== 'none'),
      flag(event.integrity.signatureVerified ?? event.integrity.evidence?.endsWith('_verified')),
      event.geo.country,
      'sector',
      'size',
      // Contract v2 dimensions; a version 1 event stores them as unknown.
      event.content.artifactClass ?? 'unknown',
      event.integrity.evidence ?? 'unknown',
      event.integrity.attestationKind ?? 'unknown',
      event.integrity.chainOfCustodyRecorded === undefined ? 'unknown' : String(flag(event.integrity.chainOfCustodyRecorded)),
    ];
    const key = cell.join('|');
    const grouped = cells.get(key) ?? { values: [event.occurredAt.slice(0, 10), 'baseline', ...cell, key], events: 0, bytes: 0 };
    grouped.events += 1;
    grouped.bytes += event.transfer.sizeBytes;
    cells.set(key, grouped);
  }
  for (const { values: cellValues, events: count, bytes } of cells.values()) upsert.run(...cellValues, count, bytes);
  return accepted;
});

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: RawEvent[] };
    const accepted = writeBatch(batch.events);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ accepted }));
  });
}).listen(Number(values.port), '127.0.0.1', () => console.log('ready'));
