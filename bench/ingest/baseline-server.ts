/**
 * The bare baseline for the ingest benchmark: node:http, JSON.parse, and per-event counter upserts into the
 * same counters table with better-sqlite3 (one transaction per batch). No authentication, no
 * validation, no identifier stripping, no replay protection: the floor our service is compared with.
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
const columns = ['period', 'contributor', ...COUNTER_CELL_COLUMNS, 'cell_key'];
const upsert = db.prepare(
  `INSERT INTO counters (${columns.join(', ')}, events, bytes) VALUES (${columns.map(() => '?').join(', ')}, 1, ?)
   ON CONFLICT (period, contributor, cell_key) DO UPDATE SET events = events + 1, bytes = bytes + excluded.bytes`,
);

interface RawEvent {
  occurredAt: string;
  transfer: { protocol: string; direction: string; crossOrg: boolean; sizeBytes: number; outcome: string };
  content: { classification: string; aiPlatform: string };
  controls: Record<string, boolean>;
  integrity: { hashVerified: boolean; signatureVerified: boolean };
  geo: { country: string };
}

const flag = (value: boolean | undefined) => (value ? 1 : 0);
const writeBatch = db.transaction((events: RawEvent[]) => {
  for (const event of events) {
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
      flag(event.integrity.hashVerified),
      flag(event.integrity.signatureVerified),
      event.geo.country,
      'sector',
      'size',
    ];
    upsert.run(event.occurredAt.slice(0, 10), 'baseline', ...cell, cell.join('|'), event.transfer.sizeBytes);
  }
});

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: RawEvent[] };
    writeBatch(batch.events);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ accepted: batch.events.length }));
  });
}).listen(Number(values.port), '127.0.0.1', () => console.log('ready'));
