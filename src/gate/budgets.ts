import { nearestName } from '../config/errors.ts';
import { parseUserJson, readUserText, UserError } from '../errors.ts';
import { formatDuration, formatRate, formatUsd } from '../format/numbers.ts';
import type { CallRecord } from '../records/call-record.ts';
import { isJsonObject } from '../records/json-object.ts';
import { measuredCalls, okMeasuredCalls, responseTimeMs } from '../records/metrics.ts';
import type { Target } from '../records/options.ts';
import type { ModelPricing } from '../records/prices.ts';
import type { CheckOutcome, CheckTest } from '../records/run-record.ts';
import { mean } from '../stats/distribution.ts';
import { quantile, sortAscending } from '../stats/quantile.ts';
import { budgetTest } from '../stats/quantile-budget.ts';
import { normalQuantile } from '../stats/special.ts';
import { summarizeCost } from '../summary/cost.ts';

/**
 * Latency budgets, one file keyed by target then model id, so a reviewer reads a budget change in a
 * diff and bench files stay generated:
 *
 *   { "emulator": { "amazon.nova-micro-v1:0": { "p90LatencyMs": 2000, "ttftP90Ms": 600 } } }
 *
 * Every limit is optional (at least one is required); latencies are in milliseconds, costs in US
 * dollars (from the price table: `costPerCallUsd`, `costPerRunUsd`), error rates a
 * fraction. The default `point` mode is a fixed limit on the type 7 quantile the summary shows, as
 * k6's `p(90)<2000`: not a test, so a model whose true P90 sits at its budget fails about half the
 * time. `mode: "confident"` is an exact binomial test (src/stats/quantile-budget.ts) judged with the
 * run's other tests (src/gate/family.ts): it fails only when the quantile is confidently over.
 */
export interface Budget {
  p90LatencyMs?: number;
  p99LatencyMs?: number;
  /**
   * Response time from the scheduled start (queue delay + latency; see src/records/metrics.ts):
   * under open-loop load it bounds what a caller arriving on schedule waited; in closed loop it
   * equals the latency.
   */
  p90ResponseTimeMs?: number;
  p99ResponseTimeMs?: number;
  meanLatencyMs?: number;
  /** Streaming only: ignored for Converse runs. */
  ttftP90Ms?: number;
  /** Failed measured calls / all measured calls, 0..1. */
  maxErrorRate?: number;
  /** Mean cost of a successful measured call, USD, from the price table (src/records/cost.ts). */
  costPerCallUsd?: number;
  /** What the model's calls cost in the run, USD, warmup included (one model, one API, one sweep level). */
  costPerRunUsd?: number;
  mode: 'point' | 'confident';
}

export type BudgetFile = Partial<Record<Target, Record<string, Budget>>>;

export class BudgetError extends UserError {
  override name = 'BudgetError';
}

const TARGETS: readonly Target[] = ['emulator', 'bedrock'];
const LIMIT_KEYS = [
  'p90LatencyMs',
  'p99LatencyMs',
  'p90ResponseTimeMs',
  'p99ResponseTimeMs',
  'meanLatencyMs',
  'ttftP90Ms',
  'maxErrorRate',
  'costPerCallUsd',
  'costPerRunUsd',
] as const;
const COST_KEYS: readonly string[] = ['costPerCallUsd', 'costPerRunUsd'];
const BUDGET_KEYS: readonly string[] = [...LIMIT_KEYS, 'mode', 'note'];

/** `budgetsFile: "none"`: run without budgets, on purpose; every model is then listed as "no budget". */
export const NO_BUDGETS_FILE = 'none';

/**
 * Reads and validates a budgets file; every mistake names the file, the target, the model and the key.
 * `shown` is the path as the user wrote it. A missing file is an error: a gate never passes by default.
 */
export function loadBudgets(path: string, shown = path): BudgetFile {
  const text = readUserText(path, (code) => {
    const why = code === 'ENOENT' ? 'no such budgets file' : `cannot read the budgets file (${code})`;
    return new BudgetError(
      `${shown}: ${why}: create it (\`converse-bench init\` writes one), or set budgetsFile to "${NO_BUDGETS_FILE}" to run without budgets`,
    );
  });
  return parseBudgets(text, shown);
}

export function parseBudgets(text: string, file: string): BudgetFile {
  const raw = parseUserJson(text, file, ': fix the syntax', (line) => new BudgetError(line));
  if (!isJsonObject(raw)) {
    throw new BudgetError(
      `${file}: expected an object keyed by target ("emulator", "bedrock"), then model id`,
    );
  }
  const budgets: BudgetFile = {};
  for (const [target, models] of Object.entries(raw)) {
    if (target.startsWith('$')) continue; // "$comment" and the like
    if (!TARGETS.includes(target as Target)) {
      throw new BudgetError(`${file}: unknown target "${target}": use "emulator" or "bedrock"`);
    }
    if (!isJsonObject(models)) {
      throw new BudgetError(`${file}: ${target}: expected an object keyed by model id`);
    }
    const byModel: Record<string, Budget> = {};
    for (const [model, value] of Object.entries(models)) {
      byModel[model] = parseBudget(value, `${file}: ${target} > "${model}"`);
    }
    budgets[target as Target] = byModel;
  }
  return budgets;
}

/**
 * A budget keyed by a model that is neither in the run nor in the tracking file checks nothing: a
 * misspelt id. One line naming the file, the key and the nearest known id.
 */
export function checkBudgetModels(
  budgets: BudgetFile,
  file: string,
  knownModels: readonly string[],
  trackingFile: string,
): void {
  for (const [target, models] of Object.entries(budgets)) {
    for (const model of Object.keys(models ?? {})) {
      if (knownModels.includes(model)) continue;
      const near = nearestName(model, knownModels);
      const hint = near === undefined ? '' : `did you mean "${near}"? `;
      throw new BudgetError(
        `${file}: ${target} > "${model}": no such model in ${trackingFile}: ${hint}fix the id or remove the entry`,
      );
    }
  }
}

function parseBudget(value: unknown, where: string): Budget {
  if (!isJsonObject(value))
    throw new BudgetError(`${where}: expected an object like { "p90LatencyMs": 2000 }`);
  const budget: Budget = { mode: 'point' };
  for (const [key, v] of Object.entries(value)) {
    if (!BUDGET_KEYS.includes(key)) {
      const near = nearestName(key, BUDGET_KEYS);
      throw new BudgetError(
        `${where}: unknown key "${key}": did you mean "${near}"? (keys: ${BUDGET_KEYS.join(', ')})`,
      );
    }
    if (key === 'note') continue;
    if (key === 'mode') {
      if (v !== 'point' && v !== 'confident') {
        throw new BudgetError(
          `${where} > mode: ${JSON.stringify(v)} is not a mode: use "point" or "confident"`,
        );
      }
      budget.mode = v;
      continue;
    }
    if (key === 'maxErrorRate') {
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new BudgetError(
          `${where} > maxErrorRate: ${shown(v)} must be a fraction from 0 to 1 (0.05 = 5%)`,
        );
      }
      budget.maxErrorRate = v;
      continue;
    }
    if (COST_KEYS.includes(key)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
        throw new BudgetError(
          `${where} > ${key}: ${shown(v)} must be a number of US dollars > 0 (0.002 = a fifth of a cent)`,
        );
      }
      budget[key as 'costPerCallUsd' | 'costPerRunUsd'] = v;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new BudgetError(`${where} > ${key}: ${shown(v)} must be a number of milliseconds > 0`);
    }
    budget[key as Exclude<(typeof LIMIT_KEYS)[number], 'maxErrorRate' | 'costPerCallUsd' | 'costPerRunUsd'>] =
      v;
  }
  if (!LIMIT_KEYS.some((k) => budget[k] !== undefined)) {
    throw new BudgetError(`${where}: no limit set: add at least one of ${LIMIT_KEYS.join(', ')}`);
  }
  return budget;
}

/** The budget for a model on a target, matched by exact model id (as in the tracking file). */
export function findBudget(budgets: BudgetFile, target: Target, modelId: string): Budget | undefined {
  return budgets[target]?.[modelId];
}

/**
 * Why latency budgets of a run are not judged: a time-scaled emulator (none), a client-health warning
 * (`confident` budgets, which are tests), or a figure over its limit by no more than the client's own
 * event-loop delay (every latency budget: the client's noise could explain it).
 */
export interface BudgetJudging {
  latencyNotJudged?: string;
  clientBusy?: string;
  /** The client's event-loop delay P99 while measuring, ms. */
  clientNoiseMs?: number;
  /** One-sided confidence of `confident` bounds. @default 0.95 */
  confidence?: number;
}

/**
 * Checks one model's records (one API) against its budget: one CheckOutcome per limit that applies.
 * Latency figures are over ok measured calls; the error rate over all measured calls (always judged).
 */
export function evaluateBudget(
  budget: Budget,
  records: readonly CallRecord[],
  judging: BudgetJudging = {},
  pricing?: ModelPricing,
): CheckOutcome[] {
  const measured = measuredCalls(records);
  const ok = okMeasuredCalls(records);
  const n = measured.length;
  const latencies = ok.map((r) => r.latencyMs);
  const responseTimes = ok.map(responseTimeMs);
  const ttfts = ok.flatMap((r) => (r.ttftMs === undefined ? [] : [r.ttftMs]));
  const streamed = measured.some((r) => r.api === 'converse-stream');
  const limits: [keyof Budget, string, string, number[], number][] = [
    ['p90LatencyMs', 'budget p90 latencyMs', 'P90', latencies, 0.9],
    ['p99LatencyMs', 'budget p99 latencyMs', 'P99', latencies, 0.99],
    ['p90ResponseTimeMs', 'budget p90 responseTimeMs', 'P90 response time', responseTimes, 0.9],
    ['p99ResponseTimeMs', 'budget p99 responseTimeMs', 'P99 response time', responseTimes, 0.99],
    ['ttftP90Ms', 'budget p90 ttftMs', 'TTFT P90', ttfts, 0.9],
  ];
  const outcomes: CheckOutcome[] = [];
  for (const [key, name, label, samples, q] of limits) {
    const limit = budget[key];
    if (typeof limit !== 'number' || (key === 'ttftP90Ms' && !streamed)) continue;
    outcomes.push(quantileCheck({ name, label, samples, q, limit, mode: budget.mode, calls: n }, judging));
  }
  if (budget.meanLatencyMs !== undefined)
    outcomes.push(meanCheck(latencies, budget.meanLatencyMs, n, judging));
  if (budget.maxErrorRate !== undefined) outcomes.push(errorRateCheck(n - ok.length, n, budget.maxErrorRate));
  if (budget.costPerCallUsd !== undefined || budget.costPerRunUsd !== undefined) {
    outcomes.push(...costChecks(budget, records, pricing, { calls: n, ok: ok.length }));
  }
  return outcomes;
}

/**
 * Cost limits, judged on the price table's figures whatever the target or time scale (a cost does not
 * depend on time): the mean per successful measured call, and the total warmup included. A cost that
 * is unknown (a price missing) fails: a gate never passes by default.
 */
function costChecks(
  budget: Budget,
  records: readonly CallRecord[],
  pricing: ModelPricing | undefined,
  { calls, ok }: { calls: number; ok: number },
): CheckOutcome[] {
  const cost = summarizeCost(records, pricing, false);
  const fix = 'add the missing price to the price table (pricesFile) or remove the cost budget';
  const limits: ['costPerCallUsd' | 'costPerRunUsd', string, string, number | undefined][] = [
    ['costPerCallUsd', 'budget cost per call', 'cost per call (mean)', cost.perCallUsd],
    ['costPerRunUsd', 'budget cost per run', 'cost of the run', cost.totalUsd],
  ];
  const outcomes: CheckOutcome[] = [];
  for (const [key, name, label, usd] of limits) {
    const limit = budget[key];
    if (limit === undefined) continue;
    const budgetText = `budget ${formatUsd(limit)}`;
    if (cost.unknown !== undefined) {
      outcomes.push({
        name,
        status: 'fail',
        line: `${label} unknown (${cost.unknown}), ${budgetText}: ${fix}`,
      });
    } else if (usd === undefined) {
      outcomes.push({
        name,
        status: 'fail',
        line: `${label}: no successful calls out of ${calls}, ${budgetText}`,
      });
    } else {
      const passed = usd <= limit;
      const over =
        key === 'costPerCallUsd' ? `over ${ok} calls` : `over ${cost.pricedCalls} calls, warmup included`;
      outcomes.push({
        name,
        status: passed ? 'pass' : 'fail',
        line: `${label} ${formatUsd(usd)} ${passed ? '<=' : '>'} ${budgetText} ${over}`,
      });
    }
  }
  return outcomes;
}

/** The line every summary shows for a benchmarked model without a budget; a failure under `requireBudgets`. */
export function noBudgetCheck(target: Target, file: string, required: boolean): CheckOutcome {
  const where =
    file === NO_BUDGETS_FILE
      ? 'budgets are off (budgetsFile "none")'
      : `no entry under "${target}" in ${file}`;
  const fix = required ? ': add one, or turn requireBudgets off' : '';
  return { name: 'budget', status: required ? 'fail' : 'inconclusive', line: `no budget: ${where}${fix}` };
}

interface QuantileLimit {
  name: string;
  label: string;
  samples: number[];
  q: number;
  limit: number;
  mode: Budget['mode'];
  calls: number;
}

function quantileCheck(c: QuantileLimit, judging: BudgetJudging): CheckOutcome {
  const { name, label, samples, q, limit, mode, calls } = c;
  const budgetText = `budget ${formatDuration(limit, limit)}`;
  if (samples.length === 0) {
    return { name, status: 'fail', line: `${label}: no successful calls out of ${calls}, ${budgetText}` };
  }
  const over = samples.length === calls ? `${calls} calls` : `${samples.length} of ${calls} calls`;
  if (mode === 'point') {
    const estimate = quantile(sortAscending(samples), q);
    const passed = estimate <= limit;
    const line = `${label} ${formatDuration(estimate, limit)} ${passed ? '<=' : '>'} ${budgetText} over ${over}`;
    const notJudged = judging.latencyNotJudged ?? withinNoise(estimate, limit, judging.clientNoiseMs);
    if (notJudged !== undefined)
      return { name, status: 'inconclusive', line: `${line}: inconclusive (${notJudged})` };
    return { name, status: passed ? 'pass' : 'fail', line };
  }
  const confidence = judging.confidence ?? 0.95;
  const t = budgetTest(samples, q, limit, confidence);
  const bound =
    t.lower === undefined
      ? 'no lower bound yet'
      : `${Math.round(confidence * 100)}% lower bound ${formatDuration(t.lower, limit)}`;
  const test: CheckTest = {
    kind: 'budget',
    measured: `${label} ${formatDuration(t.estimate, limit)} (${bound}, binomial order statistics) vs ${budgetText} over ${over}`,
    pFail: t.pOver,
    pPass: t.pWithin,
    pMin: t.pMin,
    q,
    calls: samples.length,
  };
  if (t.lower !== undefined && t.lower > 0) {
    test.marginLog = Math.log(t.estimate / limit);
    test.seLog = Math.log(t.estimate / t.lower) / normalQuantile(confidence);
  }
  const notJudged =
    judging.latencyNotJudged ?? judging.clientBusy ?? withinNoise(t.estimate, limit, judging.clientNoiseMs);
  if (notJudged !== undefined) test.notJudged = notJudged;
  return {
    name,
    status: 'inconclusive',
    line: `${test.measured}: to be judged with the run's other checks`,
    test,
  };
}

function meanCheck(latencies: number[], limit: number, calls: number, judging: BudgetJudging): CheckOutcome {
  const name = 'budget mean latencyMs';
  if (latencies.length === 0) {
    return {
      name,
      status: 'fail',
      line: `mean: no successful calls out of ${calls}, budget ${formatDuration(limit, limit)}`,
    };
  }
  const m = mean(latencies);
  const passed = m <= limit;
  const over = latencies.length === calls ? `${calls} calls` : `${latencies.length} of ${calls} calls`;
  const line = `mean ${formatDuration(m, limit)} ${passed ? '<=' : '>'} budget ${formatDuration(limit, limit)} over ${over}`;
  const notJudged = judging.latencyNotJudged ?? withinNoise(m, limit, judging.clientNoiseMs);
  if (notJudged !== undefined)
    return { name, status: 'inconclusive', line: `${line}: inconclusive (${notJudged})` };
  return { name, status: passed ? 'pass' : 'fail', line };
}

/** Over the limit by no more than the client's event-loop delay: the client's noise could explain it. */
function withinNoise(estimate: number, limit: number, noiseMs: number | undefined): string | undefined {
  if (noiseMs === undefined || !(estimate > limit && estimate - limit <= noiseMs)) return undefined;
  const by = formatDuration(estimate - limit, limit);
  return `client busy: over by ${by}, within the client's event-loop delay P99 of ${formatDuration(noiseMs, limit)}`;
}

function errorRateCheck(failed: number, calls: number, limit: number): CheckOutcome {
  const rate = calls === 0 ? 0 : failed / calls;
  const passed = rate <= limit;
  const line = `error rate ${formatRate(rate)} (${failed} of ${calls} calls) ${passed ? '<=' : '>'} budget ${formatRate(limit)}`;
  return { name: 'budget errorRate', status: passed ? 'pass' : 'fail', line };
}

/** A value as the user wrote it; JSON reads 1e400 as Infinity, which JSON.stringify would show as null. */
function shown(value: unknown): string {
  if (value === Number.POSITIVE_INFINITY) return 'a number too large to hold (over 1.8e308)';
  if (value === Number.NEGATIVE_INFINITY) return 'a number too large to hold (under -1.8e308)';
  return JSON.stringify(value);
}
