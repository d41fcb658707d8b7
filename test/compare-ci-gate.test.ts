import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadFixture } from './fixtures/run-records/load.ts';
import { childEnv, FIXTURE_DATA_ENV, type Outcome, ROOT, run } from './helpers/subprocess.ts';

/**
 * scripts/ci-gate.sh on test/fixtures/project. Without a baseline (smoke preset, 1/50 of real time) it
 * gates on budgets only. Against a baseline far faster than the run, at real time with a fixed 20 ms
 * latency (a time-scaled run gets no latency verdict) and 40 calls (enough to judge a P90), the
 * benchmark's one verdict and `compare`'s agree: regressed.
 */
const SCRIPT = join(ROOT, 'scripts/ci-gate.sh');
const MODEL = 'amazon.nova-micro-v1:0';

function runGate(extraEnv: Record<string, string>, args: string[] = []): Promise<Outcome> {
  const env = childEnv(
    {
      CI_GATE_PROJECT: 'test/fixtures/project',
      CI_GATE_PRESET: 'smoke',
      ...FIXTURE_DATA_ENV,
      ...extraEnv,
    },
    ['GITHUB_', 'CI_GATE_'],
  );
  return run('bash', [SCRIPT, ...args], { cwd: ROOT, env, timeout: 90_000 });
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
    expect(run.stderr).toMatch(/converse-bench gate: run record: .*run-\d{8}_\d{6}\.json\n/);
    expect(run.stderr).toContain('converse-bench gate: benchmark exit 0, comparison exit 0');
    expect(existsSync(join(out, 'comparison.md'))).toBe(false);
  });

  test('a regression against the baseline: exit 1, comparison in the step summary', {
    timeout: 120_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'ci-gate-'));
    const summary = join(out, 'step-summary.md');
    const run = await runGate(
      {
        CONVERSE_BENCH_OUTPUT_DIR: out,
        CONVERSE_BENCH_BASELINE: fastBaseline(out),
        GITHUB_STEP_SUMMARY: summary,
        CI_GATE_PRESET: 'none',
        CONVERSE_BENCH_EMULATOR_PROFILES_FILE: 'data/profiles-fast.json',
        // The fixture's run record differs in dataset and settings from the hand-made baseline.
        CI_GATE_ALLOW_MISMATCH: 'true',
      },
      ['--invocations-per-scenario', '20'],
    );
    const output = run.stdout + run.stderr;
    const comparison = readFileSync(join(out, 'comparison.md'), 'utf8');
    expect(readFileSync(summary, 'utf8')).toContain(comparison);
    if (output.includes('inconclusive (client busy')) {
      // A machine loaded enough to delay the client's event loop: both judges rightly decline.
      expect(run.stderr).toContain('converse-bench gate: benchmark exit 0, comparison exit 0');
      expect(comparison).toMatch(/^### Latency comparison: inconclusive\n/);
    } else {
      expect(run.code, output).toBe(1);
      expect(output).toMatch(
        / {4}FAIL regression p90 latencyMs: P90 \d+ ms vs baseline 2 ms: .*: regressed \(p /,
      );
      expect(output).toMatch(/verdict: fail: 1 of \d+ checks failed/);
      // The benchmark's reporter and `compare` judge the same family and agree.
      expect(run.stderr).toContain('converse-bench gate: benchmark exit 1, comparison exit 1');
      expect(comparison).toMatch(/^### Latency comparison: 1 regression\(s\)\n/);
      expect(comparison).toMatch(
        /\| amazon\.nova-micro-v1:0\\\|converse\\\|standard \| P90 \| .* \| regressed \(40\/40 calls\) \|/,
      );
    }
    // Both runs drawn side by side in one offline HTML report.
    const html = readFileSync(join(out, 'comparison.html'), 'utf8');
    expect(html).toContain('<title>Latency comparison</title>');
    expect(html).toContain('Comparison of 2 runs');
  });

  test('two shards into blob reports, then the merge: one run record of both models, exit 0', {
    timeout: 180_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'ci-gate-shards-'));
    const env = {
      CI_GATE_PROJECT: 'test/fixtures/shards',
      CI_GATE_BLOB_DIR: join(out, 'blobs'),
      CONVERSE_BENCH_OUTPUT_DIR: out,
      CONVERSE_BENCH_DATASET_FILE: '../project/data/documents.csv',
      CONVERSE_BENCH_BUDGETS_FILE: 'none',
    };
    for (const shard of ['1/2', '2/2']) {
      const part = await runGate(env, ['--shard', shard]);
      expect(part.code, part.stdout + part.stderr).toBe(0);
    }
    expect(readdirSync(join(out, 'blobs')).sort()).toEqual(['blob-1-2.json', 'blob-2-2.json']);
    expect(readdirSync(out).filter((f) => f.startsWith('run-'))).toEqual([]);
    const merged = await runGate(env, ['--merge', join(out, 'blobs')]);
    expect(merged.code, merged.stdout + merged.stderr).toBe(0);
    const runs = readdirSync(out).filter((f) => /^run-.*\.json$/.test(f));
    expect(runs).toHaveLength(1);
    const record = JSON.parse(readFileSync(join(out, runs[0] as string), 'utf8'));
    expect(record.models.map((m: { key: string }) => m.key).sort()).toEqual([
      'amazon.nova-micro-v1:0|converse|standard',
      'anthropic.claude-3-haiku-20240307-v1:0|converse-stream|standard',
      'anthropic.claude-3-haiku-20240307-v1:0|converse|standard',
    ]);
    expect(merged.stderr).toContain('converse-bench gate: benchmark exit 0, comparison exit 0');
  });
});
