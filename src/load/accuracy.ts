import type { CallRecord } from '../records/call-record.ts';
import { quantile, sortAscending } from '../stats/quantile.ts';

/**
 * The harness's timings against the emulator's wire stamps (scripts/accuracy-bench.ts). The emulator
 * stamps process.hrtime (ms) when a request's head arrived, when it wrote the first text delta and
 * when the last byte left; the harness times with performance.now(). Both clocks are monotonic and
 * tick together, so one offset (hrtime - performance.now(), sampled once) maps one onto the other.
 */

/** The emulator's stamps for one request (a subset of its ground-truth entry). */
export interface WireStamps {
  requestId: string;
  receivedMs: number;
  firstTokenMs?: number;
  lastByteMs?: number;
}

/** hrtime ms - performance.now() ms, from the closest-bracketed of `samples` readings of both clocks. */
export function clockOffsetMs(samples = 20): number {
  let best = Number.POSITIVE_INFINITY;
  let offset = 0;
  for (let i = 0; i < samples; i++) {
    const before = performance.now();
    const hr = Number(process.hrtime.bigint()) / 1e6;
    const after = performance.now();
    if (after - before < best) {
      best = after - before;
      offset = hr - (before + after) / 2;
    }
  }
  return offset;
}

/** One call's differences, ms: harness figure - wire figure (positive: the harness saw it later / longer). */
export interface CallError {
  /** Harness latency - (last byte - received). */
  latencyMs: number;
  /** Harness TTFT - (first token written - received); absent for Converse. */
  ttftMs?: number;
  /** Received - harness start: request building, signing and sending. */
  sendMs: number;
  /** Harness end - last byte: reading and parsing the end of the response. */
  readMs: number;
}

/** What callErrors needs of a call: a CallRecord, or the timings of a plain SDK loop. */
export type TimedCall = Pick<CallRecord, 'status' | 'requestId' | 'startMs' | 'latencyMs' | 'ttftMs'>;

/** Pairs ok calls with their stamps by request id; calls without a complete stamp are skipped. */
export function callErrors(
  records: readonly TimedCall[],
  stamps: readonly WireStamps[],
  offsetMs: number,
): CallError[] {
  const byId = new Map(stamps.map((s) => [s.requestId, s]));
  const errors: CallError[] = [];
  for (const record of records) {
    const stamp = record.requestId === undefined ? undefined : byId.get(record.requestId);
    if (record.status !== 'ok' || record.latencyMs === undefined || stamp?.lastByteMs === undefined) continue;
    const start = record.startMs + offsetMs;
    const error: CallError = {
      latencyMs: record.latencyMs - (stamp.lastByteMs - stamp.receivedMs),
      sendMs: stamp.receivedMs - start,
      readMs: start + record.latencyMs - stamp.lastByteMs,
    };
    if (record.ttftMs !== undefined && stamp.firstTokenMs !== undefined) {
      error.ttftMs = record.ttftMs - (stamp.firstTokenMs - stamp.receivedMs);
    }
    errors.push(error);
  }
  return errors;
}

/** p50, p99 and max of |values|; NaN without values. */
export function absoluteErrorSummary(values: readonly number[]): {
  n: number;
  p50: number;
  p99: number;
  max: number;
} {
  const sorted = sortAscending(values.map(Math.abs));
  if (sorted.length === 0) return { n: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] as number,
  };
}
