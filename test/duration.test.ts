import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { flagsToEnv } from '../src/cli/bench.ts';
import { DEFAULT_OPTIONS } from '../src/config/defaults.ts';
import { durationText, parseDuration } from '../src/config/duration.ts';
import { resolveOptions } from '../src/config/resolve.ts';
import { FakeClock } from '../src/harness/clock.ts';
import { runSchedule, type SpecIdentity, splitSchedule } from '../src/harness/scheduler.ts';
import {
  buildPlan,
  durationCalls,
  measuredCallCap,
  modelCallCount,
  planInput,
  scheduledCallCount,
  worstCaseMs,
} from '../src/plan/calls.ts';
import { estimatePlan, renderPlanLine } from '../src/plan/estimate.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import type { ResolvedOptions } from '../src/records/options.ts';
import { buildRunRecord, isInterrupted } from '../src/report/build-run-record.ts';
import { openJournal } from '../src/report/journal.ts';
import { renderRunMarkdown } from '../src/report/markdown-summary.ts';
import { ProgressBoard, progressDone, renderProgress } from '../src/report/progress.ts';
import { rebuildFromJournal } from '../src/report/rebuild-from-journal.ts';
import type { ReportInputs } from '../src/report/report-inputs.ts';
import { renderSummaryTable } from '../src/report/summary-table.ts';
import { sampleInputs } from './fixtures/report-records.ts';
import { callIdentity } from './helpers/calls.ts';
import { fakeService } from './helpers/fake-service.ts';

/** Duration-bounded runs (issue 23, item 6). */

const options = (overrides: Partial<ResolvedOptions> = {}): ResolvedOptions => ({
  ...DEFAULT_OPTIONS,
  ...overrides,
});
const open = (rate: number) => ({ kind: 'open' as const, rate, arrival: 'constant' as const, seed: 1 });

describe('duration text', () => {
  test.each([
    ['300', 300],
    ['2.5', 2.5],
    ['90s', 90],
    ['5m', 300],
    ['1h30m', 5400],
    ['1h0m5s', 3605],
    ['1.5h', 5400],
    ['500ms', 0.5],
    ['1m500ms', 60.5],
  ])('%s is %d s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  test.each(['', '-5', '+5', '5 m', '5x', 'm', '5m5m', '30s5m', '5mm', '1e3s', 's5'])(
    '%j is not a duration',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  test('shown in the largest units', () => {
    expect([300, 90, 5, 5400, 3605, 2.5, 0.5, 61.5].map(durationText)).toEqual([
      '5m',
      '1m30s',
      '5s',
      '1h30m',
      '1h5s',
      '2.5s',
      '500ms',
      '61.5s',
    ]);
  });
});

describe('duration setting', () => {
  const env = (vars: Record<string, string>) => resolveOptions({ env: vars });

  test('CONVERSE_BENCH_DURATION takes seconds or a time; a bench file seconds', () => {
    expect(env({ CONVERSE_BENCH_DURATION: '5m' }).duration).toBe(300);
    expect(env({ CONVERSE_BENCH_DURATION: '45' }).duration).toBe(45);
    expect(resolveOptions({ file: { duration: 12.5 } }).duration).toBe(12.5);
    expect(resolveOptions().duration).toBeUndefined();
  });

  const must =
    "duration must be a number of seconds > 0 or a time such as 90s, 5m or 1h30m (units ms, s, m, h), at most 2147483 s (Node's longest timer, about 24.8 days)";
  test.each(['0', '-1', 'abc', '5 minutes', '2147484', '0s', '600h'])(
    '%j is one line naming the fix',
    (text) => {
      expect(() => env({ CONVERSE_BENCH_DURATION: text })).toThrow(
        `CONVERSE_BENCH_DURATION=${JSON.stringify(text)}: ${must}`,
      );
    },
  );

  test('a bench file gives seconds', () => {
    expect(() =>
      resolveOptions({ file: { duration: '5m' as unknown as number }, where: 'bench/a.bench.ts' }),
    ).toThrow(
      'bench/a.bench.ts: duration="5m": duration must be a number of seconds > 0 and <= 2147483, e.g. 300 for 5 minutes',
    );
    expect(() => resolveOptions({ file: { duration: 0 } })).toThrow('duration=0: duration must be');
  });

  test('the counts a duration replaces are refused, not ignored', () => {
    expect(() =>
      env({ CONVERSE_BENCH_DURATION: '5m', CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '40' }),
    ).toThrow(
      'duration 5m with invocationsPerScenario 40: a duration run cycles the documents until it ends instead of counting repetitions; set invocationsPerScenario to 1, or leave duration unset',
    );
    expect(() =>
      resolveOptions({ file: { duration: 60, experimentCounts: 3 }, where: 'bench file for m' }),
    ).toThrow('bench file for m: duration 1m with experimentCounts 3: a duration run cycles');
  });

  test("a duration for the whole run replaces a bench file's counts; a preset's give way to --duration", () => {
    const resolved = resolveOptions({
      env: { CONVERSE_BENCH_DURATION: '30s' },
      file: { invocationsPerScenario: 2, experimentCounts: 3, numParallelCalls: 4 },
    });
    expect([resolved.duration, resolved.invocationsPerScenario, resolved.experimentCounts]).toEqual([
      30, 1, 1,
    ]);
    expect(resolved.numParallelCalls).toBe(4);
    const { env: gate } = flagsToEnv(['--preset', 'gate', '--duration', '5m']);
    expect(gate).toEqual({
      CONVERSE_BENCH_REQUIRE_BUDGETS: 'true',
      CONVERSE_BENCH_NUM_PARALLEL_CALLS: '16',
      CONVERSE_BENCH_WARMUP_CALLS: '4',
      CONVERSE_BENCH_DELAY_BETWEEN_CALLS: '0',
      CONVERSE_BENCH_DURATION: '5m',
    });
    expect(resolveOptions({ env: gate }).duration).toBe(300);
    // Counts given as flags beside it are the user's own: a conflict.
    const { env: both } = flagsToEnv(['--duration', '5m', '--invocations-per-scenario', '3']);
    expect(() => resolveOptions({ env: both })).toThrow(
      /^duration 5m with invocationsPerScenario 3: a duration run cycles/,
    );
  });

  test('closed loop against Bedrock: the cap is where it stops, so allowLargeRun is refused', () => {
    const bedrock = { CONVERSE_BENCH_TARGET: 'bedrock', CONVERSE_BENCH_DURATION: '10m' };
    expect(() => env({ ...bedrock, CONVERSE_BENCH_ALLOW_LARGE_RUN: 'true' })).toThrow(
      'duration 10m closed loop against Bedrock with allowLargeRun: its calls cannot be counted beforehand, so maxCalls is where it stops; raise maxCalls (now 500) instead of allowLargeRun',
    );
    // Open loop counts its calls: allowLargeRun means what it always meant.
    expect(
      env({ ...bedrock, CONVERSE_BENCH_ALLOW_LARGE_RUN: 'true', CONVERSE_BENCH_LOAD: 'open:2' }).duration,
    ).toBe(600);
    expect(() =>
      env({
        ...bedrock,
        CONVERSE_BENCH_API: 'both',
        CONVERSE_BENCH_MAX_CALLS: '4',
        CONVERSE_BENCH_WARMUP_CALLS: '2',
      }),
    ).toThrow(
      'duration 10m closed loop against Bedrock: maxCalls 4 leaves 2 calls per API and sweep level, no more than warmupCalls 2; raise maxCalls or lower warmupCalls',
    );
  });

  test('with a sweep, each level runs for the duration', () => {
    const swept = env({ CONVERSE_BENCH_DURATION: '30s', CONVERSE_BENCH_SWEEP: 'concurrency:1,4' });
    expect(swept.duration).toBe(30);
  });
});

describe('what a duration plans', () => {
  test('open loop: ceil(duration x rate) calls, cycling the documents; the same at every time scale', () => {
    expect(durationCalls(options({ duration: 5, load: open(2) }), 3)).toBe(10);
    expect(durationCalls(options({ duration: 2.5, load: open(1) }), 3)).toBe(3);
    // 0.1 x 30 is 3.0000000000000004 in floating point: still 3 calls.
    expect(durationCalls(options({ duration: 0.1, load: open(30) }), 3)).toBe(3);
    const plan = buildPlan(
      planInput(options({ duration: 2.5, load: open(2), warmupCalls: 1 }), ['converse'], 2),
    );
    expect(plan.map((c) => `${c.phase[0]}${c.experiment}${c.invocation}${c.document}`)).toEqual([
      'w000',
      'm000',
      'm001',
      'm010',
      'm011',
      'm020',
    ]);
    expect(
      scheduledCallCount(options({ duration: 2.5, load: open(2), timeScale: 0.02 }), 'converse', 2),
    ).toBe(6);
  });

  test('closed loop: one round of the documents, cycled until the deadline; only the warmup is scheduled', () => {
    const closed = options({ duration: 60, warmupCalls: 2 });
    expect(durationCalls(closed, 3)).toBe(3);
    expect(buildPlan(planInput(closed, ['converse'], 3)).map((c) => `${c.phase[0]}${c.document}`)).toEqual([
      'w0',
      'w1',
      'm0',
      'm1',
      'm2',
    ]);
    expect(scheduledCallCount(closed, 'converse', 3)).toBe(2);
  });

  test('the model count for the cap: every API and rate level counted; a deadline run is not', () => {
    const swept = options({ duration: 10, api: 'both', sweep: { kind: 'rate', levels: [1, 2] } });
    // Per API: (1 warmup + 10) at 1/s and (1 + 20) at 2/s.
    expect(modelCallCount(swept, 5)).toBe(2 * (11 + 21));
    expect(modelCallCount(options({ duration: 10 }), 5)).toBeUndefined();
    expect(modelCallCount(options({ invocationsPerScenario: 3 }), 5)).toBe(16);
  });

  test('against Bedrock a deadline run stops at its share of maxCalls, warmup off the share', () => {
    const swept = options({
      target: 'bedrock',
      duration: 10,
      api: 'both',
      sweep: { kind: 'concurrency', levels: [1, 4] },
    });
    expect(measuredCallCap(swept)).toBe(Math.floor(500 / 4) - 1);
    expect(measuredCallCap({ ...swept, target: 'emulator' })).toBeUndefined();
    expect(measuredCallCap({ ...swept, sweep: { kind: 'rate', levels: [1] } })).toBeUndefined();
  });

  test('the Vitest timeout: warmups, the duration at the time scale, the calls in flight at its end', () => {
    const base = options({ duration: 5, timeoutSeconds: 2, delayBetweenCalls: 0.5, timeScale: 0.02 });
    // 1 warmup of 2 s + 10 ms, 5 s x 0.02, then one call's 2,010 ms.
    expect(worstCaseMs(base, ['converse'], 10)).toBe(2010 + 100 + 2010);
    // Open loop: 10 calls at 4/s, scaled to 8/s at time scale 0.5, span 1.25 s.
    const openRun = options({
      duration: 2.5,
      load: open(4),
      timeoutSeconds: 2,
      delayBetweenCalls: 0,
      timeScale: 0.5,
    });
    expect(worstCaseMs(openRun, ['converse'], 10)).toBe(2000 + 1250 + 2000);
  });

  test('the plan line says what the duration does', () => {
    const estimate = (o: Partial<ResolvedOptions>) =>
      renderPlanLine(
        estimatePlan({
          modelId: 'm',
          api: 'converse',
          region: 'us-east-1',
          promptTemplate: '{context}',
          documents: ['abc', 'defgh'],
          options: options({ maxTokens: 10, ...o }),
          count: (text) => text.length,
        }),
      );
    // 1 warmup (3) + 5 calls cycling 3, 5, 3, 5, 3.
    expect(estimate({ duration: 2.5, load: open(2) })).toBe(
      'plan m converse: 6 calls (1 warmup + 5 measured, 2.5s at the open-loop rate) to emulator us-east-1, ~22 input tokens, <= 60 output tokens (maxTokens 10)',
    );
    expect(estimate({ duration: 300 })).toBe(
      'plan m converse: 1 warmup call, then closed loop for 5m (measured calls drawn until the deadline, not counted beforehand) to emulator us-east-1, warmup ~3 input tokens, <= 10 output tokens a call (maxTokens 10)',
    );
    // The warmup's 3, then 99 measured: 49 rounds of 3 + 5, and one more 3.
    expect(estimate({ duration: 300, target: 'bedrock', maxCalls: 100 })).toBe(
      'plan m converse: at most 100 calls (1 warmup + 99 measured, then closed loop for 5m: at most 99 measured (its share of maxCalls), stopped there) to bedrock us-east-1, ~398 input tokens, <= 1,000 output tokens (maxTokens 10)',
    );
  });
});

const round = [0, 1, 2].map((document) => callIdentity({ document }));
const warmup = callIdentity({ phase: 'warmup' });

describe('closed loop until a deadline, on a fake clock', () => {
  async function runUntil(
    until: { durationMs: number; maxCalls?: number },
    opts: { concurrency?: number; delayBetweenMs?: number; callMs?: number; stopAfter?: number } = {},
  ) {
    const clock = new FakeClock();
    const svc = fakeService(clock, () => opts.callMs ?? 300);
    const records: CallRecord[] = [];
    const done = runSchedule([warmup, ...round], svc.exec, {
      concurrency: opts.concurrency ?? 2,
      delayBetweenMs: opts.delayBetweenMs ?? 0,
      load: { kind: 'closed' },
      clock,
      until,
      onRecord: (r) => records.push(r),
      shouldStop: () => opts.stopAfter !== undefined && records.length >= opts.stopAfter,
    });
    await clock.runAll();
    await done;
    return { records, starts: svc.starts, end: clock.now() };
  }
  const drawn = (records: CallRecord[]) =>
    records.filter((r) => r.phase === 'measure').map((r) => `${r.invocation}:${r.document}`);

  test('calls start while the deadline is ahead, cycling the documents; those in flight at it finish', async () => {
    // Warmup 0-300; the deadline is 1,000 ms after it: 2 workers start at 300, 600, 900, 1,200.
    const { records, starts, end } = await runUntil({ durationMs: 1000 });
    expect(starts).toEqual([0, 300, 300, 600, 600, 900, 900, 1200, 1200]);
    expect(drawn(records)).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2', '2:0', '2:1']);
    expect(end).toBe(1500);
  });

  test('the pause counts: a call due after the deadline once paused does not start', async () => {
    // One worker: pause 100, call 300 -> starts at 400, 800, 1,200 after the warmup's 100 + 300.
    const { starts } = await runUntil({ durationMs: 1000 }, { concurrency: 1, delayBetweenMs: 100 });
    expect(starts).toEqual([100, 500, 900, 1300]);
  });

  test('the cap stops it before the deadline; so does an early stop', async () => {
    const capped = await runUntil({ durationMs: 10_000, maxCalls: 5 });
    expect(drawn(capped.records)).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1']);
    const stopped = await runUntil({ durationMs: 10_000 }, { stopAfter: 3 });
    // The warmup ends at 300, two calls at 600: the first of them to end sees 2 records and starts
    // one more; the second sees 3, and no call starts after.
    expect(stopped.starts).toEqual([0, 300, 300, 600]);
    expect(stopped.records).toHaveLength(4);
  });

  test('an interrupt ends it: no call starts after, calls in flight are aborted records', async () => {
    const clock = new FakeClock();
    const svc = fakeService(clock, () => 300);
    const controller = new AbortController();
    const done = runSchedule(round, svc.exec, {
      concurrency: 2,
      delayBetweenMs: 0,
      load: { kind: 'closed' },
      clock,
      signal: controller.signal,
      until: { durationMs: 60_000 },
    });
    await clock.advance(450);
    controller.abort();
    await clock.runAll();
    const records = await done;
    expect(svc.starts).toEqual([0, 0, 300, 300]);
    expect(records.map((r) => (r.status === 'error' ? r.errorKind : r.status))).toEqual([
      'ok',
      'ok',
      'aborted',
      'aborted',
    ]);
  });

  test('worker threads: each share has the whole round and one deadline, and they draw from one counter', () => {
    const shares = splitSchedule(
      round,
      2,
      { concurrency: 3, load: { kind: 'closed' }, until: { durationMs: 500, maxCalls: 9 } },
      1000,
    );
    expect(
      shares.map((s) => [s.specs.length, s.concurrency, s.until?.deadlineMs, s.until?.maxCalls]),
    ).toEqual([
      [3, 2, 1500, 9],
      [3, 1, 1500, 9],
    ]);
    const counter = shares[0]?.until?.counter;
    expect(counter?.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shares[1]?.until?.counter).toBe(counter);
  });

  test('two shares of unequal concurrency together draw the run calls in order, each once, within the cap', async () => {
    const clock = new FakeClock();
    const svc = fakeService(clock, () => 100);
    const shares = splitSchedule(
      round,
      2,
      { concurrency: 3, load: { kind: 'closed' }, until: { durationMs: 10_000, maxCalls: 7 } },
      0,
    );
    const runs = shares.map((share) =>
      runSchedule(share.specs as SpecIdentity[], svc.exec, {
        concurrency: share.concurrency,
        delayBetweenMs: 0,
        load: { kind: 'closed' },
        clock,
        ...(share.until === undefined ? {} : { until: share.until }),
      }),
    );
    await clock.runAll();
    const byShare = await Promise.all(runs);
    // The share with 2 in flight makes more of the calls; between them, calls 0..6 once each.
    expect(byShare.map((records) => records.length)).toEqual([5, 2]);
    expect(drawn(byShare.flat()).sort()).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2', '2:0']);
  });
});

describe('a closed-loop duration run is whole when it recorded its end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duration-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The sample inputs' first model as a closed-loop duration run. */
  function durationInputs(): ReportInputs {
    const inputs = sampleInputs();
    const [first] = inputs.models;
    if (first === undefined) throw new Error('sample inputs have a model');
    first.model.options = { ...first.model.options, duration: 5, load: { kind: 'closed' } };
    first.model.scheduledCalls = first.records.filter((r) => r.phase === 'warmup').length;
    return { ...inputs, models: [first] };
  }

  test('without its end it was cut short; with it, planned = rows', () => {
    const inputs = durationInputs();
    const first = inputs.models[0];
    if (first === undefined) throw new Error('a model');
    expect(isInterrupted(inputs)).toBe(true);
    first.model.durationEnd = { endedBy: 'deadline', calls: first.records.length };
    expect(isInterrupted(inputs)).toBe(false);
    first.model.durationEnd = { endedBy: 'deadline', calls: first.records.length + 1 };
    expect(isInterrupted(inputs)).toBe(true);
  });

  test('the journal keeps the end: a rebuild knows the plan, and without the line calls it interrupted', async () => {
    const inputs = durationInputs();
    const first = inputs.models[0];
    if (first === undefined) throw new Error('a model');
    const write = async (path: string, withEnd: boolean) => {
      const writer = openJournal(path);
      for (const record of first.records) writer.append(record, first.model);
      if (withEnd)
        writer.appendDurationEnd(first.model, { endedBy: 'deadline', calls: first.records.length });
      await writer.close();
    };
    const ended = join(dir, 'journal-ended.jsonl');
    const cut = join(dir, 'journal-cut.jsonl');
    await write(ended, true);
    await write(cut, false);
    const rebuild = (path: string) =>
      rebuildFromJournal([path], { rootDir: dir, now: inputs.fallbackTime }).inputs;
    expect(rebuild(ended).models[0]?.model.durationEnd).toEqual({
      endedBy: 'deadline',
      calls: first.records.length,
    });
    expect(isInterrupted(rebuild(ended))).toBe(false);
    expect(isInterrupted(rebuild(cut))).toBe(true);
  });

  test('progress counts calls without a planned total and an ETA from what is left of the duration', () => {
    const inputs = durationInputs();
    const first = inputs.models[0];
    if (first === undefined) throw new Error('a model');
    const board = new ProgressBoard();
    const model = { ...first.model, options: { ...first.model.options, timeScale: 1 } };
    board.addModel(model);
    const measured = first.records.filter((r) => r.phase === 'measure');
    const [one] = measured;
    if (one === undefined) throw new Error('a measured call');
    board.addCall(model.key, one);
    const progress = board.models()[0];
    if (progress === undefined) throw new Error('progress');
    const t0 = Date.parse(one.timestamp);
    expect(renderProgress(progress, t0 + 2000)).toBe(
      `${progress.label} 1 calls, ok 1, failed 0, elapsed 2.0s, ETA 3.0s, P50 1.234 s, P90 1.234 s`,
    );
    expect(progressDone(progress)).toBe(false);
    board.endModel(model.key);
    expect(progressDone(progress)).toBe(true);
    expect(renderProgress(progress, t0 + 9000)).toContain('ETA done');
  });

  test('the summaries say how it ended: at its deadline, at the cap, or stopped early with nothing skipped', () => {
    const inputs = durationInputs();
    const first = inputs.models[0];
    if (first === undefined) throw new Error('a model');
    const calls = first.records.length;
    const warmups = first.records.filter((r) => r.phase === 'warmup').length;
    first.model.durationEnd = { endedBy: 'deadline', calls };
    const table = () => renderSummaryTable(buildRunRecord(inputs), { color: false });
    expect(table()).toContain(
      `    duration 5s: ${calls} calls (${warmups} warmup + ${calls - warmups} measured), closed loop until its deadline\n`,
    );
    first.model.durationEnd = { endedBy: 'maxCalls', calls };
    expect(table()).toContain(
      `measured), stopped at its share of maxCalls ${first.model.options.maxCalls}\n`,
    );
    first.model.durationEnd = { endedBy: 'early stop', calls };
    first.model.earlyStop = {
      plannedCalls: calls,
      skippedCalls: 0,
      reason: 'its first 5 calls all failed (x x5)',
    };
    expect(table()).toContain(
      'stopped early: its first 5 calls all failed (x x5); no call started after it\n',
    );
    expect(table()).not.toContain('duration 5s:');
    expect(renderRunMarkdown(buildRunRecord(inputs))).toContain('stopped early, before its deadline');
  });
});
