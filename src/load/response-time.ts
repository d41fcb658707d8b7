import type { CallRecord } from '../harness/call-record.ts';

/**
 * Response time from the scheduled start, ms: queue delay + latency. Under open-loop load this is what
 * a user arriving on schedule waited, so a stalled client or a full in-flight cap cannot hide a slow
 * server (coordinated omission). Without a schedule (closed loop) it is the latency itself.
 */
export function responseTimeMs(record: CallRecord): number {
  return (record.queueDelayMs ?? 0) + record.latencyMs;
}

/** TTFT from the scheduled start, ms (queue delay + TTFT); undefined when the call saw no text delta. */
export function ttftFromScheduleMs(record: CallRecord): number | undefined {
  return record.ttftMs === undefined ? undefined : (record.queueDelayMs ?? 0) + record.ttftMs;
}
