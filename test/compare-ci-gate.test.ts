import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadFixture } from './fixtures/run-records/load.ts';
import { childEnv, FIXTURE_DATA_ENV, type Outcome, ROOT, run } from './helpers/subprocess.ts';

/**
 * scripts/ci-gate.sh on test/fixtures/project at 1/50 of real time (the fixture's emulator profile:
 * a fixed 800 ms TTFT, so 16 ms a call): without a baseline it gates on budgets only; against a
 * baseline far faster than the run, the benchmark's regression check and `compare` both fail it.
 */
const SCRIPT = join(ROOT, 'scripts/ci-gate.sh');
const MODEL = 'amazon.nova-micro-v1:0';

function runGate(extraEnv: Record<string, string>): Promise<Outcome> {
  const env = childEnv(
    {
      CI_GATE_PROJECT: 'test/fixtures/project',
      CI_GATE_PRESET: 'smoke',
      ...FIXTURE_DATA_ENV,
      ...extraEnv,
    },
    ['GITHUB_', 'CI_GATE_'],
  );
  return run('bash', [SCRIPT], { cwd: ROOT, env, timeout: 90_000 });
}

/** A baseline run record of the fixture model with calls far faster than the emulator's 16 ms. */
function fastBaseline(dir: string): string {
  const record = loadFixture('run-main');
  const template = record.models.find((m) => m.api === 'converse');
  if (template === undefined) throw new Error('fixture run-main has no converse model');
  const calls = Array.from({ length: 40 }, (_, i) => ({
    ...(template.calls.find((c) => c.status === 'ok') as (typeof template.calls)[number]),
    modelId: MODEL,
    phase: 'measure' as const,
    invocation: i,
    latencyMs: 2 + (i % 5) * 0.1,
  }));
  record.models = [{ ...template, key: `${MODEL}|converse|standard`, modelId: MODEL, calls, checks: [] }];
  const path = join(dir, 'run-20261101-000000.json');
  writeFileSync(path, JSON.stringify(record));
  return path;
}

describe.concurrent('scripts/ci-gate.sh', () => {
  test('no baseline (a missing path): budgets only, nothing compared, exit 0', {
    timeout: 120_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'ci-gate-'));
    const run = await runGate({
      CONVERSE_BENCH_OUTPUT_DIR: out,
      CONVERSE_BENCH_BASELINE: join(out, 'baseline-missing'),
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toContain('not found (first run of the main branch?): gating on budgets only');
    expect(run.stderr).toMatch(/ci-gate: run record: .*run-\d{8}_\d{6}\.json\n/);
    expect(run.stderr).toContain('ci-gate: benchmark exit 0, comparison exit 0');
    expect(existsSync(join(out, 'comparison.md'))).toBe(false);
  });

  test('a regression against the baseline: exit 1, comparison in the step summary', {
    timeout: 120_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'ci-gate-'));
    const summary = join(out, 'step-summary.md');
    const run = await runGate({
      CONVERSE_BENCH_OUTPUT_DIR: out,
      CONVERSE_BENCH_BASELINE: fastBaseline(out),
      GITHUB_STEP_SUMMARY: summary,
      // The fixture's run record differs in dataset and settings from the hand-made baseline.
      CI_GATE_ALLOW_MISMATCH: 'true',
    });
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(1);
    expect(output).toMatch(new RegExp(`${MODEL} converse: regression p90 latencyMs failed`));
    expect(run.stderr).toContain('ci-gate: benchmark exit 1, comparison exit 1');
    const comparison = readFileSync(join(out, 'comparison.md'), 'utf8');
    expect(comparison).toMatch(/^### Latency comparison: \d+ regression\(s\)\n/);
    expect(comparison).toMatch(
      /\| amazon\.nova-micro-v1:0\\\|converse\\\|standard \| P90 \| .* \| regressed \(4\/40 calls\) \|/,
    );
    expect(readFileSync(summary, 'utf8')).toContain(comparison);
    // Both runs drawn side by side in one offline HTML report.
    const html = readFileSync(join(out, 'comparison.html'), 'utf8');
    expect(html).toContain('<title>Latency comparison</title>');
    expect(html).toContain('Comparison of 2 runs');
  });
});
