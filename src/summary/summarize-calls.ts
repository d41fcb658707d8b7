import type { CallRecord, OkCall } from '../records/call-record.ts';
import {
  CACHE_CLASSES,
  cacheClass,
  clientOverheadMs,
  clientWorkMs,
  interTokenMs,
  isScheduled,
  measuredCalls,
  okMeasuredCalls,
  outputTokensPerSecond,
  reasoningPhaseMs,
  reportedCacheUsage,
  responseTimeMs,
} from '../records/metrics.ts';
import type { CacheClassFigures, ModelSummary } from '../records/summary.ts';
import { distribution, mean } from '../stats/distribution.ts';
import { pairwiseSum } from '../stats/sum.ts';
import { countServed } from './served.ts';

/**
 * One model's figures over its call records (one model and API; the caller groups). Warmup calls are
 * counted, never summarized; latency statistics are over successful measured calls; failed calls are
 * counted by error kind. Definitions as in DESIGN.md (ITL, output speed, wall clock, throughput).
 */
export function summarizeCalls(records: readonly CallRecord[]): ModelSummary {
  const measured = measuredCalls(records);
  const ok = okMeasuredCalls(records);
  const errorsByKind: Record<string, number> = {};
  for (const r of measured) {
    if (r.status === 'error') errorsByKind[r.errorKind] = (errorsByKind[r.errorKind] ?? 0) + 1;
  }
  const failed = measured.length - ok.length;
  const totalOutputTokens = pairwiseSum(ok.map((r) => r.outputTokens));
  const wallClockMs = wallClock(measured);
  const scheduled = ok.filter(isScheduled);
  const defined = (values: (number | undefined)[]): number[] => values.flatMap((v) => v ?? []);

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
  assign(summary, 'responseTimeMs', distribution(scheduled.map(responseTimeMs)));
  assign(summary, 'queueDelayMs', distribution(defined(scheduled.map((r) => r.queueDelayMs))));
  assign(summary, 'serverLatencyMs', distribution(defined(ok.map((r) => r.serverLatencyMs))));
  assign(summary, 'clientOverheadMs', distribution(defined(ok.map(clientOverheadMs))));
  assign(summary, 'clientWorkMs', distribution(defined(ok.map(clientWorkMs))));
  assign(summary, 'ttftMs', distribution(defined(ok.map((r) => r.ttftMs))));
  assign(summary, 'itlMs', distribution(defined(ok.map(interTokenMs))));
  assign(summary, 'outputTokensPerSecond', distribution(defined(ok.map(outputTokensPerSecond))));
  assign(summary, 'firstReasoningMs', distribution(defined(ok.map((r) => r.firstReasoningMs))));
  assign(summary, 'reasoningPhaseMs', distribution(defined(ok.map(reasoningPhaseMs))));
  assign(summary, 'reasoningTokensEstimate', distribution(defined(ok.map((r) => r.reasoningTokensEstimate))));
  if (measured.some((r) => r.tools !== undefined)) {
    summary.toolUseCalls = ok.filter((r) => r.stopReason === 'tool_use').length;
  }
  assign(summary, 'toolUseStartMs', distribution(defined(ok.map((r) => r.toolUseStartMs))));
  assign(summary, 'toolInputMs', distribution(defined(ok.map((r) => r.toolInputMs))));
  assign(
    summary,
    'latencyModeServed',
    countServed(records, (r) => r.latencyModeServed),
  );
  assign(
    summary,
    'serviceTierServed',
    countServed(records, (r) => r.serviceTierServed),
  );
  assign(summary, 'byCacheClass', byCacheClass(ok));
  if (ok.length > 0 && measured.some((r) => r.priorTurns !== undefined)) {
    summary.priorTurnsMean = mean(ok.map((r) => r.priorTurns ?? 0));
  }
  if (ok.length > 0) {
    summary.inputTokensMean = mean(ok.map((r) => r.inputTokens));
    summary.outputTokensMean = mean(ok.map((r) => r.outputTokens));
  }
  if (wallClockMs > 0) summary.throughputTokensPerSecond = totalOutputTokens / (wallClockMs / 1000);
  return summary;
}

/** Latency and TTFT per prompt cache class; undefined when no call reported prompt cache usage. */
function byCacheClass(ok: readonly OkCall[]): ModelSummary['byCacheClass'] {
  if (!ok.some(reportedCacheUsage)) return undefined;
  const figures: NonNullable<ModelSummary['byCacheClass']> = {};
  for (const cls of CACHE_CLASSES) {
    const calls = ok.filter((r) => cacheClass(r) === cls);
    const latencyMs = distribution(calls.map((r) => r.latencyMs));
    if (latencyMs === undefined) continue;
    const entry: CacheClassFigures = {
      calls: calls.length,
      latencyMs,
      cacheReadTokensMean: mean(calls.map((r) => r.cacheReadTokens ?? 0)),
      cacheWriteTokensMean: mean(calls.map((r) => r.cacheWriteTokens ?? 0)),
    };
    const ttftMs = distribution(calls.flatMap((r) => r.ttftMs ?? []));
    if (ttftMs !== undefined) entry.ttftMs = ttftMs;
    figures[cls] = entry;
  }
  return figures;
}

/** First measured start to last measured end (start + latency), ms; 0 without calls. */
function wallClock(measured: readonly CallRecord[]): number {
  if (measured.length === 0) return 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of measured) {
    first = Math.min(first, r.startMs);
    last = Math.max(last, r.startMs + (r.latencyMs ?? 0));
  }
  return last - first;
}

/** Sets an optional field only when there is a value, so absent stays absent (never undefined-valued). */
function assign<K extends keyof ModelSummary>(target: ModelSummary, key: K, value: ModelSummary[K]): void {
  if (value !== undefined) target[key] = value;
}
