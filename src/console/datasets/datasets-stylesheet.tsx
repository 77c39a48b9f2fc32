/**
 * Styles of the researchers' pages that the shared console stylesheet does not have: the trend
 * view's controls, tabs and legend, the "About this data" panel, and tables that fit a phone. The
 * CSP admits inline styles, so the block travels with the page.
 */
const DATASETS_CSS = `
.about { border: 1px solid var(--line); border-radius: 6px; background: var(--panel); padding: .25rem 1rem .75rem; margin: 1rem 0 1.5rem; }
details.about, details.methodology { border: 1px solid var(--line); border-radius: 6px; padding: .25rem 1rem; margin: 1rem 0 1.5rem; }
details.about { background: var(--panel); }
details.about > summary, details.methodology > summary { cursor: pointer; padding: .5rem 0; }
details.about > summary h2, details.methodology > summary h2 { display: inline; margin: 0; font-size: 1.25rem; }
.summary-line { display: block; margin: .2rem 0 0 1.1rem; font-weight: 600; }
details.methodology .summary-line { font-weight: 400; color: var(--muted); }
details[open].about, details[open].methodology { padding-bottom: .75rem; }
.about dt { font-weight: 600; margin-top: .5rem; }
.about dd { margin: .1rem 0 0; }
.trend-controls { display: flex; flex-wrap: wrap; gap: .75rem 1.25rem; align-items: end; margin: .75rem 0; }
.trend-controls select { max-width: 100%; }
fieldset.key-picker { flex: 1 1 24rem; min-width: 0; margin: 0; padding: .25rem .75rem .5rem; border: 1px solid var(--line); border-radius: 6px; }
fieldset.key-picker > legend { padding: 0 .25rem; }
.key-picker-scroll { max-height: 16rem; overflow-y: auto; overscroll-behavior: contain; }
fieldset.key-group { border: 0; margin: 0; padding: 0 0 .35rem; min-width: 0; }
fieldset.key-group > legend { font-weight: 600; padding: .35rem 0 0; }
label.key-choice { display: block; padding: .2rem 0 .2rem 1.6rem; text-indent: -1.6rem; min-width: 0; font-weight: 400; font-size: .95rem; }
label.key-choice input { width: 1.1rem; height: 1.1rem; margin: 0 .4rem 0 0; vertical-align: -.15rem; }
.trend-controls label { min-width: 0; max-width: 100%; }
.tabs { display: flex; flex-wrap: wrap; gap: .25rem; border-bottom: 1px solid var(--line); margin: 1rem 0 .75rem; padding: 0; list-style: none; }
.tabs a { display: inline-block; padding: .35rem .9rem; border: 1px solid transparent; border-bottom: 0; border-radius: 4px 4px 0 0; text-decoration: none; }
.tabs a[aria-current="page"] { border-color: var(--line); background: var(--bg); font-weight: 700; margin-bottom: -1px; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; margin: .25rem 0 1rem; list-style: none; font-size: .9rem; }
.swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: 2px; vertical-align: -.1rem; margin-right: .35rem; }
.trend-chart { height: 22rem; }
td.gap, span.gap { color: var(--muted); font-style: italic; }
.table-scroll { max-width: 100%; overflow-x: auto; }
.key-counts { font-weight: 600; }
nav.jump { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; margin: 0 0 .5rem; }
#release-table .interval { white-space: nowrap; }
#release-table td.gap { font-style: italic; color: var(--muted); }
dl.stacked dt { font-weight: 600; margin-top: .6rem; }
dl.stacked dd { margin: .1rem 0 0; }
details.rationale summary { cursor: pointer; color: var(--accent); }
dl.stacked dd ul { padding-left: 1.25rem; margin: .25rem 0; }
@media (max-width: 40rem) {
  main { padding: 1rem .75rem 2rem; }
  header.console-header { padding: .6rem .75rem; }
  .trend-chart { height: 18rem; }
  .trend-controls > label, .trend-controls select { width: 100%; }
  fieldset.key-picker { flex-basis: 100%; }
  .key-picker-scroll { max-height: 50vh; }
  .cards { grid-template-columns: 1fr; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
  table.stack tr { border-bottom: 1px solid var(--line); padding: .35rem 0; }
  table.stack td { border: 0; padding: .1rem .25rem; text-align: left; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-weight: 600; }
  /* A key's card: its dimension values on one line as its title, then one line per value. */
  #release-table td.key-dimension { display: inline; font-weight: 600; padding: 0; }
  #release-table td.key-dimension::before { content: none; }
  #release-table td.key-dimension + td.key-dimension::before { content: " · "; color: var(--muted); font-size: inherit; }
  #release-table .interval { white-space: normal; }
  /* Short card labels ("Bytes, MB") leave the value and its interval room for one line. */
  #release-table td { grid-template-columns: 7.5rem minmax(0, 1fr); }
  #release-table td.key-trend { display: inline; padding: 0 0 0 .6rem; white-space: nowrap; }
  #release-table td.key-trend::before { content: none; }
  /* A release's card: period and key counts as its title, the three ids side by side. */
  #releases-table td.release-period, #releases-table td.release-keys { display: inline; padding: 0; }
  #releases-table td.release-period { font-weight: 600; margin-right: .5rem; }
  #releases-table td.release-period::before, #releases-table td.release-keys::before { content: none; }
  #releases-table td.release-id { display: inline-block; width: auto; margin-right: .9rem; }
  #releases-table td.release-id::before { margin-right: .3rem; }
  ul.downloads { padding-left: 1.1rem; font-size: .92rem; }
  form.key-filters { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .5rem .75rem; }
  form.key-filters select { width: 100%; }
}
`;

export function DatasetsStyle() {
  return <style dangerouslySetInnerHTML={{ __html: DATASETS_CSS }} />;
}
