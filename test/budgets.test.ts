import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadTracking } from '../src/data/tracking.ts';
import {
  type Budget,
  BudgetError,
  checkBudgetModels,
  evaluateBudget,
  findBudget,
  loadBudgets,
  noBudgetCheck,
  parseBudgets,
} from '../src/gate/budgets.ts';
import { judgeFamily } from '../src/gate/family.ts';
import type { CallRecord, OkCall } from '../src/records/call-record.ts';
import { errorCall, okCall } from './fixtures/report-records.ts';

const F = 'data/budgets.json';

function ok(latencyMs: number, extra: Partial<OkCall> = {}): CallRecord {
  return okCall({ modelId: 'm', latencyMs, attemptMs: [latencyMs], ...extra });
}

function failed(): CallRecord {
  return errorCall({ modelId: 'm', errorKind: 'ModelTimeoutException', errorMessage: 'timed out' });
}

// 1000..10000 ms in steps of 1000: P90 = 9100, P99 = 9910, mean = 5500 (type 7, by hand).
const tenCalls = Array.from({ length: 10 }, (_, i) => ok((i + 1) * 1000));

describe('parseBudgets', () => {
  test('reads targets and models, with point mode by default', () => {
    const text = JSON.stringify({
      $comment: 'milliseconds',
      emulator: { m: { p90LatencyMs: 2000, ttftP90Ms: 500, maxErrorRate: 0.05, note: 'set from run x' } },
      bedrock: { m: { p99LatencyMs: 9000, mode: 'confident' } },
    });
    const budgets = parseBudgets(text, F);
    expect(findBudget(budgets, 'emulator', 'm')).toEqual({
      mode: 'point',
      p90LatencyMs: 2000,
      ttftP90Ms: 500,
      maxErrorRate: 0.05,
    });
    expect(findBudget(budgets, 'bedrock', 'm')).toEqual({ mode: 'confident', p99LatencyMs: 9000 });
    expect(findBudget(budgets, 'emulator', 'other')).toBeUndefined();
  });

  test.each([
    ['{', 'data/budgets.json: not valid JSON ('],
    ['[]', 'data/budgets.json: expected an object keyed by target ("emulator", "bedrock"), then model id'],
    ['{"emulatr": {}}', 'data/budgets.json: unknown target "emulatr": use "emulator" or "bedrock"'],
    ['{"emulator": []}', 'data/budgets.json: emulator: expected an object keyed by model id'],
    [
      '{"emulator": {"m": 2000}}',
      'data/budgets.json: emulator > "m": expected an object like { "p90LatencyMs": 2000 }',
    ],
    [
      '{"emulator": {"m": {"p90LatencyS": 2}}}',
      'data/budgets.json: emulator > "m": unknown key "p90LatencyS": did you mean "p90LatencyMs"? (keys: p90LatencyMs, p99LatencyMs, p90ResponseTimeMs, p99ResponseTimeMs, meanLatencyMs, ttftP90Ms, maxErrorRate, costPerCallUsd, costPerRunUsd, mode, note)',
    ],
    [
      '{"emulator": {"m": {"p90LatencyMs": "2s"}}}',
      'data/budgets.json: emulator > "m" > p90LatencyMs: "2s" must be a number of milliseconds > 0',
    ],
    [
      '{"emulator": {"m": {"p90LatencyMs": 0}}}',
      'data/budgets.json: emulator > "m" > p90LatencyMs: 0 must be a number of milliseconds > 0',
    ],
    [
      '{"emulator": {"m": {"p90LatencyMs": 1e400}}}',
      'data/budgets.json: emulator > "m" > p90LatencyMs: a number too large to hold (over 1.8e308) must be a number of milliseconds > 0',
    ],
    [
      '{"emulator": {"m": {"maxErrorRate": -1e400}}}',
      'data/budgets.json: emulator > "m" > maxErrorRate: a number too large to hold (under -1.8e308) must be a fraction from 0 to 1 (0.05 = 5%)',
    ],
    [
      '{"emulator": {"m": {"maxErrorRate": 5}}}',
      'data/budgets.json: emulator > "m" > maxErrorRate: 5 must be a fraction from 0 to 1 (0.05 = 5%)',
    ],
    [
      '{"emulator": {"m": {"p90LatencyMs": 1, "mode": "strict"}}}',
      'data/budgets.json: emulator > "m" > mode: "strict" is not a mode: use "point" or "confident"',
    ],
    [
      '{"emulator": {"m": {"mode": "point"}}}',
      'data/budgets.json: emulator > "m": no limit set: add at least one of p90LatencyMs, p99LatencyMs, p90ResponseTimeMs, p99ResponseTimeMs, meanLatencyMs, ttftP90Ms, maxErrorRate',
    ],
  ])('%s -> BudgetError', (text, message) => {
    expect(() => parseBudgets(text, F)).toThrow(BudgetError);
    expect(() => parseBudgets(text, F)).toThrow(message);
  });

  test('loadBudgets: a missing file is an error that names the way out; a BOM is accepted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'budgets-'));
    const path = join(dir, 'none.json');
    expect(() => loadBudgets(path, 'budgets/none.json')).toThrow(
      'budgets/none.json: no such budgets file: create it (`converse-bench init` writes one), or set budgetsFile to "none" to run without budgets',
    );
    writeFileSync(path, '\uFEFF{"emulator": {"m": {"p90LatencyMs": 5}}}');
    expect(loadBudgets(path).emulator?.m?.p90LatencyMs).toBe(5);
  });

  test('a corrupt file says so in one line, without a cause to print', () => {
    try {
      parseBudgets('{"emulator": ', F);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(
        /^data\/budgets\.json: not valid JSON \(.*\): fix the syntax$/,
      );
      expect((error as Error).cause).toBeUndefined();
    }
  });

  test('a budget for a model the tracking file does not list names the nearest id', () => {
    const budgets = parseBudgets('{"emulator": {"amazon.nova-micr-v1:0": {"p90LatencyMs": 5}}}', F);
    expect(() => checkBudgetModels(budgets, F, ['amazon.nova-micro-v1:0', 'x.y-v1:0'], 'data/t.csv')).toThrow(
      'data/budgets.json: emulator > "amazon.nova-micr-v1:0": no such model in data/t.csv: did you mean "amazon.nova-micro-v1:0"? fix the id or remove the entry',
    );
    expect(() => checkBudgetModels(budgets, F, ['amazon.nova-micr-v1:0'], 'data/t.csv')).not.toThrow();
  });

  test('a model without a budget is listed, and fails under requireBudgets', () => {
    expect(noBudgetCheck('emulator', F, false)).toEqual({
      name: 'budget',
      status: 'inconclusive',
      line: 'no budget: no entry under "emulator" in data/budgets.json',
    });
    expect(noBudgetCheck('bedrock', 'none', true)).toEqual({
      name: 'budget',
      status: 'fail',
      line: 'no budget: budgets are off (budgetsFile "none"): add one, or turn requireBudgets off',
    });
  });

  test('the shipped data/budgets.json is valid and budgets every tracked model on the emulator', () => {
    const budgets = loadBudgets('data/budgets.json');
    const tracked = loadTracking('data/evaluation_tracking.csv').filter((m) => !m.skipReason);
    expect(tracked.filter((m) => findBudget(budgets, 'emulator', m.modelId) === undefined)).toEqual([]);
  });
});

describe('evaluateBudget', () => {
  test('point P90, P99 and mean: exact lines, seconds when the budget is a second or more', () => {
    const budget: Budget = { mode: 'point', p90LatencyMs: 9000, p99LatencyMs: 10_000, meanLatencyMs: 5500 };
    expect(evaluateBudget(budget, tenCalls)).toEqual([
      { name: 'budget p90 latencyMs', status: 'fail', line: 'P90 9.10 s > budget 9.00 s over 10 calls' },
      { name: 'budget p99 latencyMs', status: 'pass', line: 'P99 9.91 s <= budget 10.00 s over 10 calls' },
      { name: 'budget mean latencyMs', status: 'pass', line: 'mean 5.50 s <= budget 5.50 s over 10 calls' },
    ]);
  });

  test('milliseconds when the budget is under a second; warmup excluded; failures counted', () => {
    const records = [ok(50_000, { phase: 'warmup' }), ok(100), ok(200), ok(300), failed()];
    expect(evaluateBudget({ mode: 'point', p90LatencyMs: 250, maxErrorRate: 0.2 }, records)).toEqual([
      {
        name: 'budget p90 latencyMs',
        status: 'fail',
        line: 'P90 280.0 ms > budget 250.0 ms over 3 of 4 calls',
      },
      { name: 'budget errorRate', status: 'fail', line: 'error rate 25.0% (1 of 4 calls) > budget 20.0%' },
    ]);
  });

  test('TTFT P90 only for streamed calls', () => {
    const streamed = [100, 200, 300, 400, 500].map((t) => ok(1000, { api: 'converse-stream', ttftMs: t }));
    expect(evaluateBudget({ mode: 'point', ttftP90Ms: 500 }, streamed)).toEqual([
      {
        name: 'budget p90 ttftMs',
        status: 'pass',
        line: 'TTFT P90 460.0 ms <= budget 500.0 ms over 5 calls',
      },
    ]);
    expect(evaluateBudget({ mode: 'point', ttftP90Ms: 500 }, tenCalls)).toEqual([]);
  });

  test('no successful call fails a latency budget', () => {
    expect(evaluateBudget({ mode: 'point', p90LatencyMs: 2000 }, [failed(), failed()])).toEqual([
      {
        name: 'budget p90 latencyMs',
        status: 'fail',
        line: 'P90: no successful calls out of 2, budget 2.00 s',
      },
    ]);
  });

  test('confident mode is a binomial test judged with the run: fails only when confidently over', () => {
    // Ten calls: point P90 9.10 s is over 8.50 s; 8 of 10 calls are within it, and
    // binom(10, 0.9).cdf(8) = 0.264: not confidently over. The bound is the 7th call (cdf(6) <= 0.05).
    expect(evaluateBudget({ mode: 'point', p90LatencyMs: 8500 }, tenCalls)[0]?.status).toBe('fail');
    const [check] = judgeFamily(evaluateBudget({ mode: 'confident', p90LatencyMs: 8500 }, tenCalls)).checks;
    expect(check).toMatchObject({
      name: 'budget p90 latencyMs',
      status: 'pass',
      line: 'P90 9.10 s (95% lower bound 7.00 s, binomial order statistics) vs budget 8.50 s over 10 calls: within budget (not confidently over: p 0.26, Holm over 1 test at 5%)',
    });
    const many = Array.from({ length: 400 }, (_, i) => ok(9000 + (i % 10)));
    const [over] = judgeFamily(evaluateBudget({ mode: 'confident', p90LatencyMs: 8000 }, many)).checks;
    expect(over?.status).toBe('fail');
    expect(over?.line).toMatch(
      / vs budget 8\.00 s over 400 calls: over budget \(p 0\.0e\+0, Holm over 1 test at 5%\)$/,
    );
  });

  test('at a time scale latency budgets are not judged; error budgets are', () => {
    const judging = { latencyNotJudged: 'not judged at time scale 0.02' };
    const records = [...tenCalls, failed()];
    const checks = evaluateBudget({ mode: 'point', p90LatencyMs: 1, maxErrorRate: 0 }, records, judging);
    expect(checks).toEqual([
      {
        name: 'budget p90 latencyMs',
        status: 'inconclusive',
        line: 'P90 9100.0 ms > budget 1.0 ms over 10 of 11 calls: inconclusive (not judged at time scale 0.02)',
      },
      { name: 'budget errorRate', status: 'fail', line: 'error rate 9.1% (1 of 11 calls) > budget 0.0%' },
    ]);
  });
});
