import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { childEnv, FIXTURE_DATA_ENV, type Outcome, vitestBench } from './helpers/subprocess.ts';

/**
 * `vitest bench --run` on test/fixtures/project in a subprocess (Node 22: process.execPath): the
 * global setup starts the emulator with a fixed 800 ms TTFT profile, benchModel runs one warmup and
 * four measured calls, and the budgets file decides the exit code. Observed latency is at least the
 * scheduled 800 ms, so a 720 ms budget (0.9x) must fail; 2,000 ms (2.5x) passes also on a loaded
 * machine, where one slow call of four can add a few hundred ms.
 */
const PROJECT = resolve(import.meta.dirname, 'fixtures/project');
const MODEL = 'amazon.nova-micro-v1:0';
const KNOWN_P90_MS = 800;

interface BenchRun extends Outcome {
  outDir: string;
}

async function runBench(p90LatencyMs: number, extraEnv: Record<string, string> = {}): Promise<BenchRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'converse-bench-e2e-'));
  const budgets = join(outDir, 'budgets.json');
  writeFileSync(budgets, JSON.stringify({ emulator: { [MODEL]: { p90LatencyMs, maxErrorRate: 0 } } }));
  const env = childEnv({
    ...FIXTURE_DATA_ENV,
    CONVERSE_BENCH_BUDGETS_FILE: budgets,
    CONVERSE_BENCH_OUTPUT_DIR: outDir,
    ...extraEnv,
  });
  return { ...(await vitestBench(PROJECT, env, 90_000)), outDir };
}

describe.concurrent('vitest bench on a fixture project', () => {
  test('a P90 budget under the known latency fails the run (exit 1) with the budget line', {
    timeout: 120_000,
  }, async () => {
    const run = await runBench(KNOWN_P90_MS * 0.9);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const output = run.stdout + run.stderr;
    expect(output).toMatch(
      new RegExp(
        `${MODEL} converse: budget p90 latencyMs failed: P90 \\d+\\.\\d ms > budget 720\\.0 ms over 4 calls`,
      ),
    );
    // Vitest's own benchmark table lists the model with its 4 measured calls.
    expect(output).toMatch(new RegExp(`${MODEL} converse +[\\d.,]+ .* 4\\n`));
  });

  test('a P90 budget over it passes (exit 0); every call reaches the journal and the run record', {
    timeout: 120_000,
  }, async () => {
    const run = await runBench(KNOWN_P90_MS * 2.5);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const files = readdirSync(run.outDir);
    const journal = files.find((f) => f.startsWith('journal-') && f.endsWith('.jsonl'));
    expect(journal).toBeDefined();
    const lines = readFileSync(join(run.outDir, journal as string), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const calls = lines.filter((l) => l.type === 'call').map((l) => l.record);
    expect(calls.map((c) => c.phase)).toEqual(['warmup', 'measure', 'measure', 'measure', 'measure']);
    expect(calls.every((c) => c.status === 'ok' && c.latencyMs >= KNOWN_P90_MS)).toBe(true);
    const checks = lines.find((l) => l.type === 'checks')?.checks;
    expect(checks.map((c: { status: string }) => c.status)).toEqual(['pass', 'pass']);
    expect(checks[1].line).toBe('error rate 0.0% (0 of 4 calls) <= budget 0.0%');
    const record = files.find((f) => /^run-.*\.json$/.test(f));
    const run_ = JSON.parse(readFileSync(join(run.outDir, record as string), 'utf8'));
    expect(run_.models).toHaveLength(1);
    expect(run_.models[0].calls).toHaveLength(5);
    expect(run_.models[0].checks).toEqual(checks);
    // Costs from the package's price table (Nova Micro, us-east-1: $0.000035 in, $0.00014 out per
    // 1,000 tokens), warmup included, labelled an estimate on the emulator.
    const usd = calls.reduce(
      (sum: number, c: { inputTokens: number; outputTokens: number }) =>
        sum + (c.inputTokens * 0.000035 + c.outputTokens * 0.00014) / 1000,
      0,
    );
    expect(run_.models[0].summary.cost.estimate).toBe(true);
    expect(run_.models[0].summary.cost.totalUsd).toBeCloseTo(usd, 15);
    expect(run_.models[0].pricing.tableModel).toBe(MODEL);
    expect(run.stdout + run.stderr).toMatch(
      /cost of the run: \$0\.0\d+ \(estimate: what these calls would cost on Bedrock; from unverified prices in data\/prices\.json \(converse-bench\)\)/,
    );
  });

  // A latency verdict needs real time (a time-scaled run gets none) and enough calls to judge a P90:
  // 40 calls of a fixed 20 ms against a baseline of 2-3 ms calls.
  test('a P90 far over the baseline run fails the run as a regression, judged once by the reporter', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'converse-bench-baseline-'));
    const baseline = join(dir, 'run-20261101-000000.json');
    writeFileSync(
      baseline,
      JSON.stringify(baselineRun(Array.from({ length: 40 }, (_, i) => 2 + (i % 7) * 0.1))),
    );
    const run = await runBench(KNOWN_P90_MS * 2, {
      CONVERSE_BENCH_BASELINE: baseline,
      CONVERSE_BENCH_EMULATOR_PROFILES_FILE: 'data/profiles-fast.json',
      CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '20',
    });
    const output = run.stdout + run.stderr;
    const line = output.split('\n').find((l) => l.includes('regression p90 latencyMs:')) ?? '';
    if (line.includes('client busy')) {
      // A machine loaded enough to delay the client's event loop: rightly not judged, nothing fails.
      expect(line).toMatch(/INCONCLUSIVE regression p90 latencyMs: .*: inconclusive \(client busy: /);
      expect(run.code, output).toBe(0);
    } else {
      expect(line).toMatch(
        /FAIL regression p90 latencyMs: P90 \d+ ms vs baseline 3 ms: x\d+\.\d+ .*40 \/ 40 calls: regressed \(p /,
      );
      expect(output).toMatch(
        /verdict: fail: 1 of 4 checks failed, 3 passed, 0 inconclusive \(1 test as one family, Holm at 5%\)/,
      );
      expect(run.code, output).toBe(1);
    }
  });
});

/** A minimal run record holding one model's calls: what the regression gate reads from a baseline. */
function baselineRun(latencies: number[]) {
  const calls = latencies.map((latencyMs, i) => ({
    status: 'ok',
    modelId: MODEL,
    region: 'us-east-1',
    latencyMode: 'standard',
    api: 'converse',
    phase: 'measure',
    experiment: 0,
    invocation: i,
    document: 0,
    timestamp: '2026-11-01T00:00:00.000Z',
    startMs: i * 1000,
    latencyMs,
    attempts: 1,
    retryDelayMs: 0,
    attemptMs: [latencyMs],
    inputTokens: 46,
    outputTokens: 25,
    stopReason: 'end_turn',
    text: '',
  }));
  return {
    schema: 'converse-bench/run-record@1',
    context: { runId: 'baseline', startedAt: '2026-11-01T00:00:00.000Z' },
    models: [
      { key: `${MODEL}|converse|standard`, modelId: MODEL, api: 'converse', latencyMode: 'standard', calls },
    ],
  };
}
