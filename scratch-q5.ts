import SqliteDatabase from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
for (const cache of [-2000, -262144]) {
copyFileSync(process.argv[2]!, '/tmp/del.sqlite');
const w = new SqliteDatabase('/tmp/del.sqlite'); w.pragma('journal_mode = WAL'); w.pragma('synchronous = NORMAL'); w.pragma(`cache_size = ${cache}`);
const cols = "contributor, cell_key, events, bytes, classification, protocol, cross_org, ai_platform, mfa,sso,link_expiry,download_limit,ip_allowlist,watermark,dlp_scan,customer_managed_keys,hash_verified,signature_verified,sector";
let s = performance.now(); let n = 0; for (const r of w.prepare(`SELECT ${cols} FROM counters WHERE period = ? ORDER BY contributor, cell_key`).iterate('2026-W48')) n++; console.log(cache, 'read', n, (performance.now() - s).toFixed(0) + 'ms');
s = performance.now(); const r = w.prepare("DELETE FROM counters WHERE period = ?").run('2026-W48'); console.log(cache, 'delete', r.changes, (performance.now() - s).toFixed(0) + 'ms');
w.close();
}
copyFileSync(process.argv[2]!, '/tmp/del.sqlite');
const w = new SqliteDatabase('/tmp/del.sqlite'); w.pragma('journal_mode = WAL'); w.pragma('synchronous = NORMAL');
const contributors = w.prepare("SELECT DISTINCT contributor FROM counters WHERE period = ?").pluck().all('2026-W48') as string[];
let s = performance.now(); let total = 0;
const del = w.prepare("DELETE FROM counters WHERE period = ? AND contributor <= (SELECT max(contributor) FROM (SELECT contributor FROM counters WHERE period = ? ORDER BY contributor LIMIT 50000))");
for (;;) { const r = del.run('2026-W48', '2026-W48'); total += r.changes; if (r.changes === 0) break; }
console.log('chunked delete', total, (performance.now() - s).toFixed(0) + 'ms', contributors.length);
