import SqliteDatabase from 'better-sqlite3';
const db = new SqliteDatabase(process.argv[2]!, { readonly: true });
const q = "SELECT contributor, cell_key, events, bytes, classification, protocol, cross_org, ai_platform, mfa,sso,link_expiry,download_limit,ip_allowlist,watermark,dlp_scan,customer_managed_keys,hash_verified,signature_verified,sector FROM counters WHERE period = ? AND (contributor, cell_key) > (?, ?) ORDER BY contributor, cell_key LIMIT 50000";
console.log(db.prepare('EXPLAIN QUERY PLAN ' + q).all('2026-W48', '', ''));
let s = performance.now(); const rows = db.prepare(q).all('2026-W48', '', ''); console.log('page1', rows.length, (performance.now() - s).toFixed(0));
const q0 = "SELECT contributor, cell_key, events, bytes, classification, protocol, cross_org, ai_platform, mfa,sso,link_expiry,download_limit,ip_allowlist,watermark,dlp_scan,customer_managed_keys,hash_verified,signature_verified,sector FROM counters WHERE period = ? ORDER BY contributor, cell_key LIMIT 50000";
console.log(db.prepare('EXPLAIN QUERY PLAN ' + q0).all('2026-W48'));
s = performance.now(); const r0 = db.prepare(q0).all('2026-W48'); console.log('page0', r0.length, (performance.now() - s).toFixed(0));
