import type { Api, CallRecord, LatencyMode } from '../records/call-record.ts';
import type { SweepLevel, SweepRow, SweepTable } from '../records/load.ts';
import { okMeasuredCalls, responseTimeMs } from '../records/metrics.ts';
import type { Slo } from '../records/options.ts';
import { distribution } from '../stats/distribution.ts';
import { summarizeCalls } from '../summary/summarize-calls.ts';
import { goodput } from './goodput.ts';

/** One level's run, as the report has it. */
export interface SweepRun {
  key: string;
  modelId: string;
  api: Api;
  latencyMode: LatencyMode;
  level: SweepLevel;
  slo: Slo | undefined;
  records: readonly CallRecord[];
  /** Open loop: the rate the schedule ran at, calls per second of real time (`scheduledLoad`). */
  scheduledRate?: number | undefined;
}

/**
 * Ok calls per second of real time. Closed loop: over the wall clock (first measured start to last
 * measured end). Open loop: over at least the schedule's own span, calls / rate: n calls at rate r
 * take n / r seconds to offer, while the first start to the last end can be shorter (n - 1 gaps plus
 * one short call), which would print an achieved rate above the offered one.
 */
export function achievedRate(ok: number, calls: number, wallClockMs: number, scheduledRate?: number): number {
  const offeredMs = scheduledRate === undefined ? 0 : (calls / scheduledRate) * 1000;
  const windowMs = Math.max(wallClockMs, offeredMs);
  return windowMs > 0 ? ok / (windowMs / 1000) : 0;
}

export function sweepRow(run: SweepRun): SweepRow {
  const summary = summarizeCalls(run.records);
  const ok = okMeasuredCalls(run.records);
  const row: SweepRow = {
    level: run.level.level,
    key: run.key,
    calls: summary.calls,
    ok: summary.ok,
    achievedRate: achievedRate(summary.ok, summary.calls, summary.wallClockMs, run.scheduledRate),
    outputTokensPerSecond: summary.throughputTokensPerSecond ?? 0,
  };
  if (run.scheduledRate !== undefined) row.offeredRate = run.scheduledRate;
  const latency = distribution(ok.map(responseTimeMs));
  if (latency !== undefined) row.latencyMs = { p50: latency.p50, p90: latency.p90, p99: latency.p99 };
  if (summary.ttftMs !== undefined) row.ttftP90Ms = summary.ttftMs.p90;
  if (run.slo !== undefined) row.goodput = goodput(run.records, run.slo).share;
  return row;
}

/** Groups level runs by model, API and latency mode (in order of first appearance), rows by level. */
export function buildSweepTables(runs: readonly SweepRun[]): SweepTable[] {
  const tables = new Map<string, SweepTable>();
  for (const run of runs) {
    const id = `${run.modelId}|${run.api}|${run.latencyMode}|${run.level.kind}`;
    let table = tables.get(id);
    if (table === undefined) {
      table = {
        modelId: run.modelId,
        api: run.api,
        latencyMode: run.latencyMode,
        kind: run.level.kind,
        rows: [],
      };
      if (run.slo !== undefined) table.slo = run.slo;
      tables.set(id, table);
    }
    table.rows.push(sweepRow(run));
  }
  for (const table of tables.values()) table.rows.sort((a, b) => a.level - b.level);
  return [...tables.values()];
}
