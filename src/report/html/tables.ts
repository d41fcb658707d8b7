import { CACHE_CLASSES } from '../../records/metrics.ts';
import type { Distribution } from '../../records/summary.ts';
import { costCell, runCostLine } from '../cost-text.ts';
import { promptCacheLabel } from '../render-cache.ts';
import type { ReportCell, ReportData } from './data.ts';
import { escapeHtml } from './escape.ts';

/** The report's HTML tables: the numbers behind the charts, and the runs' context. All text escaped. */

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export function formatNumber(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '' : NUMBER.format(value);
}

function td(text: string, numeric = false): string {
  return numeric ? `<td class="num">${escapeHtml(text)}</td>` : `<td>${escapeHtml(text)}</td>`;
}

function th(text: string, scope: 'col' | 'row' = 'col'): string {
  return `<th scope="${scope}">${escapeHtml(text)}</th>`;
}

function stat(d: Distribution | undefined, key: 'mean' | 'median' | 'p90' | 'p95' | 'p99' | 'max'): string {
  return formatNumber(d?.[key]);
}

/** Every model and run that has a cell, in table order: models first, runs within a model. */
function rowsOf(data: ReportData): Array<{ m: number; r: number; cell: ReportCell }> {
  return data.models.flatMap((_, m) =>
    data.runs.flatMap((_, r) => {
      const cell = data.cells[r]?.[m];
      return cell === undefined ? [] : [{ m, r, cell }];
    }),
  );
}

/** The first cells of a row: the model (with its role when it is the source) and, comparing, the run. */
function rowHead(data: ReportData, m: number, r: number, cell: ReportCell): string {
  const role = cell.model.role === 'source' ? ' (source)' : '';
  const run = data.runs.length > 1 ? `<td class="run">${escapeHtml(data.runs[r]?.label ?? '')}</td>` : '';
  return `${th(`${data.models[m]?.label ?? ''}${role}`, 'row')}${run}`;
}

function headRow(data: ReportData, columns: readonly string[]): string {
  const head = ['Model', ...(data.runs.length > 1 ? ['Run'] : []), ...columns];
  return `<thead><tr>${head.map((h) => th(h)).join('')}</tr></thead>`;
}

function table(className: string, caption: string, head: string, rows: readonly string[]): string {
  return [
    `<table class="${className}">`,
    `<caption>${escapeHtml(caption)}</caption>`,
    head,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

/**
 * The figures per model and run, as three tables narrow enough to read without scrolling at 1280 px:
 * latency; streaming, client and failures; and the checks, each a row a reviewer can link to.
 */
export function summaryTables(data: ReportData): string {
  return [latencyTable(data), detailTable(data), cacheTable(data), costTable(data), checksTable(data)]
    .filter((t) => t !== '')
    .join('\n');
}

/** What each model's calls cost, from the price table; absent for run records without costs. */
function costTable(data: ReportData): string {
  const rows = rowsOf(data).flatMap(({ m, r, cell }) => {
    const cost = cell.summary.cost;
    if (cost === undefined) return [];
    const basis =
      cost.unknown !== undefined
        ? `unknown: ${cost.unknown}`
        : `${cost.estimate ? 'estimate (emulator target)' : 'price table'}${cost.verified ? '' : ', unverified prices'}`;
    return [
      `<tr>${rowHead(data, m, r, cell)}${td(costCell(cost, 'perCallUsd'), true)}${td(costCell(cost, 'totalUsd'), true)}${td(basis)}</tr>`,
    ];
  });
  if (rows.length === 0) return '';
  return table(
    'costs',
    'Cost from the price table: per successful measured call (mean) and for every successful call, warmup included; on the emulator target, what the calls would cost on Bedrock. Unknown where a price is missing.',
    headRow(data, ['Cost per call (USD)', 'Cost (USD)', 'Basis']),
    rows,
  );
}

/** Latency and TTFT per prompt cache class (records/metrics.ts), for cells whose calls reported cache usage. */
function cacheTable(data: ReportData): string {
  const rows = rowsOf(data).flatMap(({ m, r, cell }) => {
    const figures = cell.summary.byCacheClass;
    if (figures === undefined) return [];
    return CACHE_CLASSES.flatMap((cls) => {
      const f = figures[cls];
      if (f === undefined) return [];
      return [
        `<tr>${rowHead(data, m, r, cell)}${[
          td(promptCacheLabel(cell.model)),
          td(cls),
          td(String(f.calls), true),
          td(stat(f.latencyMs, 'median'), true),
          td(stat(f.latencyMs, 'p90'), true),
          td(stat(f.ttftMs, 'median'), true),
          td(stat(f.ttftMs, 'p90'), true),
          td(formatNumber(f.cacheReadTokensMean), true),
          td(formatNumber(f.cacheWriteTokensMean), true),
        ].join('')}</tr>`,
      ];
    });
  });
  if (rows.length === 0) return '';
  const head = headRow(data, [
    'Prompt cache',
    'Class',
    'Calls',
    'Median (ms)',
    'P90 (ms)',
    'TTFT P50 (ms)',
    'TTFT P90 (ms)',
    'Cache read tok (mean)',
    'Cache write tok (mean)',
  ]);
  return table(
    'cache',
    'Prompt cache: latency and TTFT per cache class (write: cacheWriteInputTokens > 0; read: cacheReadInputTokens > 0; none: neither).',
    head,
    rows,
  );
}

type Summary = ReportCell['summary'];

/** A column of a per-model table: its heading and its cell from the model's summary (right-aligned). */
type Column = [heading: string, value: (s: Summary) => string, numeric?: false];

/** One row per model and run (`rowId` anchors it when `anchored`), one cell per column. */
function modelTable(
  data: ReportData,
  className: string,
  caption: string,
  columns: Column[],
  anchored = false,
): string {
  const rows = rowsOf(data).map(({ m, r, cell }) => {
    const cells = columns.map(([, value, numeric]) => td(value(cell.summary), numeric ?? true)).join('');
    return `<tr${anchored ? ` id="${rowId(m, r)}"` : ''}>${rowHead(data, m, r, cell)}${cells}</tr>`;
  });
  return table(
    className,
    caption,
    headRow(
      data,
      columns.map(([heading]) => heading),
    ),
    rows,
  );
}

function latencyTable(data: ReportData): string {
  return modelTable(
    data,
    'summary',
    'Latency (ms) over successful measured calls; failed calls are counted, not timed.',
    [
      ['Calls', (s) => String(s.calls)],
      ['OK', (s) => String(s.ok)],
      ['Failed', (s) => String(s.failed)],
      ['Error rate', (s) => PERCENT.format(s.errorRate)],
      ['Mean', (s) => stat(s.latencyMs, 'mean')],
      ['Median', (s) => stat(s.latencyMs, 'median')],
      ['P90', (s) => stat(s.latencyMs, 'p90')],
      ['P95', (s) => stat(s.latencyMs, 'p95')],
      ['P99', (s) => stat(s.latencyMs, 'p99')],
      ['Max', (s) => stat(s.latencyMs, 'max')],
    ],
    true,
  );
}

function errorsByKind(s: Summary): string {
  return Object.entries(s.errorsByKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind}: ${n}`)
    .join(', ');
}

function detailTable(data: ReportData): string {
  return modelTable(
    data,
    'details',
    "Streaming (ConverseStream calls), the client's own time per call (send + after), retries and failures.",
    [
      ['TTFT P50 (ms)', (s) => stat(s.ttftMs, 'median')],
      ['TTFT P90 (ms)', (s) => stat(s.ttftMs, 'p90')],
      ['Output tok/s (median)', (s) => stat(s.outputTokensPerSecond, 'median')],
      ['Client work P50 (ms)', (s) => stat(s.clientWorkMs, 'median')],
      ['Retried calls', (s) => String(s.retriedCalls)],
      ['Errors by kind', errorsByKind, false],
    ],
  );
}

/** Anchor of a model's row in the latency table, and of one of its checks. */
export function rowId(m: number, r: number): string {
  return `model-${m}-run-${r}`;
}

export function checkId(m: number, r: number, i: number): string {
  return `check-${m}-${r}-${i}`;
}

function checksTable(data: ReportData): string {
  const rows = rowsOf(data).flatMap(({ m, r, cell }) =>
    cell.model.checks.map(
      (check, i) =>
        `<tr id="${checkId(m, r, i)}" class="check-${check.status}">${rowHead(data, m, r, cell)}${td(check.name)}${td(check.status.toUpperCase())}${td(check.line)}</tr>`,
    ),
  );
  if (rows.length === 0) return '';
  return table(
    'checks',
    'Budget and regression checks, one row each.',
    headRow(data, ['Check', 'Status', 'Result']),
    rows,
  );
}

function duration(startedAt: string, endedAt: string): string {
  // Wall-clock ISO stamps, for display only.
  const ms = Date.parse(endedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) ? `${NUMBER.format(ms / 1000)} s` : '';
}

/** What, where and how each run measured: one column per run. */
export function contextTable(data: ReportData): string {
  const rows: Array<[string, (i: number) => string]> = [
    ['Started', (i) => data.runs[i]?.context.startedAt ?? ''],
    ['Ended', (i) => data.runs[i]?.context.endedAt ?? ''],
    ['Duration', (i) => duration(data.runs[i]?.context.startedAt ?? '', data.runs[i]?.context.endedAt ?? '')],
    ['Interrupted', (i) => (data.runs[i]?.context.interrupted ? 'yes: not every call completed' : 'no')],
    ['Target', (i) => data.runs[i]?.context.target ?? ''],
    ['Endpoint', (i) => data.runs[i]?.context.endpoint ?? ''],
    ['Region', (i) => data.runs[i]?.context.region ?? ''],
    ['Transport', (i) => data.runs[i]?.context.transport ?? ''],
    ['Emulator time scale', (i) => timeScaleText(data.runs[i]?.context.timeScale)],
    ['Git', (i) => gitText(data, i)],
    ['Versions', (i) => versionsText(data, i)],
    ['Host', (i) => hostText(data, i)],
    ['Client health', (i) => clientText(data, i)],
    ['Cost', (i) => costText(data, i)],
    ['Dataset fingerprint', (i) => data.runs[i]?.context.fingerprints.dataset ?? ''],
    ['Run id', (i) => data.runs[i]?.context.runId ?? ''],
  ];
  const head = `<tr>${th('')}${data.runs.map((r) => th(r.label)).join('')}</tr>`;
  const body = rows
    .map(([name, value]) => `<tr>${th(name, 'row')}${data.runs.map((_, i) => td(value(i))).join('')}</tr>`)
    .join('\n');
  return `<table class="context">\n<thead>${head}</thead>\n<tbody>${body}</tbody>\n</table>`;
}

/** The run's cost line without its label (unknown where a price is missing; empty for older records). */
function costText(data: ReportData, i: number): string {
  const run = data.runs[i];
  const models = (data.cells[i] ?? []).flatMap((cell) => (cell === undefined ? [] : [cell.model]));
  const line = run === undefined ? undefined : runCostLine({ context: run.context, models });
  return line === undefined ? '' : line.replace(/^cost of the run: /, '');
}

/** As set: 0.02 stays 0.02 (the general format would round it to 0). */
function timeScaleText(scale: number | undefined): string {
  if (scale === undefined) return '';
  return scale === 1 ? '1 (real time)' : `${scale} (every modelled delay x ${scale})`;
}

function gitText(data: ReportData, i: number): string {
  const git = data.runs[i]?.context.git;
  if (git === undefined) return '';
  const dirty = git.dirty === undefined ? '' : git.dirty ? ' (dirty)' : ' (clean)';
  return `${git.branch ?? 'no branch'} ${git.commit ?? 'no commit'}${dirty}`;
}

function versionsText(data: ReportData, i: number): string {
  const v = data.runs[i]?.context.versions;
  return v === undefined
    ? ''
    : `Node ${v.node}, AWS SDK ${v.sdk}, Vitest ${v.vitest}, converse-bench ${v.converseBench}`;
}

function hostText(data: ReportData, i: number): string {
  const h = data.runs[i]?.context.host;
  return h === undefined ? '' : `${h.platform} ${h.arch}, ${h.cpus} CPUs (${h.cpuModel})`;
}

function clientText(data: ReportData, i: number): string {
  const c = data.runs[i]?.context.client;
  if (c === undefined) return 'not recorded';
  const loop = c.eventLoopDelayMs;
  const parts = [
    `CPU user ${formatNumber(c.cpuUserMs)} ms, system ${formatNumber(c.cpuSystemMs)} ms`,
    `event-loop delay p50 ${formatNumber(loop.p50)} ms, p99 ${formatNumber(loop.p99)} ms, max ${formatNumber(loop.max)} ms`,
    ...c.warnings.map((w) => `warning: ${w}`),
  ];
  return parts.join('; ');
}

/**
 * Options each run's models ran with. One value per option when every model agrees; otherwise each
 * value with the models that used it.
 */
export function optionsTable(data: ReportData): string {
  const perRun = data.cells.map((row) => {
    const byOption = new Map<string, Map<string, string[]>>();
    row.forEach((cell, m) => {
      if (cell === undefined) return;
      for (const [name, value] of Object.entries(cell.model.options)) {
        // An unset option is absent from a run record read back from JSON: show both the same way.
        if (value === undefined) continue;
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        const values = byOption.get(name) ?? new Map<string, string[]>();
        values.set(text, [...(values.get(text) ?? []), data.models[m]?.label ?? '']);
        byOption.set(name, values);
      }
    });
    return byOption;
  });
  const names = [...new Set(perRun.flatMap((byOption) => [...byOption.keys()]))];
  if (names.length === 0) return '';
  const describe = (values: Map<string, string[]> | undefined): string => {
    if (values === undefined) return '';
    if (values.size === 1) return [...values.keys()][0] ?? '';
    return [...values].map(([value, models]) => `${value} (${models.join(', ')})`).join('; ');
  };
  const head = `<tr>${th('Option')}${data.runs.map((r) => th(r.label)).join('')}</tr>`;
  const body = names
    .map(
      (name) =>
        `<tr>${th(name, 'row')}${perRun.map((byOption) => td(describe(byOption.get(name)))).join('')}</tr>`,
    )
    .join('\n');
  return `<table class="options">\n<thead>${head}</thead>\n<tbody>${body}</tbody>\n</table>`;
}
