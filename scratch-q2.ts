import SqliteDatabase from 'better-sqlite3';
const db = new SqliteDatabase(process.argv[2]!, { readonly: true });
const t = (label: string, q: string, raw = false) => { const s = performance.now(); let n = 0; const st = db.prepare(q); if (raw) st.raw(true); for (const r of st.iterate()) n++; console.log(label, n, (performance.now() - s).toFixed(0) + 'ms'); };
t('key only', "SELECT contributor, cell_key, events, bytes FROM counters WHERE period='2026-W48'");
t('16 cols', "SELECT contributor, classification, protocol, cross_org, ai_platform, mfa,sso,link_expiry,download_limit,ip_allowlist,watermark,dlp_scan,customer_managed_keys,hash_verified,signature_verified,sector, events, bytes FROM counters WHERE period='2026-W48'");
t('16 cols raw', "SELECT contributor, classification, protocol, cross_org, ai_platform, mfa,sso,link_expiry,download_limit,ip_allowlist,watermark,dlp_scan,customer_managed_keys,hash_verified,signature_verified,sector, events, bytes FROM counters WHERE period='2026-W48'", true);
t('key only all()', "SELECT contributor, cell_key, events, bytes FROM counters WHERE period='2026-W48'");
