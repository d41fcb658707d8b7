/**
 * The static parts of the report page: style and the browser script that draws the charts from the
 * JSON block. Kept free of data: everything external reaches the page escaped, through html.ts.
 */

export const PAGE_STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 24px 32px 64px; color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 36px 0 4px; padding-top: 12px; border-top: 1px solid var(--line); }
p.lead, p.note { color: var(--muted); margin: 0 0 12px; }
ul.runs { margin: 4px 0 12px; padding-left: 20px; }
nav ul { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; padding: 0; margin: 12px 0 0; }
a { color: #0969da; }
.verdict { border: 1px solid var(--line); border-left-width: 6px; padding: 8px 14px; border-radius: 6px; margin: 12px 0; }
.verdict p { margin: 4px 0; }
.verdict-fail { border-color: #cf222e; background: #ffebe9; }
.verdict-pass { border-color: #1a7f37; background: #dafbe1; }
.verdict-none { border-color: var(--warn); background: #fff8c5; }
tr.check-fail td:nth-last-child(2) { color: #cf222e; font-weight: 600; }
tr:target { outline: 2px solid #0969da; }
.banner { border: 1px solid var(--warn); background: #fff8c5; padding: 8px 12px; border-radius: 6px; margin: 12px 0; }
.chart { width: 100%; min-height: 160px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 8px 0; }
caption { text-align: left; color: var(--muted); padding-bottom: 6px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; white-space: nowrap; }
tbody th { font-weight: 600; min-width: 160px; max-width: 300px; overflow-wrap: anywhere; }
td { white-space: pre-line; overflow-wrap: break-word; }
table.details td:last-child, table.checks td:last-child { min-width: 220px; }
table.costs td:last-child { min-width: 220px; max-width: 640px; overflow-wrap: anywhere; }
details > summary { cursor: pointer; margin: 12px 0 4px; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
td.run { max-width: 180px; overflow-wrap: anywhere; font-size: 13px; }
tr.verdict-row-regressed td:last-child { color: #cf222e; font-weight: 600; }
table.context td, table.options td { max-width: 520px; overflow-wrap: anywhere; }
table.context, table.options { width: 100%; table-layout: fixed; }
table.context th:first-child, table.options th:first-child { width: 200px; }
table.context thead th, table.options thead th { white-space: normal; overflow-wrap: anywhere; }
`;

/**
 * Runs in the page after ECharts: reads the JSON block, draws every chart (no animation, so what is
 * drawn is final at load), formats tooltip values by unit, and resizes with the window.
 */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var digits = { ms: 1, 'tokens/s': 1, calls: 0, tokens: 0 };
  function formatter(unit) {
    var format = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits[unit] });
    return function (value) {
      return typeof value === 'number' ? format.format(value) + ' ' + unit : String(value);
    };
  }
  var charts = report.charts.map(function (spec) {
    var el = document.getElementById(spec.id);
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    var option = spec.option;
    option.tooltip = Object.assign({}, option.tooltip, { valueFormatter: formatter(spec.unit), confine: true });
    chart.setOption(option);
    return chart;
  });
  window.addEventListener('resize', function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
`;
