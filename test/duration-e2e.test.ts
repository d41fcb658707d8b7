import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { startEmulator } from '../src/emulator/index.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import type { RunRecord } from '../src/records/run-record.ts';
import { isInterrupted } from '../src/report/build-run-record.ts';
import { rebuildFromJournal } from '../src/report/rebuild-from-journal.ts';
import { CLI_MAIN, childEnv, FIXTURE_DATA_ENV, run, VITEST, vitestBench } from './helpers/subprocess.ts';

/**
 * Duration-bounded runs in a real `vitest bench` of the fixture project (one model, 2 documents)
 * against the embedded emulator, and the command line's one-line refusals (issue 23, item 6).
 */
const PROJECT = resolve(import.meta.dirname, 'fixtures/project');

async function benchRun(env: Record<string, string>) {
  const outDir = mkdtempSync(join(tmpdir(), 'cb-duration-'));
  const outcome = await vitestBench(
    PROJECT,
    childEnv({
      ...FIXTURE_DATA_ENV,
      CONVERSE_BENCH_OUTPUT_DIR: outDir,
      CONVERSE_BENCH_BUDGETS_FILE: 'none',
      CONVERSE_BENCH_TIME_SCALE: '0.02',
      ...env,
    }),
    90_000,
  );
  const files = readdirSync(outDir);
  const file = (prefix: string) => join(outDir, files.find((f) => f.startsWith(prefix)) as string);
  const record = files.some((f) => f.startsWith('run-'))
    ? (JSON.parse(readFileSync(file('run-'), 'utf8')) as RunRecord)
    : undefined;
  const rebuilt = () =>
    rebuildFromJournal([file('journal-')], { rootDir: outDir, now: '2026-12-01T00:00:00.000Z' }).inputs;
  return { outcome, output: outcome.stdout + outcome.stderr, record, rebuilt, file };
}

const measured = (calls: readonly CallRecord[]) => calls.filter((c) => c.phase === 'measure');

describe('duration runs in vitest bench', () => {
  test('closed loop: calls cycle the documents until the deadline; its end makes the plan, not an interruption', {
    timeout: 120_000,
  }, async () => {
    const { outcome, output, record, rebuilt, file } = await benchRun({ CONVERSE_BENCH_DURATION: '10s' });
    expect(outcome.code, output).toBe(0);
    const model = record?.models[0];
    const calls = model?.calls ?? [];
    expect(model?.options.duration).toBe(10);
    expect(model?.durationEnd).toEqual({ endedBy: 'deadline', calls: calls.length });
    expect(record?.context.interrupted).toBe(false);
    // One call at a time: call i is document i mod 2, in round i div 2.
    const made = measured(calls);
    expect(made.length).toBeGreaterThan(0);
    expect(made.map((c) => [c.invocation, c.document])).toEqual(
      made.map((_, i) => [Math.floor(i / 2), i % 2]),
    );
    // Every measured call started before the deadline: 10 s at time scale 0.02 from the first start.
    const first = made[0]?.startMs ?? 0;
    expect(made.every((c) => c.startMs < first + 200)).toBe(true);
    expect(output).toContain(
      `duration 10s: ${calls.length} calls (1 warmup + ${made.length} measured), closed loop until its deadline`,
    );
    // The CSV holds every measured call; the journal knows the plan when rebuilt.
    const rows = readFileSync(file('document_summarization_'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1 + made.length);
    const inputs = rebuilt();
    expect(inputs.models[0]?.model.durationEnd).toEqual(model?.durationEnd);
    expect(isInterrupted(inputs)).toBe(false);
  });

  test('an early stop ends it: one line, the calls made are its plan, not an interruption', {
    timeout: 120_000,
  }, async () => {
    const { outcome, output, record } = await benchRun({
      CONVERSE_BENCH_DURATION: '1m',
      CONVERSE_BENCH_EMULATOR_FAULTS: 'error=AccessDeniedException',
      CONVERSE_BENCH_EARLY_STOP_CALLS: '2',
    });
    expect(outcome.code, output).toBe(1);
    expect(output).toContain(
      'amazon.nova-micro-v1:0 converse: stopped early: its first 2 calls all failed (AccessDeniedException x2); no further call started in its duration of 1m (fix the cause, or set earlyStopCalls to 0 to make them anyway)',
    );
    expect(output).toContain(
      'stopped early: its first 2 calls all failed (AccessDeniedException x2); no call started after it',
    );
    const model = record?.models[0];
    expect(model?.earlyStop).toEqual({
      plannedCalls: 2,
      skippedCalls: 0,
      reason: 'its first 2 calls all failed (AccessDeniedException x2)',
    });
    expect(model?.durationEnd).toEqual({ endedBy: 'early stop', calls: 2 });
    expect(record?.context.interrupted).toBe(false);
  });

  test('open loop: ceil(duration x rate) calls, planned and made exactly', { timeout: 120_000 }, async () => {
    const { outcome, output, record, rebuilt } = await benchRun({
      CONVERSE_BENCH_DURATION: '2.5',
      CONVERSE_BENCH_LOAD: 'open:2',
    });
    expect(outcome.code, output).toBe(0);
    const model = record?.models[0];
    expect(model?.durationEnd).toBeUndefined();
    expect(measured(model?.calls ?? []).map((c) => [c.invocation, c.document])).toHaveLength(5);
    expect(
      measured(model?.calls ?? [])
        .map((c) => `${c.invocation}:${c.document}`)
        .sort(),
    ).toEqual(['0:0', '0:1', '1:0', '1:1', '2:0']);
    expect(record?.context.interrupted).toBe(false);
    expect(isInterrupted(rebuilt())).toBe(false);
  });
});

describe('a closed-loop duration run cut short', () => {
  // The hardening fixture: calls of ~100 ms at real time, 2 in flight, for a minute.
  test('SIGTERM before its deadline: no end recorded, marked interrupted, also when rebuilt', {
    timeout: 90_000,
  }, async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'cb-duration-cut-'));
    const child = spawn(process.execPath, [VITEST, 'bench', '--run'], {
      cwd: resolve(import.meta.dirname, 'fixtures/hardening/project'),
      env: childEnv({
        ...FIXTURE_DATA_ENV,
        CONVERSE_BENCH_OUTPUT_DIR: outDir,
        CONVERSE_BENCH_DURATION: '1m',
        CONVERSE_BENCH_NUM_PARALLEL_CALLS: '2',
      }),
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const journalCalls = (): number => {
      const file = readdirSync(outDir).find((f) => f.startsWith('journal-'));
      if (file === undefined) return 0;
      return readFileSync(join(outDir, file), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{"type":"call"')).length;
    };
    try {
      while (journalCalls() < 4) {
        if (child.exitCode !== null) throw new Error(`bench exited early with ${child.exitCode}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const files = readdirSync(outDir);
    const file = (prefix: string) => join(outDir, files.find((f) => f.startsWith(prefix)) as string);
    const record = JSON.parse(readFileSync(file('run-'), 'utf8')) as RunRecord;
    expect(record.context.interrupted).toBe(true);
    expect(record.models[0]?.durationEnd).toBeUndefined();
    expect(record.models[0]?.calls.length).toBeGreaterThanOrEqual(4);
    const { inputs } = rebuildFromJournal([file('journal-')], {
      rootDir: outDir,
      now: record.context.endedAt,
    });
    expect(inputs.models[0]?.model.durationEnd).toBeUndefined();
    expect(isInterrupted(inputs)).toBe(true);
  });
});

describe('a closed-loop duration against Bedrock stops at its share of maxCalls', () => {
  test('1 warmup + 5 measured of maxCalls 6, then no call, long before the deadline', {
    timeout: 120_000,
  }, async () => {
    // A Bedrock-compatible endpoint that answers at once: only the cap can end the minute early.
    const emulator = await startEmulator({ port: 0 });
    try {
      const outDir = mkdtempSync(join(tmpdir(), 'cb-duration-cap-'));
      const { outcome, output, record } = await benchRun({
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEDURATION0',
        AWS_SECRET_ACCESS_KEY: 'example/duration/secret/key/xxxxxxxxxxxxxx',
        AWS_REGION: 'us-east-1',
        AWS_SHARED_CREDENTIALS_FILE: join(outDir, 'none'),
        AWS_CONFIG_FILE: join(outDir, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true',
        CONVERSE_BENCH_TARGET: 'bedrock',
        CONVERSE_BENCH_ENDPOINT: emulator.url,
        CONVERSE_BENCH_DURATION: '1m',
        CONVERSE_BENCH_MAX_CALLS: '6',
      });
      expect(outcome.code, output).toBe(0);
      const model = record?.models[0];
      expect(model?.durationEnd).toEqual({ endedBy: 'maxCalls', calls: 6 });
      expect(model?.calls.map((c) => `${c.phase[0]}${c.invocation}:${c.document}`)).toEqual([
        'w0:0',
        'm0:0',
        'm0:1',
        'm1:0',
        'm1:1',
        'm2:0',
      ]);
      expect(record?.context.interrupted).toBe(false);
      expect(output).toContain(
        'duration 1m: 6 calls (1 warmup + 5 measured), stopped at its share of maxCalls 6',
      );
    } finally {
      await emulator.close();
    }
  });
});

describe('duration on the command line', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [CLI_MAIN, ...args], {
      cwd: PROJECT,
      env: childEnv({ ...FIXTURE_DATA_ENV, ...env }),
      timeout: 30_000,
    });

  test.each([
    [
      ['bench', '--duration', '0'],
      'converse-bench: CONVERSE_BENCH_DURATION="0": duration must be a number of seconds > 0 or a time such as 90s, 5m or 1h30m',
    ],
    [['bench', '--duration', '-5m'], 'converse-bench: CONVERSE_BENCH_DURATION="-5m": duration must be'],
    [['bench', '--duration', 'soon'], 'converse-bench: CONVERSE_BENCH_DURATION="soon": duration must be'],
    [['bench', '--duration', '25d'], 'converse-bench: CONVERSE_BENCH_DURATION="25d": duration must be'],
    [['bench', '--duration', '600h'], "at most 2147483 s (Node's longest timer, about 24.8 days)"],
    [
      ['bench', '--duration', '5m', '--invocations-per-scenario', '40'],
      'converse-bench: duration 5m with invocationsPerScenario 40: a duration run cycles the documents until it ends instead of counting repetitions; set invocationsPerScenario to 1, or leave duration unset',
    ],
    [
      ['plan', '--target', 'bedrock', '--duration', '5m', '--allow-large-run'],
      'converse-bench: duration 5m closed loop against Bedrock with allowLargeRun: its calls cannot be counted beforehand, so maxCalls is where it stops; raise maxCalls (now 500) instead of allowLargeRun',
    ],
  ])('%j: one line, exit 2, no call', async (args, says) => {
    const outcome = await cli(args);
    const lines = outcome.stderr.trimEnd().split('\n');
    expect(lines, outcome.stderr).toHaveLength(1);
    expect(lines[0]).toContain(says);
    expect(outcome.code).toBe(2);
  });

  test('plan prints what the duration will do', { timeout: 60_000 }, async () => {
    const outcome = await cli(['plan', '--duration', '5m', '--load', 'open:2'], {});
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain(
      'plan amazon.nova-micro-v1:0 converse: 601 calls (1 warmup + 600 measured, 5m at the open-loop rate) to emulator us-east-1',
    );
    const bedrock = await cli(['plan', '--duration', '5m', '--target', 'bedrock', '--api', 'both']);
    expect(bedrock.code, bedrock.stderr).toBe(0);
    expect(bedrock.stdout).toContain(
      'plan amazon.nova-micro-v1:0 converse-stream: at most 250 calls (1 warmup + 249 measured, then closed loop for 5m: at most 249 measured (its share of maxCalls), stopped there) to bedrock us-east-1',
    );
    expect(bedrock.stdout).toContain(
      'every model within maxCalls 500 per model (a duration run stops there)',
    );
  });
});
