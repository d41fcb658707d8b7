import type { Api, LatencyMode } from './call-record.ts';
import type { Slo, Sweep } from './options.ts';

/** Figures of a load: a sweep's levels and its latency-versus-throughput table, and goodput. */

/** One level of a sweep, as a model test runs it. */
export interface SweepLevel {
  kind: Sweep['kind'];
  level: number;
  /** Added to the test name and the model key, e.g. `concurrency=4`, `rate=2.5`. */
  label: string;
}

/** One level of a sweep: how much load it carried and how fast the calls were under it. */
export interface SweepRow {
  level: number;
  /** Model key of the level's run. */
  key: string;
  /** Measured calls, and the ok ones among them. */
  calls: number;
  ok: number;
  /**
   * Rate levels: the schedule's rate in calls per second of real time, the level divided by the
   * emulator's time scale (the level itself at time scale 1).
   */
  offeredRate?: number;
  /**
   * Ok calls per second of real time: over the wall clock (first measured start to last measured end),
   * and under open-loop load over at least the schedule's span (calls / offered rate).
   */
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

/** The share of measured calls that met every objective. */
export interface Goodput {
  /** Measured calls, failed ones included (a failed call never meets an objective). */
  calls: number;
  /** Calls that were ok and within every objective that applies to them. */
  met: number;
  /** met / calls; 0 when there are no calls. */
  share: number;
  slo: Slo;
}
