/**
 * The consoles' stylesheet, bundled as a string so that `/console/assets/console.css` needs no file
 * system on either runtime. Plain CSS, system fonts, no external resources; a print section turns
 * each page into a clean report (no navigation or forms, charts sized for paper).
 */
export const CONSOLE_STYLESHEET = `
:root {
  --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa;
  --accent: #0969da; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e;
  color-scheme: light;
}
* { box-sizing: border-box; }
html, body { overflow-wrap: break-word; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
header.console-header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .6rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--panel); }
header.console-header .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
nav.console-nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; list-style: none; }
nav.console-nav a { text-decoration: none; padding: .2rem 0; }
nav.console-nav a[aria-current="page"] { font-weight: 700; border-bottom: 2px solid var(--accent); }
.console-session { margin-left: auto; display: flex; align-items: center; gap: .75rem; color: var(--muted); font-size: .9rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1.25rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .75rem; }
p.lead { color: var(--muted); margin-top: -.5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85em; word-break: break-all; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .75rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; background: var(--bg); }
.card .value { font-size: 1.6rem; font-weight: 700; }
.card .label { color: var(--muted); font-size: .85rem; }
.chart { position: relative; height: 18rem; margin: .5rem 0 1.5rem; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; }
.badge.active, .badge.ok { color: var(--ok); }
.badge.scheduled { color: var(--accent); }
.badge.expired, .badge.none { color: var(--muted); }
.badge.revoked, .badge.broken { color: var(--bad); }
.notice { border-left: 4px solid var(--accent); background: var(--panel); padding: .6rem 1rem; margin: 1rem 0; }
.notice.ok { border-color: var(--ok); }
.notice.error { border-color: var(--bad); }
.notice.warn { border-color: var(--warn); }
.nowrap { white-space: nowrap; }
.period .range { font-size: .85em; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th a.sort { color: inherit; text-decoration: none; }
th a.sort:hover, th a.sort:focus { text-decoration: underline; }
nav.pager { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin: -.25rem 0 1rem; font-size: .9rem; }
.field-error { color: var(--bad); font-weight: 400; font-size: .85rem; }
input[aria-invalid="true"], textarea[aria-invalid="true"], select[aria-invalid="true"] { border-color: var(--bad); border-width: 2px; }
.data-table { max-width: 100%; overflow-x: auto; }
.check { display: flex; gap: .5rem; align-items: start; font-weight: 400; }
.hint { font-weight: 400; font-size: .85rem; }
ol.audit-entries, ul.erasures { list-style: none; padding: 0; margin: .5rem 0 1rem; }
ol.audit-entries li, ul.erasures li.erasure { border-bottom: 1px solid var(--line); padding: .5rem 0; }
.audit-meta { color: var(--muted); font-size: .85rem; }
.audit-sentence, .erasure-title { margin: .15rem 0; }
dl.facts { display: grid; grid-template-columns: minmax(8rem, max-content) minmax(0, 1fr); gap: .3rem 1rem; margin: .5rem 0 1rem; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; }
dl.facts.compact { font-size: .92rem; margin: .25rem 0; }
code.hash { overflow-wrap: anywhere; word-break: break-all; }
.cap-share { display: inline-flex; gap: .4rem; align-items: center; white-space: nowrap; }
.meter { display: inline-block; width: 4rem; height: .55rem; border: 1px solid var(--line); border-radius: 3px; background: var(--bg); overflow: hidden; }
.meter > span { display: block; height: 100%; background: var(--accent); }
.meter > span.high { background: var(--bad); }
details.ledger summary { cursor: pointer; font-weight: 600; margin: 1.5rem 0 .5rem; }
.certificate { max-width: 46rem; }
details.raw summary { cursor: pointer; color: var(--accent); font-size: .85rem; }
details.raw pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .8rem; margin: .25rem 0; }
form.inline { display: inline; }
form.stacked { display: grid; gap: .6rem; max-width: 32rem; padding: 1rem; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: .5rem 0 1rem; }
label { display: grid; gap: .2rem; font-weight: 600; font-size: .9rem; }
label.check { display: flex; gap: .5rem; align-items: start; font-weight: 400; }
input, select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); }
button { font: inherit; padding: .4rem .9rem; border-radius: 4px; border: 1px solid var(--line); background: var(--bg); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { background: var(--bad); border-color: var(--bad); color: #fff; }
button.link { border: 0; background: none; color: var(--accent); padding: 0; text-decoration: underline; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1.5rem; }
.muted { color: var(--muted); }
footer.console-footer { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); }
.phone-more { display: none; }
/* Phones: tables become one card per row, each cell labelled with its column, so nothing scrolls sideways. */
@media (max-width: 40rem) {
  header.console-header { padding: .6rem 1rem; }
  main { padding: 1rem 1rem 2.5rem; }
  .console-session { margin-left: 0; }
  .columns { grid-template-columns: minmax(0, 1fr); }
  form.stacked { max-width: none; }
  input, select, textarea { max-width: 100%; }
  /* Tables not yet built with DataTable scroll inside themselves rather than widening the page. */
  main table { display: block; max-width: 100%; overflow-x: auto; }
  .data-table table, .data-table tbody, .data-table tr, .data-table td { display: block; width: 100%; }
  .data-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .data-table tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .6rem; padding: .3rem .6rem; }
  .data-table td { display: grid; grid-template-columns: minmax(6rem, 40%) minmax(0, 1fr); gap: .5rem; border: 0; padding: .15rem 0; text-align: left; }
  .data-table td.num { text-align: left; }
  .data-table td::before { content: attr(data-label); color: var(--muted); font-weight: 600; font-size: .85rem; }
  .chart { height: 16rem; }
  /* A table with phoneRows: the rows past the first few wait behind a checkbox, where the browser can do that without a script. */
  @supports selector(:has(a)) {
    .phone-more { display: block; margin: 0 0 .6rem; font-weight: 600; }
    .phone-more label { display: inline; }
    .phone-more input { width: 1.1rem; height: 1.1rem; vertical-align: -.15rem; margin: 0 .3rem 0 0; }
    .data-table:has(.phone-more-toggle:not(:checked)) tr.phone-extra { display: none; }
  }
  dl.facts { grid-template-columns: minmax(0, 1fr); gap: .1rem; }
  dl.facts dd { margin-bottom: .4rem; }
}
@media print {
  @page { margin: 1.5cm; }
  body { font-size: 10.5pt; }
  header.console-header nav, .console-session, form, .no-print { display: none !important; }
  header.console-header { background: none; border-bottom: 2px solid #000; padding: 0 0 .3rem; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .chart { height: 7cm; break-inside: avoid; }
  table { break-inside: auto; } tr { break-inside: avoid; }
  th { background: none; border-bottom: 1.5px solid #000; }
  .card { break-inside: avoid; }
  details.raw, nav.pager { display: none !important; }
  .certificate { max-width: none; break-inside: avoid; }
}
`;
