import SqliteDatabase from 'better-sqlite3';
const db = new SqliteDatabase(process.argv[2]!, { readonly: true });
const t = (label: string, q: string) => { const s = performance.now(); const rows = db.prepare(q).all(); console.log(label, rows.length, (performance.now() - s).toFixed(0) + 'ms'); };
t('pages', "SELECT contributor, count(*) FROM counters WHERE period='2026-W48' GROUP BY contributor ORDER BY contributor");
t('volume grouped', "SELECT contributor, classification, protocol, cross_org, sum(events), sum(bytes) FROM counters WHERE period='2026-W48' AND classification IN ('ai_generated_document','ai_generated_code','training_dataset','model_artifact','inference_output') GROUP BY contributor, classification, protocol, cross_org ORDER BY contributor");
t('volume raw', "SELECT contributor, classification, protocol, cross_org, events, bytes FROM counters WHERE period='2026-W48' AND classification IN ('ai_generated_document','ai_generated_code','training_dataset','model_artifact','inference_output')");
t('all raw', "SELECT contributor, classification, protocol, cross_org, ai_platform, mfa,sso,link_expiry,download_limit,ip_allowlist,watermark,dlp_scan,customer_managed_keys,hash_verified,signature_verified,sector, events, bytes FROM counters WHERE period='2026-W48'");
t('raw count', "SELECT count(*) FROM counters WHERE period='2026-W48'");
console.log(db.prepare("EXPLAIN QUERY PLAN SELECT contributor, classification, protocol, cross_org, sum(events), sum(bytes) FROM counters WHERE period='2026-W48' AND classification IN ('a') GROUP BY contributor, classification, protocol, cross_org ORDER BY contributor").all());
