import type { Slo } from '../config/options.ts';
import type { CallRecord } from '../harness/call-record.ts';
import { responseTimeMs, ttftFromScheduleMs } from './response-time.ts';

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

/**
 * Goodput over the measured calls of one model and API. A call meets the objectives when it succeeded,
 * its latency is within `slo.latencyMs` and, for a streamed call, its TTFT within `slo.ttftMs` (a
 * Converse call has no TTFT, so only the latency objective applies to it). Both are timed from the
 * scheduled start under open-loop load (queue delay included), from `send()` otherwise.
 */
export function goodput(records: readonly CallRecord[], slo: Slo): Goodput {
  const measured = records.filter((r) => r.phase === 'measure');
  const met = measured.filter((r) => meetsSlo(r, slo)).length;
  return { calls: measured.length, met, share: measured.length === 0 ? 0 : met / measured.length, slo };
}

export function meetsSlo(record: CallRecord, slo: Slo): boolean {
  if (record.status !== 'ok') return false;
  if (slo.latencyMs !== undefined && responseTimeMs(record) > slo.latencyMs) return false;
  if (slo.ttftMs !== undefined && record.api === 'converse-stream') {
    const ttft = ttftFromScheduleMs(record);
    if (ttft === undefined || ttft > slo.ttftMs) return false;
  }
  return true;
}
