import type { BenchmarkGroup } from 'vitest';
import { describe, expect, test } from 'vitest';
import { FakeClock } from '../src/harness/clock.ts';
import type { SpecIdentity } from '../src/harness/scheduler.ts';
import type { CallRecord, OkCall } from '../src/records/call-record.ts';
import provider, {
  benchResultFromRecords,
  jobFunction,
  statisticsOf,
  tCritical95,
} from '../src/vitest/provider.ts';
import { okCall } from './fixtures/report-records.ts';
import { callIdentity } from './helpers/calls.ts';

const values = [120.5, 80.25, 200.0, 95.75, 310.0, 150.0, 99.0];

function ok(latencyMs: number, phase: 'warmup' | 'measure' = 'measure'): OkCall {
  return okCall({ modelId: 'm', phase, latencyMs, attemptMs: [latencyMs] });
}

describe('statisticsOf (tinybench-shaped, with p90)', () => {
  test('agrees with numpy (type 7 percentiles, ddof 1)', () => {
    const s = statisticsOf(values, false);
    // numpy: a.mean(), a.var(ddof=1), np.quantile(a, q), mean |a - mean|, median |a - median|
    expect(s.mean).toBeCloseTo(150.78571428571428, 12);
    expect(s.variance).toBeCloseTo(6562.508928571428, 9);
    expect(s.sd).toBeCloseTo(81.00931383841878, 12);
    expect([s.p50, s.p75, s.p90, s.p99, s.p995, s.p999]).toEqual([
      120.5, 175, 244.00000000000006, 303.3999999999999, 306.7, 309.34,
    ]);
    expect(s.aad).toBeCloseTo(59.55102040816326, 12);
    expect(s.mad).toBe(29.5);
    expect([s.min, s.max, s.samplesCount, s.df]).toEqual([80.25, 310, 7, 6]);
    expect(s.critical).toBe(2.446911851);
    expect(s.sem).toBeCloseTo(s.sd / Math.sqrt(7), 12);
    expect(s.moe).toBeCloseTo(s.sem * 2.446911851, 12);
    expect(s.rme).toBeCloseTo((s.moe / s.mean) * 100, 12);
    expect(s.samples).toBeUndefined();
    expect(statisticsOf(values, true).samples).toEqual([...values].sort((a, b) => a - b));
  });

  test('one sample: zero spread; none: NaN figures and 0 samples', () => {
    expect(statisticsOf([42], false)).toMatchObject({
      mean: 42,
      p90: 42,
      sd: 0,
      variance: 0,
      df: 0,
      critical: 12.706204736,
    });
    const none = statisticsOf([], false);
    expect(none.samplesCount).toBe(0);
    expect(none.mean).toBeNaN();
  });

  test('t critical values: table to 30 degrees of freedom, Cornish-Fisher beyond (scipy.stats.t.ppf(0.975, df))', () => {
    expect(tCritical95(0)).toBe(12.706204736);
    expect(tCritical95(30)).toBe(2.042272456);
    expect(tCritical95(31)).toBeCloseTo(2.039513446396408, 7);
    expect(tCritical95(120)).toBeCloseTo(1.9799304050824402, 9);
    expect(tCritical95(1000)).toBeCloseTo(1.9623390808264083, 12);
  });
});

describe('benchResultFromRecords', () => {
  test('latency over ok measured calls only; throughput per call in ops/s', () => {
    const failed = { ...ok(1), status: 'error', errorKind: 'x', errorMessage: 'y' } as unknown as CallRecord;
    const r = benchResultFromRecords(
      'm converse',
      [ok(9999, 'warmup'), ok(100), ok(200), failed, ok(400)],
      false,
    );
    expect(r).toMatchObject({
      name: 'm converse',
      state: 'completed',
      runtime: 'node',
      timestampProviderName: 'performanceNow',
    });
    if (r.state !== 'completed') throw new Error('not completed');
    expect(r.latency.samplesCount).toBe(3);
    expect(r.latency.mean).toBeCloseTo(700 / 3, 12);
    expect((r.latency as { p90?: number }).p90).toBeCloseTo(360, 12);
    expect(r.totalTime).toBeCloseTo(700, 9);
    expect(r.period).toBeCloseTo(700 / 3, 12);
    expect(r.throughput.mean).toBeCloseTo((10 + 5 + 2.5) / 3, 12);
  });
});

describe('the provider', () => {
  test('runs a job through the scheduler and returns one result per registration', async () => {
    const clock = new FakeClock();
    const spec = (document: number, phase: 'warmup' | 'measure' = 'measure'): SpecIdentity =>
      callIdentity({ modelId: 'm', phase, document });
    const seen: CallRecord[] = [];
    const fn = jobFunction({
      specs: [spec(0, 'warmup'), spec(0), spec(1), spec(2)],
      exec: async (s) => {
        const start = clock.now();
        await clock.sleep(100 * (s.document + 1));
        return { ...ok(clock.now() - start, s.phase), document: s.document, startMs: start };
      },
      schedule: {
        concurrency: 3,
        delayBetweenMs: 0,
        load: { kind: 'closed' },
        onRecord: (r) => seen.push(r),
      },
      clock,
    });
    const group = {
      test: { context: { signal: new AbortController().signal }, fullTestName: 't' },
      config: { retainSamples: false },
      registrations: [{ name: 'm converse', fn }],
    } as unknown as BenchmarkGroup;
    const running = provider.run(group);
    await clock.runAll();
    const [result] = await running;
    expect(seen.map((r) => `${r.phase}:${r.document}:${r.latencyMs}`)).toEqual([
      'warmup:0:100',
      'measure:0:100',
      'measure:1:200',
      'measure:2:300',
    ]);
    expect(result?.name).toBe('m converse');
    expect(result?.state === 'completed' && result.latency.samplesCount).toBe(3);
    expect(() => (fn as () => void)()).toThrow("this benchmark needs converse-bench's provider");
  });

  test("plain functions (no job) run on tinybench, as with Vitest's own provider", async () => {
    let calls = 0;
    const group = {
      test: { context: { signal: new AbortController().signal }, fullTestName: 't' },
      config: { retainSamples: false },
      registrations: [{ name: 'plain', fn: () => calls++ }],
      options: { iterations: 5, time: 0, warmup: false },
    } as unknown as BenchmarkGroup;
    const [result] = await provider.run(group);
    expect(result?.name).toBe('plain');
    expect(result?.state === 'completed' && result.latency.samplesCount).toBe(5);
    expect(calls).toBeGreaterThanOrEqual(5);
  });
});
