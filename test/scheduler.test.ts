import { describe, expect, test } from 'vitest';
import { FakeClock, realClock } from '../src/harness/clock.ts';
import { arrivalTimes, type Exec, runSchedule, type SpecIdentity } from '../src/harness/scheduler.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import type { LoadShape } from '../src/records/options.ts';
import { callIdentity } from './helpers/calls.ts';
import { drive, fakeService } from './helpers/fake-service.ts';

const spec = (i: number, phase: 'warmup' | 'measure' = 'measure'): SpecIdentity =>
  callIdentity({ modelId: 'm', phase, document: i });

const closed: LoadShape = { kind: 'closed' };

describe('runSchedule, closed loop', () => {
  test('never exceeds the concurrency and starts each call when a worker frees up', async () => {
    const clock = new FakeClock();
    const f = fakeService(clock, () => 100);
    const specs = [0, 1, 2, 3, 4].map((i) => spec(i));
    const opts = { concurrency: 2, delayBetweenMs: 0, load: closed, clock };
    const records = await drive(clock, runSchedule(specs, f.exec, opts));
    expect(f.starts).toEqual([0, 0, 100, 100, 200]);
    expect(f.maxInFlight()).toBe(2);
    expect(records.map((r) => r.document)).toEqual([0, 1, 2, 3, 4]);
    expect(records.every((r) => r.latencyMs === 100)).toBe(true);
  });

  test('sleeps delayBetweenMs before each call, outside the latency', async () => {
    const clock = new FakeClock();
    const f = fakeService(clock, () => 100);
    const opts = { concurrency: 1, delayBetweenMs: 50, load: closed, clock };
    const records = await drive(clock, runSchedule([spec(0), spec(1), spec(2)], f.exec, opts));
    expect(f.starts).toEqual([50, 200, 350]);
    expect(records.map((r) => r.latencyMs)).toEqual([100, 100, 100]);
  });

  test('runs warmup calls first, one at a time, then the measured calls', async () => {
    const clock = new FakeClock();
    const f = fakeService(clock, () => 100);
    const specs = [spec(0, 'warmup'), spec(1, 'warmup'), spec(0), spec(1), spec(2), spec(3)];
    const opts = { concurrency: 4, delayBetweenMs: 0, load: closed, clock };
    const records = await drive(clock, runSchedule(specs, f.exec, opts));
    expect(f.starts).toEqual([0, 100, 200, 200, 200, 200]);
    expect(records.map((r) => r.phase)).toEqual([
      'warmup',
      'warmup',
      'measure',
      'measure',
      'measure',
      'measure',
    ]);
  });

  test('records are returned in completion order and passed to onRecord as they complete', async () => {
    const clock = new FakeClock();
    const f = fakeService(clock, (s) => (s.document === 0 ? 300 : 100));
    const seen: number[] = [];
    const opts = {
      concurrency: 2,
      delayBetweenMs: 0,
      load: closed,
      clock,
      onRecord: (r: CallRecord) => seen.push(r.document),
    };
    const records = await drive(clock, runSchedule([spec(0), spec(1), spec(2)], f.exec, opts));
    expect(records.map((r) => r.document)).toEqual([1, 2, 0]);
    expect(seen).toEqual([1, 2, 0]);
  });

  test('an executor that throws yields an error record, and the run goes on', async () => {
    const clock = new FakeClock();
    const f = fakeService(clock, () => 100);
    const exec: Exec<SpecIdentity> = async (s, ctx) => {
      if (s.document === 1) throw new TypeError('bad spec\nsecond line');
      return f.exec(s, ctx);
    };
    const opts = { concurrency: 1, delayBetweenMs: 0, load: closed, clock };
    const records = await drive(clock, runSchedule([spec(0), spec(1), spec(2)], exec, opts));
    expect(records).toHaveLength(3);
    const failed = records[1];
    expect(failed).toMatchObject({
      status: 'error',
      document: 1,
      errorKind: 'TypeError',
      errorMessage: 'the harness failed to make this call: bad spec',
      startMs: 100,
      latencyMs: 0,
    });
  });

  test('aborting turns the call in flight and every call not started into aborted records', async () => {
    const clock = new FakeClock();
    const f = fakeService(clock, () => 100);
    const controller = new AbortController();
    const specs = [0, 1, 2, 3, 4].map((i) => spec(i));
    const opts = { concurrency: 1, delayBetweenMs: 0, load: closed, clock, signal: controller.signal };
    const run = runSchedule(specs, f.exec, opts);
    await clock.advance(150);
    controller.abort();
    const records = await drive(clock, run);
    expect(records.map((r) => (r.status === 'ok' ? 'ok' : r.errorKind))).toEqual([
      'ok',
      'aborted',
      'aborted',
      'aborted',
      'aborted',
    ]);
    expect(records[1]).toMatchObject({ document: 1, startMs: 100, latencyMs: 50, attempts: 1 });
    // A call that never started has no latency (an empty cell), never a latency of 0.
    expect(records[2]).toMatchObject({ document: 2, startMs: 150, attempts: 0 });
    expect(records.slice(2).map((r) => r.latencyMs)).toEqual([undefined, undefined, undefined]);
  });
});

describe('runSchedule, open loop', () => {
  test('starts calls at a constant rate whether or not earlier calls ended', async () => {
    const clock = new FakeClock(1000);
    const f = fakeService(clock, () => 250);
    const load: LoadShape = { kind: 'open', rate: 10, arrival: 'constant', seed: 1 };
    const specs = [0, 1, 2, 3].map((i) => spec(i));
    const records = await drive(
      clock,
      runSchedule(specs, f.exec, { concurrency: 1, delayBetweenMs: 0, load, clock }),
    );
    expect(f.starts).toEqual([1000, 1100, 1200, 1300]);
    expect(f.maxInFlight()).toBe(3);
    const byDoc = [...records].sort((a, b) => a.document - b.document);
    expect(byDoc.map((r) => r.scheduledStartMs)).toEqual([1000, 1100, 1200, 1300]);
    expect(byDoc.map((r) => r.queueDelayMs)).toEqual([0, 0, 0, 0]);
  });

  test('with an in-flight cap, calls wait and the wait shows as queue delay', async () => {
    const clock = new FakeClock();
    const f = fakeService(clock, () => 250);
    const load: LoadShape = { kind: 'open', rate: 10, arrival: 'constant', seed: 1 };
    const specs = [0, 1, 2].map((i) => spec(i));
    const opts = { concurrency: 1, delayBetweenMs: 0, load, clock, maxInFlight: 1 };
    const records = await drive(clock, runSchedule(specs, f.exec, opts));
    expect(f.starts).toEqual([0, 250, 500]);
    expect(records.map((r) => r.scheduledStartMs)).toEqual([0, 100, 200]);
    expect(records.map((r) => r.queueDelayMs)).toEqual([0, 150, 300]);
    expect(records.map((r) => r.latencyMs)).toEqual([250, 250, 250]);
  });

  test('warmup runs closed before the open-loop schedule starts', async () => {
    const clock = new FakeClock();
    const f = fakeService(clock, () => 40);
    const load: LoadShape = { kind: 'open', rate: 20, arrival: 'constant', seed: 1 };
    const specs = [spec(0, 'warmup'), spec(0), spec(1)];
    const records = await drive(
      clock,
      runSchedule(specs, f.exec, { concurrency: 1, delayBetweenMs: 0, load, clock }),
    );
    expect(f.starts).toEqual([0, 40, 90]);
    expect(records[0]?.scheduledStartMs).toBeUndefined();
  });
});

describe('arrivalTimes', () => {
  test('constant: evenly spaced at 1000 / rate from t0', () => {
    expect(arrivalTimes(4, { kind: 'open', rate: 4, arrival: 'constant', seed: 7 }, 10)).toEqual([
      10, 260, 510, 760,
    ]);
  });

  test('Poisson: exponential gaps with mean 1000 / rate and coefficient of variation 1, reproducible', () => {
    const load = { kind: 'open', rate: 50, arrival: 'poisson', seed: 42 } as const;
    const times = arrivalTimes(20001, load, 0);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / (gaps.length - 1));
    // 20,000 exponential gaps: the standard error of the mean is 1/sqrt(20000) = 0.7% of it.
    expect(Math.abs(mean / 20 - 1)).toBeLessThan(0.03);
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.03);
    expect(gaps.every((g) => g >= 0)).toBe(true);
    expect(arrivalTimes(100, load, 0)).toEqual(times.slice(0, 100));
    expect(arrivalTimes(100, { ...load, seed: 43 }, 0)).not.toEqual(times.slice(0, 100));
  });
});

describe('realClock', () => {
  test('sleep never resolves before its time (real time: only a lower bound is asserted)', async () => {
    for (const ms of [0.4, 1.6, 3.3]) {
      const start = performance.now();
      await realClock.sleep(ms);
      expect(performance.now() - start).toBeGreaterThanOrEqual(ms);
    }
  });

  test('an aborted signal ends a sleep early, without rejecting', async () => {
    const controller = new AbortController();
    const sleeping = realClock.sleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
  });
});

describe('realClock.sleep beyond the longest timer', () => {
  test('waits without a TimeoutOverflowWarning (Node would fire such a timer after 1 ms, again and again)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on('warning', onWarning);
    const stop = new AbortController();
    let woke = false;
    const sleeping = realClock.sleep(1e12, stop.signal).then(() => {
      woke = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(woke).toBe(false);
    stop.abort();
    await sleeping;
    process.off('warning', onWarning);
    expect(warnings).toEqual([]);
  });
});
