import type { Completion } from './completion.ts';
import type { GroundTruthEntry } from './ground-truth.ts';
import type { Fault, ResponsePlan } from './plan.ts';
import type { CacheUse } from './prompt-cache.ts';

/** Everything decided about a valid request before it is acted out on the wire. */
export interface Answer {
  requestId: string;
  entry: GroundTruthEntry;
  plan: ResponsePlan;
  completion: Completion;
  /** Whether the request named `performanceConfig.latency` (then the answer reports what was served). */
  latencyRequested: boolean;
  /** Whether the request named `serviceTier` (then the answer reports the tier served). */
  tierRequested: boolean;
  /** A request with cache points: what it read from and wrote to the prompt cache. */
  cache?: CacheUse;
}

/** Planned offset of each output token from the receive time, ms (ignoring stalls). */
export function tokenOffsets(plan: ResponsePlan, tokens: number): number[] {
  const offsets: number[] = [];
  let at = plan.ttftMs;
  for (let i = 0; i < tokens; i++) {
    if (i > 0) at += plan.interTokenMs[i - 1] ?? 0;
    offsets.push(at);
  }
  return offsets;
}

/** A stall fault's pause, split into before the response and after `afterEvents` events. */
export function stallOf(fault: Fault | undefined): {
  before: number;
  during?: { afterEvents: number; ms: number };
} {
  if (fault?.kind !== 'stall') return { before: 0 };
  if (fault.afterEvents === undefined) return { before: fault.ms };
  return { before: 0, during: { afterEvents: fault.afterEvents, ms: fault.ms } };
}

/**
 * The usage Bedrock reports: with cache points, `inputTokens` are the input tokens neither read from
 * nor written to the cache, and `totalTokens` counts all of them (input, cached, written, output).
 */
export function usageOf(completion: Completion, cache?: CacheUse): Record<string, unknown> {
  const totalTokens = completion.inputTokens + completion.outputTokens;
  if (cache === undefined) {
    return { inputTokens: completion.inputTokens, outputTokens: completion.outputTokens, totalTokens };
  }
  return {
    inputTokens: completion.inputTokens - cache.readTokens - cache.writeTokens,
    outputTokens: completion.outputTokens,
    totalTokens,
    cacheReadInputTokens: cache.readTokens,
    cacheWriteInputTokens: cache.writeTokens,
    ...(cache.details.length === 0 ? {} : { cacheDetails: cache.details }),
  };
}

/** The fields Converse's response and ConverseStream's metadata event share. */
export function metadataOf(answer: Answer): Record<string, unknown> {
  return {
    usage: usageOf(answer.completion, answer.cache),
    metrics: { latencyMs: answer.plan.reportedLatencyMs },
    ...(answer.latencyRequested ? { performanceConfig: { latency: answer.plan.latencyModeServed } } : {}),
    ...(answer.tierRequested ? { serviceTier: { type: answer.plan.serviceTierServed } } : {}),
  };
}

/** Ground-truth response headers: what was scheduled, ms from receive, stalls included. */
export function scheduleHeaders(entry: GroundTruthEntry): Record<string, string> {
  return {
    'x-emulator-scheduled-ttft-ms': String(entry.scheduledTtftMs ?? 0),
    'x-emulator-scheduled-total-ms': String(entry.scheduledTotalMs ?? 0),
  };
}
