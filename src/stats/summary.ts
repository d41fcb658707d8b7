import type { CallRecord, OkCall } from '../harness/call-record.ts';
import { distribution, mean } from './distribution.ts';
import { pairwiseSum } from './sum.ts';
import type { ModelSummary } from './types.ts';

/**
 * One model's figures over its call records (one model and API; the caller groups). Warmup calls are
 * counted, never summarized; latency statistics are over successful measured calls; failed calls are
 * counted by error kind. Definitions as in DESIGN.md (ITL, output speed, wall clock, throughput).
 */
export function summarizeCalls(records: readonly CallRecord[]): ModelSummary {
  const measured = records.filter((r) => r.phase === 'measure');
  const ok = measured.filter((r): r is OkCall => r.status === 'ok');
  const errorsByKind: Record<string, number> = {};
  for (const r of measured) {
    if (r.status === 'error') errorsByKind[r.errorKind] = (errorsByKind[r.errorKind] ?? 0) + 1;
  }
  const failed = measured.length - ok.length;
  const totalOutputTokens = pairwiseSum(ok.map((r) => r.outputTokens));
  const wallClockMs = wallClock(measured);

  const withServer = ok.filter((r) => r.serverLatencyMs !== undefined);
  const streamed = ok.filter((r) => r.ttftMs !== undefined);
  // ITL and output speed need at least two tokens and a positive generation time.
  const generating = streamed.filter((r) => r.outputTokens >= 2 && r.latencyMs - (r.ttftMs as number) > 0);

  const summary: ModelSummary = {
    calls: measured.length,
    warmupCalls: records.length - measured.length,
    ok: ok.length,
    failed,
    errorRate: measured.length === 0 ? 0 : failed / measured.length,
    errorsByKind,
    retriedCalls: measured.filter((r) => r.attempts > 1).length,
    retryDelayMs: pairwiseSum(measured.map((r) => r.retryDelayMs)),
    totalOutputTokens,
    wallClockMs,
  };
  assign(summary, 'latencyMs', distribution(ok.map((r) => r.latencyMs)));
  const scheduled = ok.filter((r) => r.queueDelayMs !== undefined);
  assign(
    summary,
    'responseTimeMs',
    distribution(scheduled.map((r) => (r.queueDelayMs as number) + r.latencyMs)),
  );
  assign(summary, 'queueDelayMs', distribution(scheduled.map((r) => r.queueDelayMs as number)));
  assign(summary, 'serverLatencyMs', distribution(withServer.map((r) => r.serverLatencyMs as number)));
  assign(
    summary,
    'clientOverheadMs',
    distribution(withServer.map((r) => r.latencyMs - (r.serverLatencyMs as number))),
  );
  assign(summary, 'ttftMs', distribution(streamed.map((r) => r.ttftMs as number)));
  assign(
    summary,
    'itlMs',
    distribution(generating.map((r) => (r.latencyMs - (r.ttftMs as number)) / (r.outputTokens - 1))),
  );
  assign(
    summary,
    'outputTokensPerSecond',
    distribution(generating.map((r) => (r.outputTokens - 1) / ((r.latencyMs - (r.ttftMs as number)) / 1000))),
  );
  if (ok.length > 0) {
    summary.inputTokensMean = mean(ok.map((r) => r.inputTokens));
    summary.outputTokensMean = mean(ok.map((r) => r.outputTokens));
  }
  if (wallClockMs > 0) summary.throughputTokensPerSecond = totalOutputTokens / (wallClockMs / 1000);
  return summary;
}

/** First measured start to last measured end (start + latency), ms; 0 without calls. */
function wallClock(measured: readonly CallRecord[]): number {
  if (measured.length === 0) return 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of measured) {
    first = Math.min(first, r.startMs);
    last = Math.max(last, r.startMs + r.latencyMs);
  }
  return last - first;
}

/** Sets an optional field only when there is a value, so absent stays absent (never undefined-valued). */
function assign<K extends keyof ModelSummary>(target: ModelSummary, key: K, value: ModelSummary[K]): void {
  if (value !== undefined) target[key] = value;
}
