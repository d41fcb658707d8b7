import { describe, expect, test } from 'vitest';
import { compareRuns, type MetricComparison } from '../src/compare/compare-runs.ts';
import { renderComparisonMarkdown, renderComparisonText } from '../src/compare/render.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import type { RunRecord } from '../src/records/run-record.ts';
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

  test('identical samples: ratio exactly 1, no-change, warmup left out', () => {
    const [model] = compareRuns([run(base)], run(base), OPTS).models;
    expect(model?.metrics.map((m) => m.metric)).toEqual(['p50', 'p90', 'mean', 'errorRate']);
    for (const name of ['p50', 'p90', 'mean'] as const) {
      const m = metric(model?.metrics ?? [], name);
      expect(m.effect).toBe(1);
      expect(m.verdict).toBe('no-change');
      expect([m.baselineN, m.candidateN]).toEqual([300, 300]);
    }
    expect(metric(model?.metrics ?? [], 'errorRate')).toMatchObject({ effect: 0, verdict: 'no-change' });
  });

  test('every call 1.5x slower: regressed; 0.6x: improved', () => {
    const slower = compareRuns([run(base)], run(latencies(300, 0.2, 1.5)), OPTS).models[0]?.metrics ?? [];
    for (const name of ['p50', 'p90', 'mean'] as const) {
      const m = metric(slower, name);
      expect(m.effect).toBeCloseTo(1.5, 12);
      expect(m.lower).toBeGreaterThan(1.1);
      expect(m.verdict).toBe('regressed');
    }
    const faster = compareRuns([run(base)], run(latencies(300, 0.2, 0.6)), OPTS).models[0]?.metrics ?? [];
    for (const name of ['p50', 'p90', 'mean'] as const) {
      expect(metric(faster, name).verdict).toBe('improved');
      expect(metric(faster, name).upper).toBeLessThan(1 / 1.1);
    }
  });

  test('few wide samples 5% slower: inconclusive, with the calls that would decide', () => {
    const metrics =
      compareRuns([run(latencies(8, 0.6))], run(latencies(8, 0.6, 1.05)), OPTS).models[0]?.metrics ?? [];
    const p90 = metric(metrics, 'p90');
    expect(p90.verdict).toBe('inconclusive');
    expect(p90.lower).toBeLessThan(1.1);
    expect(p90.upper).toBeGreaterThan(1.1);
    expect(p90.neededN).toBeGreaterThan(8);
  });

  test('error rate: 30 of 330 failed against none: regressed by 9.1 points', () => {
    const m = metric(compareRuns([run(base)], run(base, 30), OPTS).models[0]?.metrics ?? [], 'errorRate');
    expect(m.baseline).toBe(0);
    expect(m.candidate).toBe(30 / 330);
    expect(m.effect).toBe(30 / 330);
    expect(m.lower).toBeGreaterThan(0.02);
    expect(m.verdict).toBe('regressed');
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
  test('dataset, target, transport, time scale, prompt and maxTokens differences are named', () => {
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
    expect(problems).toHaveLength(6);
    expect(problems).toContain(`${KEY} prompt differs: prompt-a vs prompt-b`);
    expect(problems).toContain(`${KEY} maxTokens differs: ${a.models[0]?.options.maxTokens} vs 64`);
    expect(problems).toContain(`target differs: ${a.context.target} vs bedrock`);
    expect(problems).toContain(
      `dataset differs: ${a.context.fingerprints.dataset.slice(0, 16)} vs other-dataset-sh`,
    );
  });
});
