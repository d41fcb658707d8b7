import { Bench, type Statistics } from 'tinybench';
import type { BenchmarkGroup, BenchmarkProvider, BenchResult } from 'vitest';
import type { CallSpec } from '../harness/call.ts';
import { type Clock, realClock } from '../harness/clock.ts';
import { type Exec, runSchedule, type ScheduleOptions, type SpecIdentity } from '../harness/scheduler.ts';
import { runOnThreads, type ThreadedCalls } from '../harness/thread-pool.ts';
import type { CallRecord } from '../records/call-record.ts';
import type { ClientHealthSample } from '../records/client-health.ts';
import { okMeasuredCalls } from '../records/metrics.ts';
import { mean } from '../stats/distribution.ts';
import { quantile, sortAscending } from '../stats/quantile.ts';

/**
 * converse-bench's Vitest `benchmark.provider`. Vitest's own provider repeats one function per
 * tinybench iteration (closed loop, no p90, samples sorted). Here a bench registration's function
 * carries a job (the model's plan and executor, under BENCH_JOB); the provider runs it with the
 * scheduler and hands Vitest a tinybench-shaped result computed from the ok measured calls, with
 * `p90` added, so Vitest's table lists each model. Registrations without a job run on tinybench as
 * Vitest's default provider would run them.
 */

/** Symbol.for: the provider and bench files may load this module through different module graphs. */
export const BENCH_JOB = Symbol.for('converse-bench.job');

export interface BenchJob<S extends SpecIdentity = SpecIdentity> {
  specs: readonly S[];
  exec: Exec<S>;
  schedule: Omit<ScheduleOptions, 'clock' | 'signal'>;
  /** Defaults to the real clock. */
  clock?: Clock;
  /**
   * Run the calls on worker threads instead (`workers` > 1): the specs as data and the client each
   * thread builds for itself; `exec` is not used then. Reports each thread's client health.
   */
  threads?: ThreadedCalls & {
    specs: readonly CallSpec[];
    onHealth: (threads: ClientHealthSample[]) => void;
    /** Why a thread stopped before its share was made, when one did. */
    onFailure?: (why: string) => void;
  };
}

type JobFn = (() => never) & { [BENCH_JOB]?: BenchJob<SpecIdentity> };

/**
 * A bench function carrying `job`. Called directly (Vitest's built-in provider), it throws: the
 * calls must go through the scheduler.
 */
export function jobFunction<S extends SpecIdentity>(job: BenchJob<S>): JobFn {
  const fn: JobFn = () => {
    throw new Error(
      "this benchmark needs converse-bench's provider: add `plugins: [converseBench()]` (from 'converse-bench/vitest') " +
        'to vitest.config.ts',
    );
  };
  fn[BENCH_JOB] = job as unknown as BenchJob<SpecIdentity>;
  return fn;
}

function jobOf(fn: unknown): BenchJob | undefined {
  return typeof fn === 'function' ? (fn as JobFn)[BENCH_JOB] : undefined;
}

const provider: BenchmarkProvider = {
  async run(group: BenchmarkGroup): Promise<BenchResult[]> {
    const results: BenchResult[] = [];
    const plain = group.registrations.filter((r) => !jobOf(r.fn));
    for (const registration of group.registrations) {
      const job = jobOf(registration.fn);
      if (!job) continue;
      const signal = group.test.context.signal;
      const records = job.threads
        ? await runThreaded(job.threads, { ...job.schedule, signal })
        : await runSchedule(job.specs, job.exec, { ...job.schedule, clock: job.clock ?? realClock, signal });
      results.push(benchResultFromRecords(registration.name, records, group.config.retainSamples));
    }
    if (plain.length > 0) results.push(...(await runOnTinybench(group, plain)));
    return results;
  },
};

export default provider;

async function runThreaded(
  threads: NonNullable<BenchJob['threads']>,
  schedule: Omit<ScheduleOptions, 'clock'>,
): Promise<CallRecord[]> {
  const { records, threads: health, failure } = await runOnThreads(threads.specs, threads, schedule);
  threads.onHealth(health);
  if (failure !== undefined) threads.onFailure?.(failure);
  return records;
}

async function runOnTinybench(group: BenchmarkGroup, registrations: BenchmarkGroup['registrations']) {
  const bench = new Bench({
    signal: group.test.context.signal,
    name: group.test.fullTestName,
    retainSamples: group.config.retainSamples,
    ...group.options,
    now: () => performance.now(),
  });
  for (const { name, fn, fnOpts } of registrations) bench.add(name, fn, fnOpts);
  await bench.run();
  return bench.tasks.map((task): BenchResult => {
    const result = task.result;
    if (result.state !== 'completed') {
      throw result.state === 'errored'
        ? result.error
        : new Error(`benchmark "${task.name}" ended ${result.state}`);
    }
    return { ...result, name: task.name };
  });
}

/** Statistics as tinybench shapes them, plus `p90`. */
export type LatencyStatistics = Statistics & { p90: number };

/**
 * Vitest's result for one model: latency statistics (ms) over ok measured calls; `NaN` figures
 * and 0 samples when no call succeeded (the failures are in the call records and the checks).
 */
export function benchResultFromRecords(
  name: string,
  records: readonly CallRecord[],
  retainSamples: boolean,
): BenchResult {
  const latencies = okMeasuredCalls(records).map((r) => r.latencyMs);
  const latency = statisticsOf(latencies, retainSamples);
  const rates = latencies.map((l) => (l > 0 ? 1000 / l : 1000 / latency.mean));
  const totalTime = latencies.length > 0 ? latency.mean * latencies.length : 0;
  return {
    name,
    state: 'completed',
    latency,
    throughput: statisticsOf(rates, retainSamples),
    period: latency.mean,
    totalTime,
    runtime: 'node',
    runtimeVersion: process.version,
    timestampProviderName: 'performanceNow',
  };
}

/** tinybench's Statistics (sample variance, t-based margin of error) with type 7 percentiles. */
export function statisticsOf(values: readonly number[], retainSamples: boolean): LatencyStatistics {
  const n = values.length;
  if (n === 0) return emptyStatistics();
  const sorted = Array.from(sortAscending(values));
  const m = mean(sorted);
  const variance = n < 2 ? 0 : sorted.reduce((acc, v) => acc + (v - m) ** 2, 0) / (n - 1);
  const sd = Math.sqrt(variance);
  const sem = sd / Math.sqrt(n);
  const df = n - 1;
  const critical = tCritical95(df);
  const moe = sem * critical;
  const p50 = quantile(sorted, 0.5);
  return {
    aad: mean(sorted.map((v) => Math.abs(v - m))),
    critical,
    df,
    mad: quantile(sortAscending(sorted.map((v) => Math.abs(v - p50))), 0.5),
    max: sorted[n - 1] as number,
    mean: m,
    min: sorted[0] as number,
    moe,
    p50,
    p75: quantile(sorted, 0.75),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    p995: quantile(sorted, 0.995),
    p999: quantile(sorted, 0.999),
    rme: m === 0 ? Number.POSITIVE_INFINITY : (moe / Math.abs(m)) * 100,
    samples: retainSamples ? (sorted as unknown as Statistics['samples']) : undefined,
    samplesCount: n,
    sd,
    sem,
    variance,
  };
}

function emptyStatistics(): LatencyStatistics {
  const none = Number.NaN;
  return {
    aad: none,
    critical: none,
    df: 0,
    mad: none,
    max: none,
    mean: none,
    min: none,
    moe: none,
    p50: none,
    p75: none,
    p90: none,
    p99: none,
    p995: none,
    p999: none,
    rme: none,
    samples: undefined,
    samplesCount: 0,
    sd: none,
    sem: none,
    variance: none,
  };
}

/** Student's t 0.975 quantile for df 1..30 (scipy.stats.t.ppf(0.975, df), 9 decimals). */
const T_975 = [
  12.706204736, 4.30265273, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135,
  2.262157163, 2.228138852, 2.20098516, 2.17881283, 2.160368656, 2.144786688, 2.131449546, 2.119905299,
  2.109815578, 2.10092204, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.06865761, 2.063898562,
  2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
];

/**
 * Two-sided 95% critical value of Student's t: the table up to 30 degrees of freedom, then the
 * Cornish-Fisher expansion around the normal quantile (error < 1e-7 from df 30 on). df 0 uses 1, as
 * tinybench does.
 */
export function tCritical95(df: number): number {
  const d = Math.max(1, df);
  if (d <= 30) return T_975[d - 1] as number;
  const z = 1.959963984540054;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  const z9 = z ** 9;
  return (
    z +
    (z3 + z) / (4 * d) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * d ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d ** 3) +
    (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * d ** 4)
  );
}
