import { COMPARE_DEFAULTS, compareRuns, type RunComparison } from '../../compare/compare-runs.ts';
import { timeScaleReason } from '../../gate/client-noise.ts';
import { runVerdictLine } from '../../gate/family.ts';
import type { RunRecord } from '../../records/run-record.ts';
import { buildCharts } from './charts.ts';
import { buildReportData, type ReportData } from './data.ts';
import { escapeHtml, jsonForScript, scriptSafeSource } from './escape.ts';
import { PAGE_SCRIPT, PAGE_STYLE } from './page.ts';
import { checkId, contextTable, optionsTable, summaryTables } from './tables.ts';
import { comparisonBannerLines, verdictTable } from './verdicts.ts';

export interface HtmlReportOptions {
  /** Contents of echarts/dist/echarts.min.js (see `loadEchartsSource()`), inlined so the file works offline. */
  echartsSource: string;
  /** @default 'converse-bench report' */
  title?: string;
  /**
   * With several runs: the comparison of the newest with the others (verdicts in the banner and a
   * table). @default compareRuns with `compare`'s defaults
   */
  comparison?: RunComparison;
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
  const last = runs.at(-1);
  const comparison =
    opts.comparison ??
    (runs.length > 1 && last !== undefined
      ? compareRuns(runs.slice(0, -1), last, COMPARE_DEFAULTS)
      : undefined);
  const charts = buildCharts(data);
  const sections = charts.map(
    (chart) =>
      `<section aria-labelledby="${chart.id}-title">\n<h2 id="${chart.id}-title">${escapeHtml(chart.title)}</h2>\n` +
      `<p class="note">${escapeHtml(chart.description)}</p>\n` +
      `<div class="chart" id="${chart.id}" role="img" aria-label="${escapeHtml(chart.title)}" style="height:${chart.height}px"></div>\n</section>`,
  );
  const navItems = [
    ...(comparison === undefined ? [] : [['verdicts', 'Verdicts']]),
    ['summary', 'Summary tables'],
    ['context', 'Context'],
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
${verdictBanner(data, comparison)}
${header(data)}
<nav aria-label="Sections"><ul>${navItems.map(([id, text]) => `<li><a href="#${id}">${escapeHtml(text ?? '')}</a></li>`).join('')}</ul></nav>
</header>
<main>
${body(data, sections, comparison)}
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
  const lead =
    data.runs.length > 1
      ? `Comparison of ${data.runs.length} runs, ${countText(data)}, drawn side by side per run.`
      : `One run, ${countText(data)}.`;
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

/** `4 models` or, when APIs, latency modes or sweep levels split them, `4 models in 8 series`. */
function countText(data: ReportData): string {
  const models = new Set(data.models.map((m) => m.modelId)).size;
  const series = data.models.length;
  const text = `${models} model${models === 1 ? '' : 's'}`;
  return series === models ? text : `${text} in ${series} series (by API, latency mode and level)`;
}

/**
 * The gate's outcome first: the checks of the run (in a comparison, of the newest run) by status, each
 * failed one a link to its row, the models no check covered, and a time-scaled run said as such.
 */
function verdictBanner(data: ReportData, comparison: RunComparison | undefined): string {
  const r = data.runs.length - 1;
  const run = data.runs[r];
  if (run === undefined) return '';
  const cells = data.models.flatMap((model, m) => {
    const cell = data.cells[r]?.[m];
    return cell === undefined ? [] : [{ model, m, cell }];
  });
  const checks = cells.flatMap(({ model, m, cell }) =>
    cell.model.checks.map((check, i) => ({ model, check, id: checkId(m, r, i) })),
  );
  const failed = checks.filter((c) => c.check.status === 'fail');
  const inconclusive = checks.filter((c) => c.check.status === 'inconclusive');
  const noBudget = cells.filter(({ cell }) =>
    cell.model.checks.some((c) => c.name === 'budget' && c.line.startsWith('no budget')),
  );
  const notJudged = [...new Set(checks.flatMap((c) => c.check.test?.notJudged ?? []))];
  const which = data.runs.length > 1 ? ` (${run.label})` : '';
  const headline =
    run.verdict !== undefined && run.verdict.checks > 0
      ? `${runVerdictLine(run.verdict)}${which}`
      : checks.length === 0
        ? `No check ran${which}: no model has a budget or a baseline, so nothing was gated.`
        : failed.length > 0
          ? `${failed.length} of ${checks.length} checks failed${which}.`
          : `All ${checks.length - inconclusive.length} decided checks held${which}${inconclusive.length > 0 ? `; ${inconclusive.length} inconclusive` : ''}.`;
  const lines = [
    ...(comparison === undefined ? [] : comparisonBannerLines(comparison, labelOf(data))),
    `<strong>${escapeHtml(headline)}</strong>`,
  ];
  if (failed.length > 0) {
    lines.push(
      `Failed: ${failed.map((f) => `<a href="#${f.id}">${escapeHtml(`${f.model.label}: ${f.check.name}`)}</a>`).join(', ')}.`,
    );
  }
  if (notJudged.length > 0) lines.push(`Not judged: ${escapeHtml(notJudged.join('; '))}.`);
  if (noBudget.length > 0) {
    lines.push(`No budget: ${noBudget.map(({ model }) => escapeHtml(model.label)).join(', ')}.`);
  }
  const scaled = timeScaleReason(run.context.target, run.context.timeScale);
  if (scaled !== undefined) {
    lines.push(
      escapeHtml(
        `Latency ${scaled}: every modelled delay was scaled, so latency budgets and regressions are reported, not failed; errors still fail.`,
      ),
    );
  }
  const regressed = comparison?.verdict.word === 'regressed';
  const tone = regressed
    ? 'fail'
    : (run.verdict?.verdict ?? (failed.length > 0 ? 'fail' : 'pass')) === 'fail'
      ? 'fail'
      : checks.length === 0 || run.verdict?.verdict === 'inconclusive'
        ? 'none'
        : 'pass';
  return `<div class="verdict verdict-${tone}" role="status" id="verdict">${lines.map((l) => `<p>${l}</p>`).join('')}</div>`;
}

/** A model key's label in this report (the key itself for a model it does not draw). */
function labelOf(data: ReportData): (key: string) => string {
  return (key) => data.models.find((m) => m.key === key)?.label ?? key;
}

function options(data: ReportData): string {
  const table = optionsTable(data);
  if (table === '') return '<p class="note">No models: no options recorded.</p>';
  return `<details><summary>Options the models ran with</summary>\n<div class="table-wrap">${table}</div></details>`;
}

function body(data: ReportData, sections: string[], comparison: RunComparison | undefined): string {
  if (data.runs.length === 0) return '';
  const context = `<section aria-labelledby="context"><h2 id="context">Context</h2>\n<div class="table-wrap">${contextTable(data)}</div>\n${options(data)}</section>`;
  if (data.models.length === 0) {
    return `${context}\n<section><h2 id="summary">Summary table</h2><p class="note">These runs benchmarked no model.</p></section>`;
  }
  const summary = `<section aria-labelledby="summary"><h2 id="summary">Summary tables</h2>\n<div class="table-wrap">${summaryTables(data)}</div></section>`;
  const noErrors = sections.some((s) => s.includes('id="chart-errors"'))
    ? ''
    : '<section aria-labelledby="errors"><h2 id="errors">Failed calls</h2><p class="note">No measured call failed.</p></section>';
  const verdicts =
    comparison === undefined
      ? ''
      : `<section aria-labelledby="verdicts"><h2 id="verdicts">Verdicts</h2>\n<div class="table-wrap">${verdictTable(comparison, labelOf(data))}</div></section>`;
  return [verdicts, summary, context, ...sections, noErrors].filter((x) => x !== '').join('\n');
}
