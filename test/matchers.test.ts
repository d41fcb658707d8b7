import { beforeAll, describe, expect, test } from 'vitest';
import type { CallRecord, OkCall } from '../src/records/call-record.ts';
import { registerLatencyMatchers } from '../src/vitest/matchers.ts';
import { errorCall, okCall } from './fixtures/report-records.ts';

function ok(latencyMs: number, extra: Partial<OkCall> = {}): CallRecord {
  return okCall({
    modelId: 'm',
    api: 'converse-stream',
    latencyMs,
    attemptMs: [latencyMs],
    ttftMs: latencyMs / 10,
    ...extra,
  });
}

function failed(): CallRecord {
  return errorCall({
    modelId: 'm',
    api: 'converse-stream',
    invocation: 0,
    timestamp: '2026-11-27T00:00:00.000Z',
    startMs: 0,
    latencyMs: 5,
    retryDelayMs: 100,
    attemptMs: [1, 2, 2],
    errorKind: 'ThrottlingException',
    errorMessage: 'Too many requests',
  });
}

// Latencies 100..1000 ms: P90 = 910 (type 7: 100 + 0.9 * 9 * 100), P99 = 991, mean = 550.
const records = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000].map((l) => ok(l));
// A slow warmup call that must not count.
const withWarmup = [ok(99_000, { phase: 'warmup' }), ...records];

beforeAll(() => registerLatencyMatchers());

describe('latency matchers', () => {
  test('P90, P99, mean and TTFT P90 over ok measured calls, at or below the limit', () => {
    expect(withWarmup).toHaveP90Below(910);
    expect(withWarmup).not.toHaveP90Below(909.9);
    expect({ records: withWarmup }).toHaveP99Below(991);
    expect(withWarmup).not.toHaveP99Below(990);
    expect(withWarmup).toHaveMeanBelow(550);
    expect(withWarmup).not.toHaveMeanBelow(549);
    expect(withWarmup).toHaveTtftP90Below(91);
    expect(withWarmup).not.toHaveTtftP90Below(90);
  });

  test('error rate over all measured calls', () => {
    const mixed = [...records.slice(0, 8), failed(), failed()];
    expect(mixed).toHaveErrorRateBelow(0.2);
    expect(mixed).not.toHaveErrorRateBelow(0.19);
    expect(records).toHaveErrorRateBelow(0);
  });

  test('failure messages name the figure, the sample size and the limit', () => {
    expect(() => expect(records).toHaveP90Below(2000)).not.toThrow();
    expect(() => expect(records).toHaveP90Below(500)).toThrow(
      'expected P90 latency 910.0 ms over 10 calls to be at or below 500.0 ms',
    );
    expect(() => expect(records).toHaveMeanBelow(100)).toThrow(
      'expected mean latency 550.0 ms over 10 calls to be at or below 100.0 ms',
    );
    const slow = records.map((r) => ({ ...r, latencyMs: (r.latencyMs as number) * 10 }));
    expect(() => expect(slow).toHaveP90Below(1000)).toThrow(
      'expected P90 latency 9.10 s over 10 calls to be at or below 1.00 s',
    );
    expect(() => expect(records).not.toHaveP90Below(2000)).toThrow(
      'expected P90 latency 910.0 ms over 10 calls not to be at or below 2.00 s',
    );
    expect(() => expect([failed(), ok(10)]).toHaveErrorRateBelow(0.1)).toThrow(
      'expected error rate 50.0% (1 of 2 calls) to be at or below 10.0%',
    );
  });

  test('no successful call fails with a clear message; a wrong subject is a TypeError', () => {
    expect(() => expect([failed()]).toHaveP90Below(1000)).toThrow(
      'expected P90 latency at or below 1.00 s, but no call succeeded',
    );
    expect(() => expect(42).toHaveP90Below(1)).toThrow('converse-bench matchers expect a CallRecord[]');
  });

  test('toPassCheck: a failed check fails with its line', () => {
    expect({
      name: 'budget p90 latencyMs',
      status: 'pass',
      line: 'P90 1.00 s <= budget 2.00 s over 9 calls',
    }).toPassCheck();
    expect({ name: 'regression p90 latencyMs', status: 'inconclusive', line: 'x' }).toPassCheck();
    expect(() =>
      expect({
        name: 'budget p90 latencyMs',
        status: 'fail',
        line: 'P90 2.31 s > budget 2.00 s over 40 calls',
      }).toPassCheck(),
    ).toThrow('budget p90 latencyMs failed: P90 2.31 s > budget 2.00 s over 40 calls');
  });
});
