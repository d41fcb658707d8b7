import { describe, expect, test } from 'vitest';
import { compareRuns, type MetricComparison } from '../src/compare/compare-runs.ts';
import { renderComparisonMarkdown, renderComparisonText } from '../src/compare/render.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import type { RunRecord } from '../src/records/run-record.ts';
import { quantile, sortAscending } from '../src/stats/quantile.ts';
import { normalQuantile } from '../src/stats/special.ts';
import { errorCall, okCall } from './fixtures/report-records.ts';
import { loadFixture } from './fixtures/run-records/load.ts';

const MODEL = 'm.model-v1:0';
const KEY = `${MODEL}|converse|standard`;
const OPTS = { tolerance: 0.1, errorRateTolerance: 0.02, confidence: 0.95 };

/** n latencies at the quantiles of a log-normal (median 1000 ms, sigma): no randomness. */
function latencies(n: number, sigma: number, scale = 1): number[] {
  return Array.from({ length: n }, (_, i) => scale * 1000 * Math.exp(sigma * normalQuantile((i + 0.5) / n)));
}

/** A run record of one model whose measured calls have these latencies (and failures). */
function run(values: number[], failures = 0, startedAt = '2026-11-02T10:00:00.000Z'): RunRecord {
  const record = loadFixture('run-main');
  const template = record.models[0];
  if (template === undefined) throw new Error('fixture run-main has no model');
  const calls: CallRecord[] = [
    okCall({ modelId: MODEL, phase: 'warmup', latencyMs: 99_999 }),
    ...values.map((latencyMs, i) => okCall({ modelId: MODEL, invocation: i, latencyMs })),
    ...Array.from({ length: failures }, (_, i) =>
      errorCall({ modelId: MODEL, invocation: values.length + i }),
    ),
  ];
  record.context = { ...record.context, startedAt };
  record.models = [
    { ...template, key: KEY, modelId: MODEL, api: 'converse', latencyMode: 'standard', calls },
  ];
  return record;
}

const metric = (metrics: MetricComparison[], name: MetricComparison['metric']): MetricComparison => {
  const found = metrics.find((m) => m.metric === name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
};

describe('compareRuns verdicts on constructed samples', () => {
  const base = latencies(300, 0.2);

  test('identical samples: ratio exactly 1, no regression, 0 vs 0 errors no change, P50 and mean not gated', () => {
    const comparison = compareRuns([run(base)], run(base), OPTS);
    const [model] = comparison.models;
    expect(model?.metrics.map((m) => [m.metric, m.gated, m.verdict])).toEqual([
      ['p50', false, 'not-gated'],
      ['p90', true, 'no-regression'],
      ['mean', false, 'not-gated'],
      ['errorRate', true, 'no-regression'],
    ]);
    for (const name of ['p50', 'p90', 'mean'] as const) {
      const m = metric(model?.metrics ?? [], name);
      expect(m.effect).toBe(1);
      expect([m.baselineN, m.candidateN]).toEqual([300, 300]);
    }
    expect(metric(model?.metrics ?? [], 'errorRate').line).toMatch(/: no change$/);
    expect(comparison.verdict).toMatchObject({
      word: 'no regression',
      checks: 2,
      failed: 0,
      passed: 2,
      tests: 1,
    });
    expect(renderComparisonText(comparison).split('\n').at(-1)).toBe(
      'verdict: no regression: 0 of 2 checks regressed, 2 no regression, 0 inconclusive (1 test as one family, Holm at 5%)',
    );
  });

  test('every call 1.5x slower: P90 regressed, with type 7 figures and bounds around the ratio', () => {
    const comparison = compareRuns([run(base)], run(latencies(300, 0.2, 1.5)), OPTS);
    const p90 = metric(comparison.models[0]?.metrics ?? [], 'p90');
    expect(p90.effect).toBeCloseTo(1.5, 12);
    expect(p90.lower).toBeGreaterThan(1.1);
    expect(p90.upper).toBeGreaterThan(1.5);
    expect(p90.verdict).toBe('regressed');
    expect(p90.baseline).toBe(quantile(sortAscending(base), 0.9));
    expect(comparison.verdict.word).toBe('regressed');
    expect(renderComparisonMarkdown(comparison)).toMatch(/^### Latency comparison: 1 regression\(s\)\n/);
  });

  test('few calls: inconclusive, saying how many calls a side would let P90 be judged', () => {
    const metrics =
      compareRuns([run(latencies(8, 0.6))], run(latencies(8, 0.6, 3)), OPTS).models[0]?.metrics ?? [];
    const p90 = metric(metrics, 'p90');
    expect(p90.verdict).toBe('inconclusive');
    expect(p90.line).toMatch(
      /: inconclusive: 8 calls a side are too few to judge P90 at this run's level \(5% \/ 1 test\); 23 would$/,
    );
  });

  test('error rate: 30 of 330 failed against none: regressed by 9.1 points', () => {
    const m = metric(compareRuns([run(base)], run(base, 30), OPTS).models[0]?.metrics ?? [], 'errorRate');
    expect(m.baseline).toBe(0);
    expect(m.candidate).toBe(30 / 330);
    expect(m.effect).toBe(30 / 330);
    expect(m.verdict).toBe('regressed');
  });

  test('a time-scaled run gives no latency verdict; its errors are still judged', () => {
    const scaled = (values: number[], failures = 0): RunRecord => {
      const r = run(values, failures);
      r.context = { ...r.context, target: 'emulator', timeScale: 0.02 };
      return r;
    };
    const comparison = compareRuns([scaled(base)], scaled(latencies(300, 0.2, 3), 30), OPTS);
    const metrics = comparison.models[0]?.metrics ?? [];
    expect(metric(metrics, 'p90').line).toMatch(/: inconclusive \(not judged at time scale 0\.02\)$/);
    expect(metric(metrics, 'errorRate').verdict).toBe('regressed');
  });

  test('a run record without client health is judged as before; a busy client is not judged', () => {
    const a = run(base);
    const b = run(latencies(300, 0.2, 1.5));
    for (const m of [...a.models, ...b.models]) delete m.clientHealth;
    expect(compareRuns([a], b, OPTS).verdict.word).toBe('regressed');
    const busy = b.models[0];
    if (busy === undefined) throw new Error('no model');
    busy.clientHealth = {
      wallMs: 1000,
      cpuUserMs: 100,
      cpuSystemMs: 10,
      eventLoopDelayMs: { p50: 2, p99: 53, max: 60 },
    };
    const p90 = metric(compareRuns([a], b, OPTS).models[0]?.metrics ?? [], 'p90');
    expect(p90.line).toMatch(/: inconclusive \(client busy: client event-loop delay P99 53\.0 ms > 10 ms\)$/);
  });

  test('a history of runs: every baseline context kept, samples pooled by run', () => {
    const history = [run(base, 0, '2026-11-01T00:00:00.000Z'), run(base, 0, '2026-11-01T01:00:00.000Z')];
    const comparison = compareRuns(history, run(latencies(300, 0.2, 1.5)), OPTS);
    expect(comparison.baselines.map((c) => c.startedAt)).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-01T01:00:00.000Z',
    ]);
    expect(metric(comparison.models[0]?.metrics ?? [], 'p90')).toMatchObject({
      verdict: 'regressed',
      baselineN: 600,
    });
    expect(renderComparisonText(comparison).split('\n')[0]).toBe(
      `baseline: 2 runs, 2026-11-01T00:00:00.000Z${branchCommit(comparison.baselines[0])} .. 2026-11-01T01:00:00.000Z${branchCommit(comparison.baselines[1])}`,
    );
  });

  test('a model in one run only: onlyIn, no metrics; rendered as such', () => {
    const other = run(base);
    const first = other.models[0];
    if (first === undefined) throw new Error('no model');
    other.models = [{ ...first, key: 'x.other-v1:0|converse|standard', modelId: 'x.other-v1:0' }];
    const comparison = compareRuns([run(base)], other, OPTS);
    expect(comparison.models.map((m) => [m.key, m.onlyIn, m.metrics.length])).toEqual([
      [KEY, 'baseline', 0],
      ['x.other-v1:0|converse|standard', 'candidate', 0],
    ]);
    expect(renderComparisonMarkdown(comparison)).toContain(
      '| x.other-v1:0\\|converse\\|standard | - | - | - | - | - | only in the candidate |',
    );
  });
});

function branchCommit(context: RunRecord['context'] | undefined): string {
  const branch = context?.git.branch ? ` ${context.git.branch}` : '';
  const commit = context?.git.commit ? ` ${context.git.commit.slice(0, 8)}` : '';
  return `${branch}${commit}`;
}

describe('incompatibilities', () => {
  test('a service tier requested or served differently is a different experiment', () => {
    const a = run([1000, 1100]);
    const b = run([1000, 1100]);
    const model = b.models[0];
    if (model === undefined) throw new Error('no model');
    model.options = { ...model.options, serviceTier: 'priority' };
    model.summary = { ...model.summary, serviceTierServed: { priority: 2 } };
    expect(compareRuns([a], b, OPTS).incompatibilities).toEqual([
      `${KEY} service tier served differs:  vs priority`,
      'service tier differs: default vs priority',
    ]);
  });

  test('a reasoning budget set differently is a different experiment', () => {
    const a = run([1000, 1100]);
    const b = run([1000, 1100]);
    const model = b.models[0];
    if (model === undefined) throw new Error('no model');
    model.options = { ...model.options, reasoningBudget: 2048 };
    expect(compareRuns([a], b, OPTS).incompatibilities).toEqual(['reasoning budget differs: off vs 2048']);
  });

  test('a tool configuration sent or not, or another one, is a different experiment', () => {
    const a = run([1000, 1100]);
    const b = run([1000, 1100]);
    const model = b.models[0];
    if (model === undefined) throw new Error('no model');
    model.toolConfigFingerprint = 'abcdef012345';
    expect(compareRuns([a], b, OPTS).incompatibilities).toEqual([
      'tool configuration differs: none vs abcdef012345',
    ]);
  });

  test('dataset, target, transport, time scale, prompt, maxTokens, region and load differences are named', () => {
    const a = run([1000, 1100]);
    const b = run([1000, 1100]);
    expect(compareRuns([a], b, OPTS).incompatibilities).toEqual([]);
    b.context = {
      ...b.context,
      target: 'bedrock',
      transport: 'http2',
      timeScale: 0.5,
      fingerprints: { dataset: 'other-dataset-sha-256', prompts: { [MODEL]: 'prompt-b' } },
    };
    a.context.fingerprints.prompts = { [MODEL]: 'prompt-a' };
    const model = b.models[0];
    if (model === undefined) throw new Error('no model');
    model.options = { ...model.options, maxTokens: 64 };
    const problems = compareRuns([a], b, OPTS).incompatibilities;
    model.region = 'eu-west-1';
    model.options = {
      ...model.options,
      numParallelCalls: 16,
      load: { kind: 'open', rate: 2, arrival: 'constant', seed: 1 },
    };
    expect(problems).toHaveLength(6);
    const more = compareRuns([a], b, OPTS).incompatibilities;
    expect(more).toContain(`${KEY} region differs: ${a.models[0]?.region} vs eu-west-1`);
    expect(more).toContain(`${KEY} concurrency differs: 1 vs 16`);
    expect(more).toContain(
      `${KEY} load shape differs: {"kind":"closed"} vs {"kind":"open","rate":2,"arrival":"constant","seed":1}`,
    );
    expect(problems).toContain(`${KEY} prompt differs: prompt-a vs prompt-b`);
    expect(problems).toContain(`${KEY} maxTokens differs: ${a.models[0]?.options.maxTokens} vs 64`);
    expect(problems).toContain(`target differs: ${a.context.target} vs bedrock`);
    expect(problems).toContain(
      `dataset differs: ${a.context.fingerprints.dataset.slice(0, 16)} vs other-dataset-sh`,
    );
  });
});
