import { describe, expect, test } from 'vitest';
import { evaluateBudget } from '../src/gate/budgets.ts';
import { FakeClock } from '../src/harness/clock.ts';
import { arrivalTimes, runSchedule, type SpecIdentity } from '../src/harness/scheduler.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import { responseTimeMs } from '../src/records/metrics.ts';
import type { LoadShape } from '../src/records/options.ts';
import { summarizeCalls } from '../src/summary/summarize-calls.ts';
import { callIdentity } from './helpers/calls.ts';
import { drive, fakeService } from './helpers/fake-service.ts';

/**
 * Open-loop schedules on a fake clock: arrivals, and what happens when the server is slower than the
 * rate. (test/scheduler.test.ts covers the basics: constant spacing, the cap, warmup first.)
 */

const spec = (i: number): SpecIdentity => callIdentity({ modelId: 'm', document: i });

/** A server that takes `serviceMs` of fake time per call; counts calls in flight. */
const slowServer = (clock: FakeClock, serviceMs: number) => fakeService(clock, () => serviceMs);

const byDocument = (records: CallRecord[]): CallRecord[] =>
  [...records].sort((a, b) => a.document - b.document);

describe('Poisson arrivals (seeded)', () => {
  const load = { kind: 'open', rate: 20, arrival: 'poisson', seed: 7 } as const;

  test('runSchedule starts each call exactly at its drawn arrival time', async () => {
    const clock = new FakeClock(500);
    const server = slowServer(clock, 30);
    const specs = Array.from({ length: 50 }, (_, i) => spec(i));
    const records = await drive(
      clock,
      runSchedule(specs, server.exec, { concurrency: 1, delayBetweenMs: 0, load, clock }),
    );
    const expected = arrivalTimes(50, load, 500);
    expect(server.starts).toEqual(expected);
    expect(byDocument(records).map((r) => r.scheduledStartMs)).toEqual(expected);
    expect(records.every((r) => r.queueDelayMs === 0)).toBe(true);
  });

  test('gaps pass a Kolmogorov-Smirnov test against the exponential; counts per second have variance = mean', () => {
    const n = 20_000;
    const times = arrivalTimes(n + 1, load, 0);
    const gaps = times
      .slice(1)
      .map((t, i) => t - (times[i] as number))
      .sort((a, b) => a - b);
    const meanGap = 1000 / load.rate;
    let d = 0;
    for (const [i, gap] of gaps.entries()) {
      const cdf = 1 - Math.exp(-gap / meanGap);
      d = Math.max(d, Math.abs(cdf - i / n), Math.abs(cdf - (i + 1) / n));
    }
    // 5% critical value of the one-sample KS statistic: 1.358 / sqrt(n). Deterministic: the seed is fixed.
    expect(d).toBeLessThan(1.358 / Math.sqrt(n));
    // Arrivals in whole seconds are Poisson(rate): index of dispersion (variance / mean) near 1.
    const seconds = Math.floor((times[n] as number) / 1000);
    const counts = new Array<number>(seconds).fill(0);
    for (const t of times) {
      const s = Math.floor(t / 1000);
      if (s < seconds) counts[s] = (counts[s] ?? 0) + 1;
    }
    const mean = counts.reduce((a, b) => a + b, 0) / seconds;
    const variance = counts.reduce((a, c) => a + (c - mean) ** 2, 0) / (seconds - 1);
    expect(Math.abs(mean / load.rate - 1)).toBeLessThan(0.03);
    expect(Math.abs(variance / mean - 1)).toBeLessThan(0.15);
  });
});

describe('a server slower than the arrival rate', () => {
  // 10 calls/s (one every 100 ms) against a server taking 250 ms per call.
  const load: LoadShape = { kind: 'open', rate: 10, arrival: 'constant', seed: 1 };
  const specs = Array.from({ length: 8 }, (_, i) => spec(i));

  test('without a cap: calls pile up in flight, no queue delay, the latency shows the server time', async () => {
    const clock = new FakeClock();
    const server = slowServer(clock, 250);
    const records = await drive(
      clock,
      runSchedule(specs, server.exec, { concurrency: 1, delayBetweenMs: 0, load, clock }),
    );
    expect(server.starts).toEqual([0, 100, 200, 300, 400, 500, 600, 700]);
    expect(server.maxInFlight()).toBe(3);
    expect(records.map((r) => responseTimeMs({ ...r, latencyMs: r.latencyMs as number }))).toEqual(
      new Array(8).fill(250),
    );
  });

  test('with maxInFlight 1: the queue grows by 150 ms a call, and the response time shows it', async () => {
    const clock = new FakeClock();
    const server = slowServer(clock, 250);
    const opts = { concurrency: 1, delayBetweenMs: 0, load, clock, maxInFlight: 1 };
    const records = byDocument(await drive(clock, runSchedule(specs, server.exec, opts)));
    expect(server.starts).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750]);
    expect(records.map((r) => r.queueDelayMs)).toEqual([0, 150, 300, 450, 600, 750, 900, 1050]);
    expect(records.map((r) => r.latencyMs)).toEqual(new Array(8).fill(250));
    expect(records.map((r) => responseTimeMs({ ...r, latencyMs: r.latencyMs as number }))).toEqual([
      250, 400, 550, 700, 850, 1000, 1150, 1300,
    ]);

    const summary = summarizeCalls(records);
    expect(summary.latencyMs?.p90).toBe(250);
    expect(summary.queueDelayMs?.max).toBe(1050);
    expect(summary.responseTimeMs?.p90).toBe(1195); // type 7 between 1150 and 1300
    // A latency budget alone would pass; the response-time budget names the queueing and fails.
    const checks = evaluateBudget({ p90LatencyMs: 300, p90ResponseTimeMs: 300, mode: 'point' }, records);
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['budget p90 latencyMs', 'pass'],
      ['budget p90 responseTimeMs', 'fail'],
    ]);
    expect(checks[1]?.line).toBe('P90 response time 1195.0 ms > budget 300.0 ms over 8 calls');
  });
});
