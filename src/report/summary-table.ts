import { durationText } from '../config/duration.ts';
import { formatSlo } from '../config/resolve.ts';
import { formatRate, formatSeconds, formatThousands } from '../format/numbers.ts';
import { plural, runVerdictLine } from '../gate/family.ts';
import type {
  CheckOutcome,
  DurationEnd,
  ModelRun,
  RunContext,
  RunRecord,
  RunVerdict,
} from '../records/run-record.ts';
import type { Distribution } from '../records/summary.ts';
import { latencyModeLabel, servedWarnings, serviceTierLabel } from '../summary/served.ts';
import { costCell, costTitle, runCostLine } from './cost-text.ts';
import { renderCacheTable } from './render-cache.ts';
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

/** `duration 5m: 1,234 calls (1 warmup + 1,233 measured), closed loop until its deadline` (or the cap). */
function durationEndLine(model: ModelRun, ended: DurationEnd): string {
  const seconds = model.options.duration === undefined ? '' : ` ${durationText(model.options.duration)}`;
  const how =
    ended.endedBy === 'maxCalls'
      ? `stopped at its share of maxCalls ${model.options.maxCalls}`
      : 'closed loop until its deadline';
  const warmup = model.calls.filter((call) => call.phase === 'warmup').length;
  return `duration${seconds}: ${formatThousands(ended.calls)} calls (${warmup} warmup + ${formatThousands(ended.calls - warmup)} measured), ${how}`;
}

/** Extended thinking, when the model returned reasoning: its timing (streamed) and its estimated size. */
export function reasoningNotes(model: ModelRun): string[] {
  const {
    firstReasoningMs: first,
    reasoningPhaseMs: phase,
    ttftMs,
    reasoningTokensEstimate: tokens,
  } = model.summary;
  if (first === undefined && tokens === undefined) return [];
  const parts = [`    reasoning (budget ${model.options.reasoningBudget ?? 'off'})`];
  if (first !== undefined) {
    parts.push(
      `first reasoning delta P50 ${formatSeconds(first.p50)} s, P90 ${formatSeconds(first.p90)} s`,
      `reasoning to first text P50 ${formatSeconds(phase?.p50)} s`,
      `TTFT (first text) P90 ${formatSeconds(ttftMs?.p90)} s`,
    );
  }
  if (tokens !== undefined) parts.push(`reasoning tokens (estimate) mean ${tokens.mean.toFixed(1)}`);
  return [parts.join('; ').replace(';', ':')];
}

/** With a tool configuration: how many calls stopped for a tool, and when the call and its input came. */
export function toolNotes(model: ModelRun): string[] {
  const { toolUseCalls, toolUseStartMs: start, toolInputMs: input, ok } = model.summary;
  if (toolUseCalls === undefined) return [];
  const parts = [
    `    tool use (tools ${model.toolConfigFingerprint ?? '?'})`,
    `${toolUseCalls} of ${ok} ok calls stopped for tool_use`,
  ];
  if (start !== undefined) {
    parts.push(`tool call start P50 ${formatSeconds(start.p50)} s, P90 ${formatSeconds(start.p90)} s`);
  }
  if (input !== undefined) {
    parts.push(`complete input P50 ${formatSeconds(input.p50)} s, P90 ${formatSeconds(input.p90)} s`);
  }
  return [parts.join('; ').replace(';', ':')];
}

/** Notes under the table: each model's failures by kind, load figures, reasoning, tools, a duration's end and checks. */
function notes(model: ModelRun, paint: Paint): string[] {
  const kinds = Object.entries(model.summary.errorsByKind).sort(([a], [b]) => a.localeCompare(b));
  const turns = model.summary.priorTurnsMean;
  const conversation =
    turns === undefined
      ? []
      : [
          `    conversations: ${turns.toFixed(1)} turns before the answered one (mean); tokens in ${tokens(model.summary.inputTokensMean)} (mean)`,
        ];
  const load = [...loadNotes(model), ...reasoningNotes(model), ...toolNotes(model), ...conversation];
  const stop = model.earlyStop;
  const ended = model.durationEnd;
  if (kinds.length === 0 && model.checks.length === 0 && load.length === 0 && !stop && !ended) return [];
  const lines = [
    `  ${model.modelId} ${model.api} ${latencyModeLabel(model)}${model.sweepLevel ? ` ${model.sweepLevel.label}` : ''}`,
  ];
  if (stop) {
    const rest =
      ended === undefined
        ? `${stop.skippedCalls} of ${stop.plannedCalls} planned calls skipped`
        : 'no call started after it';
    lines.push(`    ${paint('stopped early', 'red')}: ${stop.reason}; ${rest}`);
  }
  if (ended && ended.endedBy !== 'early stop') lines.push(`    ${durationEndLine(model, ended)}`);
  if (kinds.length > 0) {
    lines.push(`    ${paint('failed', 'red')}: ${kinds.map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  }
  lines.push(...load);
  for (const check of model.checks) lines.push(checkLine(check, paint));
  return lines;
}

/**
 * The end-of-run summary: a context line, one row per model (latency in seconds, 3 decimals, over
 * successful measured calls), then failures by kind and each model's checks, the prompt cache table
 * (render-cache.ts) and the sweep tables
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
  const cache = renderCacheTable(run);
  if (cache.length > 0) lines.push('', ...cache);
  for (const table of run.sweeps ?? []) lines.push('', ...renderSweepTable(table));
  return `${lines.join('\n')}\n`;
}
