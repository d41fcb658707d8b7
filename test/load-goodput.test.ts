import { describe, expect, test } from 'vitest';
import { goodput, meetsSlo } from '../src/load/goodput.ts';
import { responseTimeMs, ttftFromScheduleMs } from '../src/records/metrics.ts';
import { errorCall, okCall, streamedCall, warmupCall } from './fixtures/report-records.ts';

describe('response time from the scheduled start', () => {
  test('is queue delay + latency when scheduled, the latency otherwise', () => {
    expect(responseTimeMs(okCall({ latencyMs: 1000 }))).toBe(1000);
    expect(responseTimeMs(okCall({ latencyMs: 1000, scheduledStartMs: 50, queueDelayMs: 250 }))).toBe(1250);
    expect(ttftFromScheduleMs(streamedCall({ ttftMs: 400, queueDelayMs: 100 }))).toBe(500);
    expect(ttftFromScheduleMs(okCall())).toBeUndefined();
  });
});

describe('goodput', () => {
  test('counts ok measured calls within every objective, over all measured calls', () => {
    const records = [
      warmupCall({ latencyMs: 10 }), // not measured: neither counted nor met
      okCall({ latencyMs: 900 }), // met
      okCall({ latencyMs: 1000 }), // met: the limit is inclusive
      okCall({ latencyMs: 1000.5 }), // over
      errorCall({ latencyMs: 5 }), // failed: never meets
    ];
    expect(goodput(records, { latencyMs: 1000 })).toEqual({
      calls: 4,
      met: 2,
      share: 0.5,
      slo: { latencyMs: 1000 },
    });
  });

  test('under open-loop load, queue delay counts against both objectives', () => {
    // The fixture call: 400 ms TTFT, 2000 ms latency.
    const slo = { ttftMs: 500, latencyMs: 2100 };
    expect(meetsSlo(streamedCall({ queueDelayMs: 0 }), slo)).toBe(true);
    expect(meetsSlo(streamedCall({ queueDelayMs: 99 }), slo)).toBe(true);
    expect(meetsSlo(streamedCall({ queueDelayMs: 101 }), { ttftMs: 500 })).toBe(false); // TTFT 501
    expect(meetsSlo(streamedCall({ queueDelayMs: 101 }), { latencyMs: 2100 })).toBe(false); // 2101
    expect(meetsSlo(streamedCall({ queueDelayMs: 101 }), { latencyMs: 2101 })).toBe(true);
  });

  test('the TTFT objective applies to streamed calls only; a stream without a text delta misses it', () => {
    expect(meetsSlo(okCall({ latencyMs: 100 }), { ttftMs: 1 })).toBe(true);
    expect(meetsSlo(streamedCall({ ttftMs: undefined }), { ttftMs: 10_000 })).toBe(false);
  });

  test('no measured calls: share 0', () => {
    expect(goodput([warmupCall()], { latencyMs: 1 })).toMatchObject({ calls: 0, met: 0, share: 0 });
  });
});
