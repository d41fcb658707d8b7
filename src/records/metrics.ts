import type { CallRecord, OkCall } from './call-record.ts';

/**
 * Per-call metrics, each defined once (README, Definitions). Every summary, row, chart and check takes
 * its figures from here. A metric that does not apply to a call is `undefined`, never 0.
 */

/** The calls that count: warmup calls are rows, never statistics. */
export function measuredCalls(records: readonly CallRecord[]): CallRecord[] {
  return records.filter((r) => r.phase === 'measure');
}

/** The successful measured calls: what latency statistics are over. */
export function okMeasuredCalls(records: readonly CallRecord[]): OkCall[] {
  return records.filter((r): r is OkCall => r.status === 'ok' && r.phase === 'measure');
}

/** A call's prompt cache class (cacheClass); summaries list them in this order. */
export type CacheClass = 'write' | 'read' | 'none';
export const CACHE_CLASSES: readonly CacheClass[] = ['write', 'read', 'none'];

/** Whether the service reported prompt cache usage (either count, 0 included) for this call. */
export function reportedCacheUsage(record: CallRecord): boolean {
  return (
    record.status === 'ok' && (record.cacheReadTokens !== undefined || record.cacheWriteTokens !== undefined)
  );
}

/**
 * A successful call's prompt cache class, from the usage the service reported: `read` when any input
 * came from the cache (`cacheReadInputTokens` > 0), else `write` when a prefix was written to it
 * (`cacheWriteInputTokens` > 0), else `none`. Undefined for a failed call (no usage).
 */
export function cacheClass(record: CallRecord): CacheClass | undefined {
  if (record.status !== 'ok') return undefined;
  if ((record.cacheReadTokens ?? 0) > 0) return 'read';
  return (record.cacheWriteTokens ?? 0) > 0 ? 'write' : 'none';
}

/**
 * Time spent generating after the first token, ms: latency - TTFT, or with extended thinking latency -
 * time to first reasoning (the reasoning tokens count in outputTokens, and they come before the text).
 * Defined for a streamed ok call with at least two output tokens and a positive span; ITL and output
 * speed are derived from it.
 */
export function generatingMs(record: CallRecord): number | undefined {
  const first = record.firstReasoningMs ?? record.ttftMs;
  if (record.status !== 'ok' || first === undefined || record.ttftMs === undefined || record.outputTokens < 2)
    return undefined;
  const ms = record.latencyMs - first;
  return ms > 0 ? ms : undefined;
}

/** Inter-token latency of one request, ms: (latency - TTFT) / (outputTokens - 1), from the first reasoning delta with thinking. */
export function interTokenMs(record: CallRecord): number | undefined {
  const ms = generatingMs(record);
  return ms === undefined || record.status !== 'ok' ? undefined : ms / (record.outputTokens - 1);
}

/** Output speed of one request, tokens/s: (outputTokens - 1) / (latency - TTFT), from the first reasoning delta with thinking. */
export function outputTokensPerSecond(record: CallRecord): number | undefined {
  const ms = generatingMs(record);
  return ms === undefined || record.status !== 'ok' ? undefined : (record.outputTokens - 1) / (ms / 1000);
}

/**
 * Reasoning before the answer, ms: from the first reasoning delta to the first text delta (TTFT -
 * time to first reasoning). Defined for a streamed call that received both.
 */
export function reasoningPhaseMs(record: CallRecord): number | undefined {
  const { ttftMs, firstReasoningMs } = record;
  return ttftMs === undefined || firstReasoningMs === undefined ? undefined : ttftMs - firstReasoningMs;
}

/** Latency - server latency (`metrics.latencyMs`), ms: network and client time; needs both figures. */
export function clientOverheadMs(record: CallRecord): number | undefined {
  return record.status !== 'ok' || record.serverLatencyMs === undefined
    ? undefined
    : record.latencyMs - record.serverLatencyMs;
}

/** True when the call ran on an open-loop schedule: it has a scheduled start and a queue delay. */
export function isScheduled(record: CallRecord): boolean {
  return record.queueDelayMs !== undefined;
}

/**
 * Response time from the scheduled start, ms: queue delay + latency. Under open-loop load this is what
 * a user arriving on schedule waited, so a stalled client or a full in-flight cap cannot hide a slow
 * server (coordinated omission). Without a schedule (closed loop) it is the latency itself.
 */
export function responseTimeMs(record: { queueDelayMs?: number; latencyMs: number }): number {
  return (record.queueDelayMs ?? 0) + record.latencyMs;
}

/** TTFT from the scheduled start, ms (queue delay + TTFT); undefined when the call saw no text delta. */
export function ttftFromScheduleMs(record: CallRecord): number | undefined {
  return record.ttftMs === undefined ? undefined : (record.queueDelayMs ?? 0) + record.ttftMs;
}

/**
 * Phases of the final attempt, ms, from its wire stamps (HTTP/1.1 fully; HTTP/2 has no connect phase
 * of its own). For a call made in one attempt they add up to its latency:
 * send + connect + wait + receive + after = latency. After a retry they cover the final attempt,
 * the earlier attempts and the back-off being the rest of the latency.
 */

/** Client work before the request is on the wire: building, signing, waiting for a socket, writing (connection setup excluded). */
export function sendMs(record: CallRecord): number | undefined {
  const w = record.wire;
  if (w?.sentMs === undefined) return undefined;
  return w.sentMs - w.attemptStartMs - (w.connectMs ?? 0);
}

/** Connection setup, when the final attempt opened a new connection (HTTP/1.1). */
export function connectMs(record: CallRecord): number | undefined {
  return record.wire?.connectMs;
}

/** Waiting: from the request written to the response's headers (network and service time). */
export function waitMs(record: CallRecord): number | undefined {
  const w = record.wire;
  return w?.sentMs === undefined || w.headersMs === undefined ? undefined : w.headersMs - w.sentMs;
}

/** The end of the response on the wire, ms after the call's start, never after the call's end. */
function lastByteMs(record: CallRecord): number | undefined {
  const last = record.wire?.lastByteMs;
  if (last === undefined || record.latencyMs === undefined) return undefined;
  return Math.min(last, record.latencyMs);
}

/** Receiving: from the response's headers to its last byte (a stream's generation time included). */
export function receiveMs(record: CallRecord): number | undefined {
  const last = lastByteMs(record);
  const headers = record.wire?.headersMs;
  return last === undefined || headers === undefined ? undefined : last - headers;
}

/** Client work after the last byte: parsing the response or the stream's last events, until the call ends. */
export function afterMs(record: CallRecord): number | undefined {
  const last = lastByteMs(record);
  return last === undefined || record.latencyMs === undefined ? undefined : record.latencyMs - last;
}

/** The client's own time in a call: send + after (what no server or network can be blamed for). */
export function clientWorkMs(record: CallRecord): number | undefined {
  const send = sendMs(record);
  const after = afterMs(record);
  return send === undefined || after === undefined ? undefined : send + after;
}
