import { formatSlo } from '../config/resolve.ts';
import { formatRate, formatSeconds } from '../format/numbers.ts';
import type { SweepRow, SweepTable } from '../records/load.ts';

/** Column titles; the first one names the swept setting. */
function header(table: SweepTable): string[] {
  return [
    ...(table.kind === 'rate' ? ['rate /s', 'offered /s'] : ['concurrency']),
    'calls',
    'ok',
    'achieved /s',
    'tokens out /s',
    'P50 s',
    'P90 s',
    'P99 s',
    'TTFT P90 s',
    'goodput',
  ];
}

function cells(table: SweepTable, row: SweepRow): string[] {
  return [
    String(row.level),
    ...(table.kind === 'rate' ? [row.offeredRate === undefined ? '-' : row.offeredRate.toFixed(2)] : []),
    String(row.calls),
    String(row.ok),
    row.achievedRate.toFixed(2),
    row.outputTokensPerSecond.toFixed(1),
    formatSeconds(row.latencyMs?.p50),
    formatSeconds(row.latencyMs?.p90),
    formatSeconds(row.latencyMs?.p99),
    formatSeconds(row.ttftP90Ms),
    row.goodput === undefined ? '-' : formatRate(row.goodput),
  ];
}

/**
 * A latency-versus-throughput table per swept model: a title line (model, API, mode, what the latency
 * is timed from, the objectives), then one right-aligned row per level. A rate level is shown as set
 * and as offered in real time (divided by the emulator's time scale); achieved and token rates are
 * per second of real time. Pure.
 */
export function renderSweepTable(table: SweepTable): string[] {
  const timedFrom = table.kind === 'rate' ? 'latency from the scheduled start' : 'latency from send()';
  const slo =
    table.slo === undefined ? 'no objectives (set slo for goodput)' : `goodput: ${formatSlo(table.slo)} ms`;
  const title = `sweep ${table.modelId} ${table.api} ${table.latencyMode}: ${timedFrom}; ${slo}`;
  const head = header(table);
  const rows = table.rows.map((row) => cells(table, row));
  const widths = head.map((text, i) => Math.max(text.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const format = (line: readonly string[]): string =>
    line.map((text, i) => text.padStart(widths[i] ?? 0)).join('  ');
  return [title, `  ${format(head)}`, ...rows.map((r) => `  ${format(r)}`)];
}
