import { describe, expect, it } from 'vitest';
import type { CallRecord, ErrorCall, OkCall } from '../src/records/call-record.ts';
import { summarizeCalls } from '../src/summary/summarize-calls.ts';
import { errorCall, okCall } from './fixtures/report-records.ts';

/** One model's streamed calls: no server latency unless a test gives one, no retry unless it says so. */
const base = {
  modelId: 'amazon.nova-lite-v1:0',
  api: 'converse-stream',
  invocation: 0,
  document: 0,
  timestamp: '2026-11-01T00:00:00.000Z',
  attempts: 1,
  retryDelayMs: 0,
} as const;

function ok(startMs: number, latencyMs: number, extra: Partial<OkCall> = {}): OkCall {
  return okCall({
    ...base,
    serverLatencyMs: undefined,
    attemptMs: [latencyMs],
    startMs,
    latencyMs,
    inputTokens: 100,
    outputTokens: 11,
    text: 'x',
    ...extra,
  });
}

function failed(
  startMs: number,
  latencyMs: number,
  errorKind: string,
  extra: Partial<ErrorCall> = {},
): ErrorCall {
  return errorCall({ ...base, startMs, latencyMs, errorKind, errorMessage: 'boom', attemptMs: [], ...extra });
}

describe('summarizeCalls', () => {
  const records: CallRecord[] = [
    ok(0, 5000, { phase: 'warmup', ttftMs: 1, serverLatencyMs: 1 }),
    ok(100, 1000, { ttftMs: 200, serverLatencyMs: 900 }),
    ok(200, 2000, { ttftMs: 400, serverLatencyMs: 1850, outputTokens: 21, inputTokens: 300 }),
    ok(300, 1500, { ttftMs: 500, outputTokens: 1, attempts: 2, retryDelayMs: 120 }),
    failed(400, 3000, 'ThrottlingException', { attempts: 3, retryDelayMs: 250 }),
    failed(500, 100, 'ModelStreamErrorException'),
    failed(600, 50, 'ThrottlingException', { phase: 'warmup' }),
  ];
  const s = summarizeCalls(records);

  it('counts warmup rows without summarizing them, and failures by kind', () => {
    expect(s.calls).toBe(5);
    expect(s.warmupCalls).toBe(2);
    expect(s.ok).toBe(3);
    expect(s.failed).toBe(2);
    expect(s.errorRate).toBe(0.4);
    expect(s.errorsByKind).toEqual({ ThrottlingException: 1, ModelStreamErrorException: 1 });
    expect(s.retriedCalls).toBe(2);
    expect(s.retryDelayMs).toBe(370);
  });

  it('summarizes latency, server latency and client overhead over ok measured calls', () => {
    expect(s.latencyMs).toMatchObject({ n: 3, mean: 1500, min: 1000, max: 2000, median: 1500 });
    // [1000, 1500, 2000] at index 2 * 0.9 = 1.8: 2000 - 500 * 0.2
    expect(s.latencyMs?.p90).toBe(1900);
    expect(s.serverLatencyMs).toMatchObject({ n: 2, mean: 1375, min: 900, max: 1850 });
    expect(s.clientOverheadMs).toMatchObject({ n: 2, mean: 125, min: 100, max: 150 });
  });

  it('computes streaming metrics per DESIGN.md', () => {
    expect(s.ttftMs).toMatchObject({ n: 3, min: 200, max: 500, mean: 1100 / 3 });
    // ITL (latency - ttft) / (tokens - 1): 800 / 10 = 80, 1600 / 20 = 80; the 1-token call has none
    expect(s.itlMs).toMatchObject({ n: 2, mean: 80, std: 0 });
    // output speed (tokens - 1) / (latency - ttft) s: 10 / 0.8 = 12.5, 20 / 1.6 = 12.5
    expect(s.outputTokensPerSecond).toMatchObject({ n: 2, mean: 12.5 });
  });

  it('computes token means, wall clock and throughput', () => {
    expect(s.inputTokensMean).toBe(500 / 3);
    expect(s.outputTokensMean).toBe(11);
    expect(s.totalOutputTokens).toBe(33);
    // first measured start 100 to last measured end 400 + 3000 (a failed call still occupies the run)
    expect(s.wallClockMs).toBe(3300);
    expect(s.throughputTokensPerSecond).toBe(10);
  });

  it('leaves absent what was not observed', () => {
    const empty = summarizeCalls([]);
    expect(empty).toEqual({
      calls: 0,
      warmupCalls: 0,
      ok: 0,
      failed: 0,
      errorRate: 0,
      errorsByKind: {},
      retriedCalls: 0,
      retryDelayMs: 0,
      totalOutputTokens: 0,
      wallClockMs: 0,
    });
    const converseOnly = summarizeCalls([ok(0, 800, { api: 'converse' })]);
    expect(converseOnly.ttftMs).toBeUndefined();
    expect(converseOnly.itlMs).toBeUndefined();
    expect(converseOnly.serverLatencyMs).toBeUndefined();
    expect(converseOnly.latencyMs?.std).toBeUndefined();
  });
});
