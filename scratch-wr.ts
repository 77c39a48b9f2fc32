import SqliteDatabase from 'better-sqlite3';
import { copyFileSync, rmSync } from 'node:fs';
for (const s of ['', '-wal', '-shm']) rmSync('/tmp/wr.sqlite' + s, { force: true });
copyFileSync(process.argv[2]!, '/tmp/wr.sqlite');
const db = new SqliteDatabase('/tmp/wr.sqlite'); db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL');
const ddl = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'counters'").pluck().get() as string);
let t = performance.now();
db.exec(ddl.replace('CREATE TABLE "counters"', 'CREATE TABLE counters2').replace(/CREATE TABLE counters\b/, 'CREATE TABLE counters2') + ' WITHOUT ROWID');
db.exec('INSERT INTO counters2 SELECT * FROM counters ORDER BY period, contributor, cell_key');
console.log('copy', (performance.now() - t).toFixed(0));
const cols = "contributor, cell_key, events, bytes, classification, protocol, cross_org, ai_platform, mfa,sso,link_expiry,download_limit,ip_allowlist,watermark,dlp_scan,customer_managed_keys,hash_verified,signature_verified,sector";
for (const table of ['counters', 'counters2']) {
  t = performance.now(); let n = 0; for (const r of db.prepare(`SELECT ${cols} FROM ${table} WHERE period = ? ORDER BY contributor, cell_key`).iterate('2026-W48')) n++;
  console.log(table, 'read', n, (performance.now() - t).toFixed(0));
}
for (const table of ['counters', 'counters2']) {
  t = performance.now(); const r = db.prepare(`DELETE FROM ${table} WHERE period = ?`).run('2026-W48');
  console.log(table, 'delete', r.changes, (performance.now() - t).toFixed(0));
}
