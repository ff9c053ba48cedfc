// The report's only stylesheet. Colours are variables with light and dark values; charts use currentColor and
// var(--c-*), so `prefers-color-scheme` themes text, axes and marks alike. Wide content scrolls in its own box.

export const PAGE_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --surface: #f6f8fa; --group: #eef1f4;
  --link: #0969da; --warn-bg: #fff1e5; --warn-fg: #9a3412; --ok-fg: #1a7f37; --on-bar: #ffffff;
  --c-application: #8c959f; --c-init: #8250df; --c-training: #2f6fdb; --c-validation: #0e8a8c; --c-testing: #b7791f;
  --c-checkpoint: #2e9e44; --c-other: #a8b1bb; --c-error: #d1242f; --c-throughput: #c2410c;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --surface: #151b23; --group: #1f2630;
    --link: #4493f8; --warn-bg: #3a2313; --warn-fg: #ffb77c; --ok-fg: #56d364; --on-bar: #0d1117;
    --c-application: #6e7781; --c-init: #b392f0; --c-training: #5b9bff; --c-validation: #2fc2c4; --c-testing: #e3b341;
    --c-checkpoint: #4fd06a; --c-other: #59636e; --c-error: #ff6b6b; --c-throughput: #ff9a5c;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 20px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--border); overflow-wrap: anywhere; }
h3 { font-size: 15px; margin: 0 0 6px; }
section > h3 { margin-top: 18px; }
a { color: var(--link); }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.sub, .meta, figcaption { color: var(--muted); }
.sub { margin: 0; }
nav ul { list-style: none; padding: 0; margin: 12px 0 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }
nav li { min-width: 0; max-width: 100%; overflow-wrap: anywhere; }
.note { padding: 8px 12px; border-left: 3px solid var(--border); background: var(--surface); border-radius: 4px; }
.note.ok { border-left-color: var(--ok-fg); }
.scroll { overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 12px 4px 8px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; white-space: nowrap; }
thead th { border-bottom: 2px solid var(--border); }
.summary-groups { display: grid; grid-template-columns: minmax(0, 1fr); gap: 14px; }
.summary-groups.cards { grid-template-columns: repeat(auto-fill, minmax(min(100%, var(--card-min)), 1fr)); align-items: start; }
.summary-groups.cols-1 { --card-min: 360px; }
.summary-groups.cols-2 { --card-min: 560px; }
.card { border: 1px solid var(--border); border-radius: 8px; }
.summary-groups:not(.cards) table.summary { min-width: 100%; }
.cards table.summary { width: 100%; }
.cards table.summary th[scope="row"] { white-space: normal; min-width: 8em; }
table.summary thead th { background: var(--group); border-bottom: 1px solid var(--border); }
table.summary thead th:first-child { font-weight: 700; }
table.summary tr:last-child > * { border-bottom: 0; }
table.summary th[scope="row"] { position: sticky; left: 0; z-index: 1; background: var(--bg); font-weight: 500; color: var(--muted); }
table.summary thead th:first-child { position: sticky; left: 0; z-index: 2; }
td.warn { background: var(--warn-bg); color: var(--warn-fg); font-weight: 600; }
td.message { white-space: pre-wrap; min-width: 24ch; max-width: 70ch; overflow-wrap: anywhere; }
.note.warn { border-left-color: var(--warn-fg); background: var(--warn-bg); }
.note.warn ul { margin: 6px 0; padding-left: 20px; }
th.num, td.num { text-align: right; }
table.ranks tr.straggler > td { background: var(--warn-bg); color: var(--warn-fg); font-weight: 600; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11.5px; font-weight: 600; background: var(--c-error); color: var(--on-bar); }
figure { margin: 16px 0; padding: 12px; border: 1px solid var(--border); border-radius: 8px; background: var(--surface); min-width: 0; }
figure .chart { overflow-x: auto; }
figure svg.ol-plot { --plot-background: var(--surface); display: block; width: 100%; height: auto; max-width: none; min-width: 640px; }
figcaption { font-size: 12.5px; margin-top: 6px; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 2px 16px; padding: 0; margin: 0 0 6px; font-size: 12.5px; }
.legend li { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; background: var(--swatch); }
.swatch.box { border-radius: 2px; }
.swatch.dot { border-radius: 50%; width: 9px; height: 9px; }
.swatch.line { width: 3px; height: 14px; }
.swatch.dash { height: 0; width: 16px; background: none; border-top: 2px dashed var(--swatch); }
.swatch.diamond { width: 9px; height: 9px; transform: rotate(45deg); }
.swatch.cross { background: none; color: var(--swatch); width: auto; height: auto; font-weight: 700; line-height: 1; }
.swatch.cross::before { content: "✕"; }
footer { color: var(--muted); font-size: 12.5px; padding-top: 24px; padding-bottom: 32px; }
@media (max-width: 600px) {
  header, main, footer { padding-left: 10px; padding-right: 10px; }
  h1 { font-size: 20px; }
  figure { padding: 8px; margin-left: -4px; margin-right: -4px; }
  figure svg.ol-plot { min-width: 720px; }
  table.summary th[scope="row"] { white-space: normal; min-width: 9em; }
}
`;
