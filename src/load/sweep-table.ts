import type { Slo } from '../config/options.ts';
import type { Api, CallRecord, LatencyMode } from '../harness/call-record.ts';
import { distribution } from '../stats/distribution.ts';
import { summarizeCalls } from '../stats/summary.ts';
import { goodput } from './goodput.ts';
import { responseTimeMs } from './response-time.ts';
import type { SweepLevel } from './sweep.ts';

/** One level of a sweep: how much load it carried and how fast the calls were under it. */
export interface SweepRow {
  level: number;
  /** Model key of the level's run. */
  key: string;
  /** Measured calls, and the ok ones among them. */
  calls: number;
  ok: number;
  /** Ok calls per second of wall clock (first measured start to last measured end). */
  achievedRate: number;
  /** Output tokens per second of wall clock. */
  outputTokensPerSecond: number;
  /**
   * Over ok measured calls, ms: latency from the scheduled start (queue delay included) under
   * open-loop load, from `send()` in closed loop. Absent without an ok call.
   */
  latencyMs?: { p50: number; p90: number; p99: number };
  /** Streaming only: TTFT P90 from `send()`, ms. */
  ttftP90Ms?: number;
  /** With objectives: met / measured calls. */
  goodput?: number;
}

/** A model's sweep: one row per level, in level order. */
export interface SweepTable {
  modelId: string;
  api: Api;
  latencyMode: LatencyMode;
  kind: SweepLevel['kind'];
  slo?: Slo;
  rows: SweepRow[];
}

/** One level's run, as the report has it. */
export interface SweepRun {
  key: string;
  modelId: string;
  api: Api;
  latencyMode: LatencyMode;
  level: SweepLevel;
  slo: Slo | undefined;
  records: readonly CallRecord[];
}

export function sweepRow(run: SweepRun): SweepRow {
  const summary = summarizeCalls(run.records);
  const ok = run.records.filter((r) => r.phase === 'measure' && r.status === 'ok');
  const seconds = summary.wallClockMs / 1000;
  const row: SweepRow = {
    level: run.level.level,
    key: run.key,
    calls: summary.calls,
    ok: summary.ok,
    achievedRate: seconds > 0 ? summary.ok / seconds : 0,
    outputTokensPerSecond: summary.throughputTokensPerSecond ?? 0,
  };
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
