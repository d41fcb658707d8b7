import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CallRecord } from '../src/records/call-record.ts';
import type { RunRecord } from '../src/records/run-record.ts';
import { childEnv, FIXTURE_DATA_ENV, vitestBench } from './helpers/subprocess.ts';

/**
 * Load through benchModel end to end: `vitest bench --run` on test/fixtures/project in a subprocess
 * (one model; every call takes at least the fixture's 800 ms TTFT; one warmup and four measured calls).
 * Only lower bounds of real time are asserted.
 */
const PROJECT = resolve(import.meta.dirname, 'fixtures/project');
const MODEL = 'amazon.nova-micro-v1:0';
const SERVICE_MS = 800;

interface BenchRun {
  code: number;
  output: string;
  run: RunRecord;
}

async function runBench(budget: Record<string, number>, extraEnv: Record<string, string>): Promise<BenchRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'converse-bench-load-'));
  const budgets = join(outDir, 'budgets.json');
  writeFileSync(budgets, JSON.stringify({ emulator: { [MODEL]: budget } }));
  const env = childEnv({
    ...FIXTURE_DATA_ENV,
    CONVERSE_BENCH_BUDGETS_FILE: budgets,
    CONVERSE_BENCH_OUTPUT_DIR: outDir,
    ...extraEnv,
  });
  const { code, stdout, stderr } = await vitestBench(PROJECT, env, 90_000);
  const record = readdirSync(outDir).find((f) => /^run-.*\.json$/.test(f));
  if (record === undefined) throw new Error(`no run record in ${outDir}:\n${stdout}${stderr}`);
  return { code, output: stdout + stderr, run: JSON.parse(readFileSync(join(outDir, record), 'utf8')) };
}

const measured = (calls: CallRecord[]): CallRecord[] =>
  calls.filter((c) => c.phase === 'measure').sort((a, b) => a.startMs - b.startMs);

describe.concurrent('load through benchModel', () => {
  test('open loop (Poisson, seeded) with an in-flight cap of 1: the queueing shows and fails a response-time budget', {
    timeout: 120_000,
  }, async () => {
    const { code, output, run } = await runBench(
      { p90LatencyMs: 5000, p90ResponseTimeMs: SERVICE_MS },
      {
        CONVERSE_BENCH_LOAD: 'open:5:poisson:7',
        CONVERSE_BENCH_MAX_IN_FLIGHT: '1',
        CONVERSE_BENCH_SLO: 'latency:1500',
      },
    );
    expect(code, output).toBe(1);
    const model = run.models[0];
    if (model === undefined) throw new Error(output);
    const calls = measured(model.calls);
    expect(calls).toHaveLength(4);
    // Each call waited for the previous one to end (cap 1), and its queue delay is start - scheduled.
    for (const [i, call] of calls.entries()) {
      expect(call.scheduledStartMs).toBeDefined();
      expect(call.queueDelayMs).toBe(call.startMs - (call.scheduledStartMs as number));
      expect(call.latencyMs).toBeGreaterThanOrEqual(SERVICE_MS);
      const previous = calls[i - 1];
      if (previous)
        expect(call.startMs).toBeGreaterThanOrEqual(previous.startMs + (previous.latencyMs as number));
    }
    // Four calls of >= 800 ms through one slot: the last ends >= 3200 ms after the first was due.
    const first = calls[0] as CallRecord;
    const last = calls[3] as CallRecord;
    const lastResponse = (last.queueDelayMs as number) + (last.latencyMs as number);
    expect(lastResponse).toBeGreaterThanOrEqual(
      (first.scheduledStartMs as number) + 4 * SERVICE_MS - (last.scheduledStartMs as number),
    );
    expect(model.summary.responseTimeMs?.max).toBe(lastResponse);
    expect(model.checks.map((c) => [c.name, c.status])).toEqual([
      ['budget p90 latencyMs', 'pass'],
      ['budget p90 responseTimeMs', 'fail'],
    ]);
    expect(model.goodput?.calls).toBe(4);
    expect(model.options.load).toEqual({ kind: 'open', rate: 5, arrival: 'poisson', seed: 7 });
    expect(run.context.client?.eventLoopDelayMs.max).toBeGreaterThanOrEqual(0);
    expect(model.clientHealth?.wallMs).toBeGreaterThanOrEqual(5 * SERVICE_MS);
    expect(output).toContain('response time from the scheduled start: P50');
    expect(output).toMatch(/goodput \d+\.\d% \(\d of 4 calls met latency:1500 ms\)/);
  });

  test('a concurrency sweep runs one test per level and prints a latency-versus-throughput table', {
    timeout: 120_000,
  }, async () => {
    const { code, output, run } = await runBench(
      { maxErrorRate: 0 },
      { CONVERSE_BENCH_SWEEP: 'concurrency:1,2', CONVERSE_BENCH_SLO: 'latency:60000' },
    );
    expect(code, output).toBe(0);
    expect(run.models.map((m) => m.key)).toEqual([
      `${MODEL}|converse|standard|concurrency=1`,
      `${MODEL}|converse|standard|concurrency=2`,
    ]);
    expect(run.models.map((m) => m.options.numParallelCalls)).toEqual([1, 2]);
    const table = run.sweeps?.[0];
    expect(table?.kind).toBe('concurrency');
    expect(table?.rows.map((r) => [r.level, r.calls, r.ok, r.goodput])).toEqual([
      [1, 4, 4, 1],
      [2, 4, 4, 1],
    ]);
    // Four calls of >= 800 ms: one at a time achieve at most 1.25 calls/s.
    expect(table?.rows[0]?.achievedRate).toBeLessThanOrEqual(1000 / SERVICE_MS);
    expect(output).toContain(
      `sweep ${MODEL} converse standard: latency from send(); goodput: latency:60000 ms`,
    );
    expect(output).toMatch(/concurrency {2}calls {2}ok {2}achieved \/s/);
  });

  test("on 2 worker threads: every call a row in the run record, each thread's health kept", {
    timeout: 120_000,
  }, async () => {
    const { code, output, run } = await runBench(
      { maxErrorRate: 0 },
      {
        CONVERSE_BENCH_WORKERS: '2',
        CONVERSE_BENCH_NUM_PARALLEL_CALLS: '2',
        CONVERSE_BENCH_WARMUP_CALLS: '2',
      },
    );
    expect(code, output).toBe(0);
    const model = run.models[0];
    if (model === undefined) throw new Error(output);
    expect(model.options.workers).toBe(2);
    expect(model.calls.map((c) => c.phase).sort()).toEqual([
      'measure',
      'measure',
      'measure',
      'measure',
      'warmup',
      'warmup',
    ]);
    expect(measured(model.calls).every((c) => c.status === 'ok' && c.latencyMs >= SERVICE_MS)).toBe(true);
    // Two calls of >= 800 ms at a time: the four measured calls overlap in pairs.
    const calls = measured(model.calls);
    expect((calls[1] as CallRecord).startMs).toBeLessThan((calls[0] as CallRecord).startMs + SERVICE_MS);
    expect(model.threadHealth).toHaveLength(2);
    expect(model.threadHealth?.every((t) => t.wallMs > 0)).toBe(true);
    expect(model.checks.map((c) => [c.name, c.status])).toEqual([['budget errorRate', 'pass']]);
  });
});
