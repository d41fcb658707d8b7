import { describe, expect, test } from 'vitest';
import { absoluteErrorSummary, callErrors, clockOffsetMs } from '../src/load/accuracy.ts';
import { errorCall, okCall, streamedCall } from './fixtures/report-records.ts';

describe('accuracy against wire stamps', () => {
  test('pairs records with stamps by request id and splits the error into send and read', () => {
    // Harness: start 1000, TTFT 400, latency 2000 (performance.now() ms); hrtime = performance.now() + 5000.
    const record = streamedCall({ requestId: 'r1', startMs: 1000 });
    const stamps = [
      { requestId: 'r1', receivedMs: 6001.5, firstTokenMs: 6400.25, lastByteMs: 7999 },
      { requestId: 'r2', receivedMs: 1, lastByteMs: 2 },
    ];
    const errors = callErrors(
      [record, okCall({ requestId: 'r3' }), errorCall({ requestId: 'r2' })],
      stamps,
      5000,
    );
    expect(errors).toEqual([{ latencyMs: 2.5, ttftMs: 1.25, sendMs: 1.5, readMs: 1 }]);
  });

  test('summarizes |error| as p50, p99 and max (type 7)', () => {
    const summary = absoluteErrorSummary([-1, 2, -3, 4]);
    expect(summary).toMatchObject({ n: 4, p50: 2.5, max: 4 });
    expect(summary.p99).toBeCloseTo(3.97, 12);
    expect(absoluteErrorSummary([]).n).toBe(0);
  });

  test('the clock offset maps performance.now() onto hrtime', () => {
    const offset = clockOffsetMs();
    const now = performance.now();
    const hr = Number(process.hrtime.bigint()) / 1e6;
    // hrtime read after performance.now(): never behind it, beyond the offset's own bracket (microseconds).
    expect(hr).toBeGreaterThanOrEqual(now + offset - 0.5);
  });
});
