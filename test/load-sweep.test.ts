import { describe, expect, test } from 'vitest';
import { DEFAULT_OPTIONS } from '../src/config/defaults.ts';
import { OPTION_TABLE, resolveOptions } from '../src/config/resolve.ts';
import { runTimeScale, scheduledLoad } from '../src/config/time-scale.ts';
import { modelKey, optionsAtLevel, sweepLevels } from '../src/load/sweep.ts';
import { achievedRate, buildSweepTables, type SweepRun } from '../src/load/sweep-table.ts';
import { delayBetweenCallsMs } from '../src/plan/calls.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import type { SweepTable } from '../src/records/load.ts';
import { renderSweepTable } from '../src/report/render-sweep.ts';
import { errorCall, okCall, warmupCall } from './fixtures/report-records.ts';

describe('sweep, slo and maxInFlight options', () => {
  test('are read from the environment and listed in the option table', () => {
    const options = resolveOptions({
      env: {
        CONVERSE_BENCH_SWEEP: 'rate:0.5,2,10',
        CONVERSE_BENCH_SLO: 'latency:3000,ttft:800',
        CONVERSE_BENCH_MAX_IN_FLIGHT: '8',
      },
    });
    expect(options.sweep).toEqual({ kind: 'rate', levels: [0.5, 2, 10] });
    expect(options.slo).toEqual({ latencyMs: 3000, ttftMs: 800 });
    expect(options.maxInFlight).toBe(8);
    const names = OPTION_TABLE.map((row) => row.env);
    expect(names).toEqual(
      expect.arrayContaining(['CONVERSE_BENCH_SWEEP', 'CONVERSE_BENCH_SLO', 'CONVERSE_BENCH_MAX_IN_FLIGHT']),
    );
  });

  test.each([
    ['CONVERSE_BENCH_SWEEP', 'concurrency:4,1', 'ascending'],
    ['CONVERSE_BENCH_SWEEP', 'concurrency:1.5', 'whole numbers'],
    ['CONVERSE_BENCH_SWEEP', 'users:1,2', 'concurrency:N'],
    ['CONVERSE_BENCH_SLO', 'ttft:0', 'each > 0'],
    ['CONVERSE_BENCH_SLO', 'ttft:5,ttft:6', 'ttft:MS'],
    ['CONVERSE_BENCH_SLO', 'p90:5', 'ttft:MS'],
    ['CONVERSE_BENCH_MAX_IN_FLIGHT', '0', 'whole number >= 1'],
  ])('%s=%s is a ConfigError naming the variable and the fix', (name, value, fix) => {
    expect(() => resolveOptions({ env: { [name]: value } })).toThrow(`${name}=${JSON.stringify(value)}`);
    expect(() => resolveOptions({ env: { [name]: value } })).toThrow(fix);
  });

  test('a bench file gives them as objects', () => {
    const options = resolveOptions({
      file: { sweep: { kind: 'concurrency', levels: [1, 4] }, slo: { ttftMs: 500 } },
    });
    expect(options.sweep).toEqual({ kind: 'concurrency', levels: [1, 4] });
    expect(() => resolveOptions({ file: { slo: {} } })).toThrow('at least one');
  });
});

describe('sweep planning', () => {
  test('no sweep: no levels', () => {
    expect(sweepLevels(DEFAULT_OPTIONS)).toEqual([]);
  });

  test('concurrency levels run closed loop at each level', () => {
    const options = {
      ...DEFAULT_OPTIONS,
      load: { kind: 'open', rate: 3, arrival: 'poisson', seed: 9 } as const,
      sweep: { kind: 'concurrency' as const, levels: [1, 4, 16] },
    };
    const levels = sweepLevels(options);
    expect(levels.map((l) => l.label)).toEqual(['concurrency=1', 'concurrency=4', 'concurrency=16']);
    const at = optionsAtLevel(options, levels[1] as (typeof levels)[number]);
    expect(at.numParallelCalls).toBe(4);
    expect(at.load).toEqual({ kind: 'closed' });
    expect(at.sweep).toEqual(options.sweep);
  });

  test('rate levels run open loop at each rate, keeping arrival and seed of an open load', () => {
    const sweep = { kind: 'rate' as const, levels: [2, 5] };
    const [two] = sweepLevels({ ...DEFAULT_OPTIONS, sweep });
    if (two === undefined) throw new Error('no level');
    expect(optionsAtLevel({ ...DEFAULT_OPTIONS, sweep }, two).load).toEqual({
      kind: 'open',
      rate: 2,
      arrival: 'constant',
      seed: 1,
    });
    const poisson = {
      ...DEFAULT_OPTIONS,
      sweep,
      load: { kind: 'open', rate: 9, arrival: 'poisson', seed: 7 } as const,
    };
    expect(optionsAtLevel(poisson, two).load).toEqual({ kind: 'open', rate: 2, arrival: 'poisson', seed: 7 });
  });

  test('model keys get the level as a suffix', () => {
    expect(modelKey('m', 'converse', 'standard')).toBe('m|converse|standard');
    expect(modelKey('m', 'converse', 'standard', { kind: 'rate', level: 2.5, label: 'rate=2.5' })).toBe(
      'm|converse|standard|rate=2.5',
    );
  });
});

/** Four measured calls over exactly 2 s of wall clock (startMs 0 to 2000). */
function levelRecords(latencies: number[], queue = 0): CallRecord[] {
  return [
    warmupCall({ startMs: -5000, latencyMs: 10 }),
    ...latencies.map((latencyMs, i) =>
      okCall({
        startMs: 2000 - latencyMs - i,
        latencyMs,
        outputTokens: 100,
        ...(queue > 0 ? { scheduledStartMs: 0, queueDelayMs: queue } : {}),
      }),
    ),
    errorCall({ startMs: 0, latencyMs: 50 }),
  ];
}

function run(level: number, records: CallRecord[]): SweepRun {
  return {
    key: `m|converse|standard|rate=${level}`,
    modelId: 'm',
    api: 'converse',
    latencyMode: 'standard',
    level: { kind: 'rate', level, label: `rate=${level}` },
    slo: { latencyMs: 1000 },
    records,
  };
}

describe('latency-versus-throughput table', () => {
  test('one row per level in level order, with achieved rate, tokens/s, latency from schedule and goodput', () => {
    const tables = buildSweepTables([
      run(4, levelRecords([800, 900, 1000, 1100], 100)),
      run(2, levelRecords([500, 600, 700, 800])),
    ]);
    expect(tables).toHaveLength(1);
    const [table] = tables;
    expect(table?.rows.map((r) => r.level)).toEqual([2, 4]);
    // Level 2: 4 ok of 5 measured calls over 2 s; 400 output tokens; latencies 500..800.
    expect(table?.rows[0]).toEqual({
      level: 2,
      key: 'm|converse|standard|rate=2',
      calls: 5,
      ok: 4,
      achievedRate: 2,
      outputTokensPerSecond: 200,
      latencyMs: { p50: 650, p90: 770, p99: 797 },
      goodput: 0.8,
    });
    // Level 4: 100 ms of queue delay on each call: response times 900..1200, two within 1000 ms.
    expect(table?.rows[1]?.latencyMs).toEqual({ p50: 1050, p90: 1170, p99: 1197 });
    expect(table?.rows[1]?.goodput).toBe(0.4);
  });

  test('renders a title naming what latency is timed from and the objectives, then aligned rows', () => {
    const [table] = buildSweepTables([run(2, levelRecords([500, 600, 700, 800]))]);
    if (table === undefined) throw new Error('no table');
    expect(renderSweepTable(table)).toEqual([
      'sweep m converse standard: latency from the scheduled start; goodput: latency:1000 ms',
      '  rate /s  offered /s  calls  ok  achieved /s  tokens out /s  P50 s  P90 s  P99 s  TTFT P90 s  goodput',
      '        2           -      5   4         2.00          200.0  0.650  0.770  0.797           -    80.0%',
    ]);
  });

  test('the achieved rate of an open loop is over the schedule span, so it never passes the offered rate', () => {
    // 10 calls at 2/s, 20 ms each: first start 0, last end 4520 ms. 10 / 4.52 s would print 2.21/s.
    const records = Array.from({ length: 10 }, (_, i) =>
      okCall({ startMs: i * 500, latencyMs: 20, scheduledStartMs: i * 500, queueDelayMs: 0 }),
    );
    expect(achievedRate(10, 10, 4520, 2)).toBe(2);
    expect(achievedRate(10, 10, 4520)).toBeCloseTo(10 / 4.52, 12);
    // Calls that outlast the schedule: the wall clock is the window (10 over 8 s).
    expect(achievedRate(10, 10, 8000, 2)).toBe(1.25);
    expect(achievedRate(0, 0, 0, 2)).toBe(0);
    const [table] = buildSweepTables([{ ...run(2, records), scheduledRate: 2 }]);
    expect(table?.rows[0]).toMatchObject({ offeredRate: 2, achievedRate: 2 });
    expect(renderSweepTable(table as SweepTable)[2]).toMatch(/^ {8}2 {8}2\.00 {5}10 {2}10 {9}2\.00 /);
  });

  test('the time scale speeds up the schedule: open:2 at 0.02 runs 100 calls a second, Bedrock never scaled', () => {
    const open = { kind: 'open', rate: 2, arrival: 'constant', seed: 1 } as const;
    expect(scheduledLoad({ target: 'emulator', timeScale: 0.02, load: open })).toEqual({
      ...open,
      rate: 100,
    });
    expect(scheduledLoad({ target: 'bedrock', timeScale: 0.02, load: open })).toEqual(open);
    expect(scheduledLoad({ target: 'emulator', timeScale: 0.02, load: { kind: 'closed' } })).toEqual({
      kind: 'closed',
    });
    expect(runTimeScale({ target: 'emulator', timeScale: 0.5 })).toBe(0.5);
    expect(delayBetweenCallsMs({ target: 'emulator', timeScale: 0.02, delayBetweenCalls: 1 })).toBe(20);
    expect(delayBetweenCallsMs({ target: 'bedrock', timeScale: 0.02, delayBetweenCalls: 1 })).toBe(1000);
  });
});
