import type { RunRecord } from '../../records/run-record.ts';
import { buildCharts } from './charts.ts';
import { buildReportData, type ReportData } from './data.ts';
import { escapeHtml, jsonForScript, scriptSafeSource } from './escape.ts';
import { PAGE_SCRIPT, PAGE_STYLE } from './page.ts';
import { contextTable, optionsTable, summaryTable } from './tables.ts';

export interface HtmlReportOptions {
  /** Contents of echarts/dist/echarts.min.js (see `loadEchartsSource()`), inlined so the file works offline. */
  echartsSource: string;
  /** @default 'converse-bench report' */
  title?: string;
}

/**
 * Nothing may load from the network: inline script and style only, images from data: URLs (ECharts'
 * own export), no fonts, no connections.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:";

/**
 * One self-contained HTML page for one run record or a comparison of several: context, summary
 * table and ECharts charts of ok measured calls. Pure: returns the page; a sink writes it.
 */
export function renderHtmlReport(runs: RunRecord[], opts: HtmlReportOptions): string {
  const title = opts.title ?? 'converse-bench report';
  const data = buildReportData(runs);
  const charts = buildCharts(data);
  const sections = charts.map(
    (chart) =>
      `<section aria-labelledby="${chart.id}-title">\n<h2 id="${chart.id}-title">${escapeHtml(chart.title)}</h2>\n` +
      `<p class="note">${escapeHtml(chart.description)}</p>\n` +
      `<div class="chart" id="${chart.id}" role="img" aria-label="${escapeHtml(chart.title)}" style="height:${chart.height}px"></div>\n</section>`,
  );
  const navItems = [
    ['context', 'Context'],
    ['summary', 'Summary table'],
    ...charts.map((c) => [c.id, c.title]),
    ...(data.models.length > 0 && !charts.some((c) => c.id === 'chart-errors')
      ? [['errors', 'Failed calls']]
      : []),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
${header(data)}
<nav aria-label="Sections"><ul>${navItems.map(([id, text]) => `<li><a href="#${id}">${escapeHtml(text ?? '')}</a></li>`).join('')}</ul></nav>
</header>
<main>
${body(data, sections)}
</main>
<script type="application/json" id="report-data">${jsonForScript({ charts })}</script>
<script>${scriptSafeSource(opts.echartsSource)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function header(data: ReportData): string {
  if (data.runs.length === 0) return '<p class="lead">No run records were given: nothing to report.</p>';
  const models = data.models.length;
  const lead =
    data.runs.length > 1
      ? `Comparison of ${data.runs.length} runs, ${models} model${models === 1 ? '' : 's'}, drawn side by side per run.`
      : `One run, ${models} model${models === 1 ? '' : 's'}.`;
  const interrupted = data.runs.filter((r) => r.context.interrupted);
  const banner =
    interrupted.length === 0
      ? ''
      : `<p class="banner" role="alert">Interrupted before every call completed: ${interrupted.map((r) => escapeHtml(r.label)).join(', ')}. Figures cover the calls that finished.</p>`;
  return `<p class="lead">${escapeHtml(lead)}</p>\n<ul class="runs">${data.runs
    .map(
      (r) =>
        `<li>${escapeHtml(r.label)}: ${escapeHtml(`${r.context.target}, ${r.context.region}, ${r.context.transport}`)}</li>`,
    )
    .join('')}</ul>\n${banner}`;
}

function options(data: ReportData): string {
  const table = optionsTable(data);
  if (table === '') return '<p class="note">No models: no options recorded.</p>';
  return `<details><summary>Options the models ran with</summary>\n<div class="table-wrap">${table}</div></details>`;
}

function body(data: ReportData, sections: string[]): string {
  if (data.runs.length === 0) return '';
  const context = `<section aria-labelledby="context"><h2 id="context">Context</h2>\n<div class="table-wrap">${contextTable(data)}</div>\n${options(data)}</section>`;
  if (data.models.length === 0) {
    return `${context}\n<section><h2 id="summary">Summary table</h2><p class="note">These runs benchmarked no model.</p></section>`;
  }
  const summary = `<section aria-labelledby="summary"><h2 id="summary">Summary table</h2>\n<div class="table-wrap">${summaryTable(data)}</div></section>`;
  const noErrors = sections.some((s) => s.includes('id="chart-errors"'))
    ? ''
    : '<section aria-labelledby="errors"><h2 id="errors">Failed calls</h2><p class="note">No measured call failed.</p></section>';
  return [context, summary, ...sections, noErrors].join('\n');
}
