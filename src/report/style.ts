/** The report's stylesheet, inline in the page (no external CSS). */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1c2430; --muted: #5f6b7a; --line: #dde3ea; --card: #ffffff; --page: #f4f6f9; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 1020px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 8px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
.intro, .muted, figcaption { color: var(--muted); }
.muted { font-size: 13px; }
footer { padding-bottom: 32px; }
figure { margin: 0; }
.chart { display: block; max-width: 100%; height: auto; }
.chart text { font-size: 11px; fill: var(--muted); }
.chart .axis-title { font-size: 12px; }
.chart .total { fill: var(--ink); font-weight: 600; }
.chart line.grid { stroke: var(--line); stroke-width: 1; }
.chart line.zero { stroke: #9aa5b1; stroke-width: 1; }
.chart rect:hover { opacity: 0.8; }
.legend { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; color: var(--ink); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 16px; }
.tile { flex: 1 1 170px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.tile .value { font-size: 24px; font-weight: 650; }
.tile .label { color: var(--ink); }
.tile .note { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
caption { text-align: left; color: var(--muted); padding-bottom: 6px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; vertical-align: top; }
thead th { text-align: left; color: var(--muted); font-weight: 600; }
table.numbers td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.numbers td.text, table.numbers td.pattern { text-align: left; }
table.numbers th[scope=row] { text-align: left; font-weight: 500; white-space: nowrap; }
tr.strong th, tr.strong td, td.strong { font-weight: 650; }
.backtest td.pattern { color: var(--muted); font-size: 12px; }
.scroll { overflow-x: auto; }
.pair { display: flex; flex-wrap: wrap; gap: 16px; }
.half { flex: 1 1 460px; }
.risk td.id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: nowrap; }
.risk td.score { white-space: nowrap; font-weight: 650; }
.meter { display: inline-block; width: 60px; height: 8px; background: var(--line); border-radius: 4px; margin-right: 6px; vertical-align: middle; overflow: hidden; }
.meter span { display: block; height: 100%; background: #6a1b9a; }
.reasons { margin: 0; padding-left: 16px; }
.empty { color: var(--muted); font-style: italic; }
@media print { body { background: #fff; } section { break-inside: avoid; border: none; } }
`;
