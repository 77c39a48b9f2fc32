import SqliteDatabase from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
const src = process.argv[2]!;
function open() { copyFileSync(src, '/tmp/del.sqlite'); const w = new SqliteDatabase('/tmp/del.sqlite'); w.pragma('journal_mode = WAL'); w.pragma('synchronous = NORMAL'); return w; }
{ const w = open(); const s = performance.now(); w.prepare("DELETE FROM counters WHERE period = ?").run('2026-W48'); console.log('single', (performance.now() - s).toFixed(0)); w.close(); }
for (const chunk of [20000, 100000, 500000]) {
  const w = open(); const s = performance.now();
  const del = w.prepare("DELETE FROM counters WHERE period = ? AND contributor <= (SELECT max(page.contributor) FROM (SELECT contributor FROM counters WHERE period = ? ORDER BY contributor LIMIT ?) AS page)");
  let n = 0; for (;;) { const r = del.run('2026-W48', '2026-W48', chunk); if (!r.changes) break; n++; }
  console.log('chunk', chunk, n, (performance.now() - s).toFixed(0)); w.close();
}
{ const w = open(); const s = performance.now();
  const ids = w.prepare("SELECT DISTINCT contributor FROM counters WHERE period = ? ORDER BY contributor").pluck().all('2026-W48') as string[];
  const del = w.prepare("DELETE FROM counters WHERE period = ? AND contributor >= ? AND contributor <= ?");
  for (let i = 0; i < ids.length; i += 100) del.run('2026-W48', ids[i], ids[Math.min(ids.length - 1, i + 99)]);
  console.log('ranges by contributor list', (performance.now() - s).toFixed(0)); w.close(); }
