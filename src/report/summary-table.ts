import { formatSlo } from '../config/resolve.ts';
import { formatRate, formatSeconds } from '../format/numbers.ts';
import { plural, runVerdictLine } from '../gate/family.ts';
import type { CheckOutcome, ModelRun, RunContext, RunRecord, RunVerdict } from '../records/run-record.ts';
import type { Distribution } from '../records/summary.ts';
import { latencyModeLabel, servedWarnings, serviceTierLabel } from '../summary/served.ts';
import { costCell, costTitle, runCostLine } from './cost-text.ts';
import { renderSweepTable } from './render-sweep.ts';

const ANSI = {
  bold: '\u001b[1m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  reset: '\u001b[0m',
};
type Paint = (text: string, style: keyof typeof ANSI) => string;

function painter(color: boolean): Paint {
  return color ? (text, style) => `${ANSI[style]}${text}${ANSI.reset}` : (text) => text;
}

const HEADER = [
  'model',
  'api',
  'mode',
  'tier',
  'ok',
  'failed',
  'mean s',
  'median s',
  'P90 s',
  'min s',
  'max s',
  'std s',
  'tokens in',
  'tokens out',
  'TTFT P90 s',
  'client P50 ms',
  'P90 vs source',
  'cost/call',
  'cost',
] as const;
/** With streamed calls: per-call ITL and output speed (P50), and the model's throughput. */
const STREAM_HEADER = ['ITL P50 ms', 'tok/s P50', 'throughput tok/s'] as const;

function streamCells(model: ModelRun): string[] {
  const { summary } = model;
  const fixed = (value: number | undefined, digits: number): string =>
    value === undefined ? '-' : value.toFixed(digits);
  return [
    fixed(summary.itlMs?.p50, 1),
    fixed(summary.outputTokensPerSecond?.p50, 1),
    fixed(summary.throughputTokensPerSecond, 1),
  ];
}

/**
 * The summary as a table of text cells: a row per model, a `level` column when the run swept, the
 * streaming columns when any call was streamed. Shared by the printout and the summary CSV.
 */
export function summaryTable(run: RunRecord): { header: string[]; rows: string[][]; textColumns: number } {
  const swept = run.models.some((model) => model.sweepLevel !== undefined);
  const streamed = run.models.some((model) => model.api === 'converse-stream');
  const header: string[] = HEADER.map((title) => (title.startsWith('cost') ? costTitle(run, title) : title));
  if (swept) header.splice(4, 0, 'level');
  if (streamed) header.push(...STREAM_HEADER);
  const rows = run.models.map((model) => {
    const cells = row(run, model);
    if (swept) cells.splice(4, 0, model.sweepLevel?.label ?? '-');
    if (streamed) cells.push(...streamCells(model));
    return cells;
  });
  // Text (left-aligned): model, api, mode, tier (and level); the rest are numbers.
  return { header, rows, textColumns: swept ? 5 : 4 };
}

/**
 * The run's one verdict, printed last (after the files written): the gate's verdict over every check
 * (gate/family.ts, statistical tests as one family), `fail` also when a model stopped early, and
 * `no checks` when nothing was judged: never a pass by default.
 */
export function verdictLine(run: RunRecord, options: { color: boolean }): string {
  const paint = painter(options.color);
  const stopped = run.models.filter((model) => model.earlyStop !== undefined).length;
  const notes = [
    ...(stopped > 0 ? [`${plural(stopped, 'model run')} stopped early`] : []),
    ...(run.context.interrupted ? ['interrupted'] : []),
  ];
  const judged = run.verdict;
  const none = judged === undefined || judged.checks === 0;
  const verdict = stopped > 0 ? 'fail' : none ? 'no checks' : judged.verdict;
  const text = none
    ? `verdict: ${verdict}: nothing was judged (no budget or baseline applied to this run)`
    : runVerdictLine({ ...judged, verdict: verdict as RunVerdict['verdict'] });
  const line = [text, ...notes].join('; ');
  return paint(line, verdict === 'fail' ? 'red' : verdict === 'pass' ? 'green' : 'yellow');
}

function tokens(mean: number | undefined): string {
  return mean === undefined ? '-' : mean.toFixed(1);
}

/** The line every summary starts with: what was measured, where and how. */
export function contextLine(context: RunContext): string {
  const git = context.git.commit
    ? `commit ${context.git.commit.slice(0, 12)}${context.git.branch ? ` (${context.git.branch}${context.git.dirty ? ', dirty' : ''})` : context.git.dirty ? ' (dirty)' : ''}`
    : 'commit unknown';
  return [
    `target ${context.target} (${context.endpoint})`,
    `region ${context.region}`,
    `transport ${context.transport}`,
    ...(context.auth === undefined ? [] : [`auth ${context.auth}`]),
    `Node ${context.versions.node}`,
    `SDK ${context.versions.sdk}`,
    git,
    ...(context.interrupted ? ['INTERRUPTED'] : []),
  ].join(' | ');
}

/** The source model's run through the same API, when the run has one. */
function sourceFor(run: RunRecord, model: ModelRun): ModelRun | undefined {
  return run.models.find((other) => other.role === 'source' && other.api === model.api);
}

function ratioToSource(run: RunRecord, model: ModelRun): string {
  if (model.role === 'source') return 'source';
  const own = model.summary.latencyMs?.p90;
  const source = sourceFor(run, model)?.summary.latencyMs?.p90;
  return own === undefined || source === undefined || source === 0 ? '-' : `${(own / source).toFixed(2)}x`;
}

function row(run: RunRecord, model: ModelRun): string[] {
  const { summary } = model;
  const latency: Distribution | undefined = summary.latencyMs;
  return [
    model.modelId,
    model.api,
    latencyModeLabel(model),
    serviceTierLabel(model),
    String(summary.ok),
    String(summary.failed),
    formatSeconds(latency?.mean),
    formatSeconds(latency?.median),
    formatSeconds(latency?.p90),
    formatSeconds(latency?.min),
    formatSeconds(latency?.max),
    formatSeconds(latency?.std),
    tokens(summary.inputTokensMean),
    tokens(summary.outputTokensMean),
    formatSeconds(summary.ttftMs?.p90),
    summary.clientWorkMs === undefined ? '-' : summary.clientWorkMs.p50.toFixed(1),
    ratioToSource(run, model),
    costCell(summary.cost, 'perCallUsd'),
    costCell(summary.cost, 'totalUsd'),
  ];
}

const CHECK_STYLE = { pass: 'green', fail: 'red', inconclusive: 'yellow' } as const;

function checkLine(check: CheckOutcome, paint: Paint): string {
  return `    ${paint(check.status.toUpperCase(), CHECK_STYLE[check.status])} ${check.name}: ${check.line}`;
}

/** Open-loop response time (from the scheduled start) and goodput, when the model has them. */
function loadNotes(model: ModelRun): string[] {
  const lines: string[] = [];
  const { responseTimeMs: rt, queueDelayMs: queue } = model.summary;
  if (rt !== undefined) {
    lines.push(
      `    response time from the scheduled start: P50 ${formatSeconds(rt.p50)} s, P90 ${formatSeconds(rt.p90)} s, ` +
        `P99 ${formatSeconds(rt.p99)} s; queue delay P90 ${formatSeconds(queue?.p90)} s, max ${formatSeconds(queue?.max)} s`,
    );
  }
  const good = model.goodput;
  if (good !== undefined) {
    lines.push(
      `    goodput ${formatRate(good.share)} (${good.met} of ${good.calls} calls met ${formatSlo(good.slo)} ms)`,
    );
  }
  return lines;
}

/** Notes under the table: each model's failures by kind, load figures and checks. */
function notes(model: ModelRun, paint: Paint): string[] {
  const kinds = Object.entries(model.summary.errorsByKind).sort(([a], [b]) => a.localeCompare(b));
  const load = loadNotes(model);
  const stop = model.earlyStop;
  if (kinds.length === 0 && model.checks.length === 0 && load.length === 0 && !stop) return [];
  const lines = [
    `  ${model.modelId} ${model.api} ${latencyModeLabel(model)}${model.sweepLevel ? ` ${model.sweepLevel.label}` : ''}`,
  ];
  if (stop) {
    lines.push(
      `    ${paint('stopped early', 'red')}: ${stop.reason}; ${stop.skippedCalls} of ${stop.plannedCalls} planned calls skipped`,
    );
  }
  if (kinds.length > 0) {
    lines.push(`    ${paint('failed', 'red')}: ${kinds.map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  }
  lines.push(...load);
  for (const check of model.checks) lines.push(checkLine(check, paint));
  return lines;
}

/**
 * The end-of-run summary: a context line, one row per model (latency in seconds, 3 decimals, over
 * successful measured calls), then failures by kind and each model's checks, and the sweep tables
 * (the run's verdict, `verdictLine`, is printed after the list of files written). Pure; `color` adds ANSI (the caller decides: a terminal, and no NO_COLOR).
 */
export function renderSummaryTable(run: RunRecord, options: { color: boolean }): string {
  const paint = painter(options.color);
  const lines = [contextLine(run.context)];
  for (const warning of run.context.client?.warnings ?? [])
    lines.push(`${paint('WARNING', 'yellow')} ${warning}`);
  for (const warning of servedWarnings(run)) lines.push(`${paint('WARNING', 'yellow')} ${warning}`);
  if (run.models.length === 0) return `${[...lines, 'no converse-bench calls were recorded'].join('\n')}\n`;
  const { header, rows, textColumns } = summaryTable(run);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((cells) => cells[i]?.length ?? 0)),
  );
  const format = (cells: readonly string[]): string =>
    cells
      .map((text, i) => (i < textColumns ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  lines.push(paint(format(header), 'bold'));
  for (const cells of rows) lines.push(format(cells));
  const cost = runCostLine(run);
  if (cost !== undefined) lines.push(cost);
  const noteLines = run.models.flatMap((model) => notes(model, paint));
  if (noteLines.length > 0) lines.push('', ...noteLines);
  for (const table of run.sweeps ?? []) lines.push('', ...renderSweepTable(table));
  return `${lines.join('\n')}\n`;
}
