import { describe, expect, it } from 'vitest';
import { compareRuns } from '../src/compare/compare-runs.ts';
import { cacheClassesOf, regressionChecks } from '../src/gate/regression.ts';
import { cacheKeyPart, modelKey } from '../src/load/sweep.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import type { RunRecord } from '../src/records/run-record.ts';
import { renderCacheMarkdown, renderCacheTable } from '../src/report/render-cache.ts';
import { summarizeCalls } from '../src/summary/summarize-calls.ts';
import { errorCall, okCall, streamedCall } from './fixtures/report-records.ts';
import { loadFixture } from './fixtures/run-records/load.ts';

const MODEL = 'm.model-v1:0';
const write = (latencyMs: number, ttftMs: number): CallRecord =>
  streamedCall({ modelId: MODEL, latencyMs, ttftMs, cacheReadTokens: 0, cacheWriteTokens: 900 });
const read = (latencyMs: number, ttftMs: number): CallRecord =>
  streamedCall({ modelId: MODEL, latencyMs, ttftMs, cacheReadTokens: 900, cacheWriteTokens: 0 });

describe('summary per cache class', () => {
  it('gives each class its calls, latency, TTFT and mean cache tokens; warmups and failures apart', () => {
    const summary = summarizeCalls([
      streamedCall({ modelId: MODEL, phase: 'warmup', cacheReadTokens: 0, cacheWriteTokens: 900 }),
      write(2000, 500),
      read(1000, 100),
      read(1200, 200),
      read(1400, 300),
      errorCall({ modelId: MODEL }),
    ]);
    expect(summary.byCacheClass?.write).toMatchObject({
      calls: 1,
      latencyMs: { n: 1, p50: 2000, p90: 2000 },
      ttftMs: { p50: 500 },
      cacheReadTokensMean: 0,
      cacheWriteTokensMean: 900,
    });
    // Type 7 P90 of 1000, 1200, 1400: 1200 + 0.8 * 200 = 1360; of TTFT 100, 200, 300: 280.
    expect(summary.byCacheClass?.read).toMatchObject({
      calls: 3,
      latencyMs: { n: 3, p50: 1200 },
      cacheReadTokensMean: 900,
      cacheWriteTokensMean: 0,
    });
    expect(summary.byCacheClass?.read?.latencyMs.p90).toBeCloseTo(1360, 9);
    expect(summary.byCacheClass?.read?.ttftMs?.p90).toBeCloseTo(280, 9);
    expect(summary.byCacheClass?.none).toBeUndefined();
  });

  it('is absent when no call reported cache usage; a call reporting 0 and 0 is class none', () => {
    expect(summarizeCalls([okCall(), okCall()]).byCacheClass).toBeUndefined();
    const none = summarizeCalls([okCall({ cacheReadTokens: 0, cacheWriteTokens: 0 })]).byCacheClass;
    expect(Object.keys(none ?? {})).toEqual(['none']);
    expect(none?.none?.ttftMs).toBeUndefined();
  });
});

describe('the cache table', () => {
  const model = (options: { promptCache?: string; cacheBust?: boolean }, calls: CallRecord[]) => ({
    modelId: MODEL,
    api: 'converse-stream' as const,
    options,
    summary: summarizeCalls(calls),
  });

  it('lists a row per class, in the order write, read, none', () => {
    const lines = renderCacheTable({
      models: [model({ promptCache: '5m' }, [read(1000, 100), write(2000, 500)])],
    } as unknown as RunRecord);
    expect(lines).toEqual([
      'prompt cache: latency and TTFT per cache class (write: cacheWriteInputTokens > 0, read: cacheReadInputTokens > 0, none: neither)',
      '  model         api              prompt cache  class  calls  P50 s  P90 s  TTFT P50 s  TTFT P90 s  read tok  write tok',
      '  m.model-v1:0  converse-stream  5m            write      1  2.000  2.000       0.500       0.500       0.0      900.0',
      '  m.model-v1:0  converse-stream  5m            read       1  1.000  1.000       0.100       0.100     900.0        0.0',
    ]);
  });

  it('shows a nonce, and a model that asked for caching but heard of none; nothing when no model cached', () => {
    const lines = renderCacheMarkdown({
      models: [model({ promptCache: 'off', cacheBust: true }, [okCall({ modelId: MODEL })])],
    } as unknown as RunRecord);
    expect(lines.slice(2)).toEqual([
      '| model | api | prompt cache | class | calls | P50 s | P90 s | TTFT P50 s | TTFT P90 s | read tok | write tok |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      '| m.model-v1:0 | converse-stream | off + nonce | - | 0 | - | - | - | - | - | - |',
    ]);
    expect(
      renderCacheTable({ models: [model({ promptCache: 'off' }, [okCall()])] } as unknown as RunRecord),
    ).toEqual([]);
  });
});

describe('cache class is a dimension that must match', () => {
  it('keys a model by its prompt cache and nonce', () => {
    expect(cacheKeyPart('off', false)).toBe('');
    expect(cacheKeyPart('1h', false)).toBe('cache-1h');
    expect(cacheKeyPart('on', true)).toBe('cache-on+bust');
    expect(cacheKeyPart('off', true)).toBe('bust');
    expect(
      modelKey(MODEL, 'converse', 'standard', undefined, { serviceTier: 'priority', cache: 'cache-5m' }),
    ).toBe(`${MODEL}|converse|standard|priority|cache-5m`);
    expect(modelKey(MODEL, 'converse', 'standard')).toBe(`${MODEL}|converse|standard`);
  });

  it('names the classes a side fell in; none without ok calls', () => {
    expect(cacheClassesOf([read(1, 1), write(1, 1), okCall()])).toBe('write+read+none');
    expect(cacheClassesOf([errorCall()])).toBeUndefined();
  });

  const reads = Array.from({ length: 30 }, (_, i) => read(1000 + i, 100));
  const writes = Array.from({ length: 30 }, (_, i) => write(1000 + i, 100));
  const options = { tolerance: 0.1, errorRateTolerance: 0.02, confidence: 0.95 };

  it('the gate compares no latency across cache classes: inconclusive, saying why; errors still judged', () => {
    const checks = regressionChecks(
      { baselineRuns: [reads], candidate: writes, api: 'converse-stream' },
      options,
    ).map((m) => [m.check.name, m.check.status, m.check.line]);
    const why =
      'prompt cache classes differ: baseline read vs candidate write; latency not compared (run both with the same promptCache and cacheBust)';
    expect(checks).toEqual([
      ['regression p90 latencyMs', 'inconclusive', why],
      ['regression p90 ttftMs', 'inconclusive', why],
      [
        'regression errorRate',
        'pass',
        'error rate 0.0% vs baseline 0.0% (0 of 30 vs 0 of 30 calls), tolerance +2.0 pts: no change',
      ],
    ]);
  });

  it('the gate compares against the baseline runs of the same classes only', () => {
    const slowReads = Array.from({ length: 30 }, (_, i) => read(3 * (1000 + i), 100));
    const [p90] = regressionChecks(
      { baselineRuns: [writes, reads], candidate: slowReads, api: 'converse-stream' },
      options,
    );
    expect(p90?.baselineN).toBe(30);
    expect(p90?.effect).toBeCloseTo(3, 9);
  });

  it('compare names runs whose prompt cache or cache classes differ', () => {
    const record = (promptCache: string, calls: CallRecord[]): RunRecord => {
      const run = loadFixture('run-main');
      const template = run.models[0];
      if (template === undefined) throw new Error('no model');
      run.models = [
        {
          ...template,
          key: `${MODEL}|converse-stream|standard`,
          modelId: MODEL,
          api: 'converse-stream',
          latencyMode: 'standard',
          options: { ...template.options, promptCache: promptCache as 'off' },
          summary: summarizeCalls(calls),
          calls,
        },
      ];
      return run;
    };
    const comparison = compareRuns([record('off', reads)], record('5m', writes), options);
    expect(comparison.incompatibilities).toEqual([
      `${MODEL}|converse-stream|standard cache classes differs: read vs write`,
      'prompt cache differs: off vs 5m',
    ]);
    expect(compareRuns([record('5m', reads)], record('5m', reads), options).incompatibilities).toEqual([]);
  });
});
