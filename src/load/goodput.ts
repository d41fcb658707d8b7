import type { CallRecord } from '../records/call-record.ts';
import type { Goodput } from '../records/load.ts';
import { measuredCalls, responseTimeMs, ttftFromScheduleMs } from '../records/metrics.ts';
import type { Slo } from '../records/options.ts';

/**
 * Goodput over the measured calls of one model and API. A call meets the objectives when it succeeded,
 * its latency is within `slo.latencyMs` and, for a streamed call, its TTFT within `slo.ttftMs` (a
 * Converse call has no TTFT, so only the latency objective applies to it). Both are timed from the
 * scheduled start under open-loop load (queue delay included), from `send()` otherwise.
 */
export function goodput(records: readonly CallRecord[], slo: Slo): Goodput {
  const measured = measuredCalls(records);
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
