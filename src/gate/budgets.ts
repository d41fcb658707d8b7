import { readFileSync } from 'node:fs';
import { nearestName } from '../config/errors.ts';
import { UserError } from '../errors.ts';
import { formatDuration, formatRate } from '../format/numbers.ts';
import type { CallRecord } from '../records/call-record.ts';
import { measuredCalls, okMeasuredCalls, responseTimeMs } from '../records/metrics.ts';
import type { Target } from '../records/options.ts';
import type { CheckOutcome } from '../records/run-record.ts';
import { budgetCheck } from '../stats/compare.ts';
import { mean } from '../stats/distribution.ts';

/**
 * Latency budgets, one file keyed by target then model id, so a reviewer reads a budget change in a
 * diff and bench files stay generated:
 *
 *   { "emulator": { "amazon.nova-micro-v1:0": { "p90LatencyMs": 2000, "ttftP90Ms": 600 } } }
 *
 * Every limit is optional (at least one is required); latencies are in milliseconds, error rates a
 * fraction. `mode: "confident"` fails a quantile budget only when the lower 95% bound of the
 * quantile is over it (see src/stats/compare.ts); the default `point` compares the estimate, as k6 does.
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
] as const;
const BUDGET_KEYS: readonly string[] = [...LIMIT_KEYS, 'mode', 'note'];

/** Reads and validates a budgets file; every mistake names the file, the target, the model and the key. */
export function loadBudgets(path: string): BudgetFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BudgetError(`${path}: cannot read the budgets file: create it or point budgetsFile elsewhere`, {
      cause: error,
    });
  }
  return parseBudgets(text, path);
}

export function parseBudgets(text: string, file: string): BudgetFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new BudgetError(`${file}: not valid JSON (${why}): fix the syntax`, { cause: error });
  }
  if (!isObject(raw)) {
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
    if (!isObject(models)) {
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

function parseBudget(value: unknown, where: string): Budget {
  if (!isObject(value)) throw new BudgetError(`${where}: expected an object like { "p90LatencyMs": 2000 }`);
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
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new BudgetError(`${where} > ${key}: ${shown(v)} must be a number of milliseconds > 0`);
    }
    budget[key as Exclude<(typeof LIMIT_KEYS)[number], 'maxErrorRate'>] = v;
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
 * Checks one model's records (one API) against its budget: one CheckOutcome per limit that applies.
 * Latency figures are over ok measured calls; the error rate over all measured calls.
 */
export function evaluateBudget(budget: Budget, records: readonly CallRecord[]): CheckOutcome[] {
  const measured = measuredCalls(records);
  const ok = okMeasuredCalls(records);
  const latencies = ok.map((r) => r.latencyMs);
  const outcomes: CheckOutcome[] = [];
  const n = measured.length;
  if (budget.p90LatencyMs !== undefined) {
    outcomes.push(
      quantileCheck('budget p90 latencyMs', 'P90', latencies, 0.9, budget.p90LatencyMs, budget.mode, n),
    );
  }
  if (budget.p99LatencyMs !== undefined) {
    outcomes.push(
      quantileCheck('budget p99 latencyMs', 'P99', latencies, 0.99, budget.p99LatencyMs, budget.mode, n),
    );
  }
  const responseTimes = ok.map(responseTimeMs);
  if (budget.p90ResponseTimeMs !== undefined) {
    outcomes.push(
      quantileCheck(
        'budget p90 responseTimeMs',
        'P90 response time',
        responseTimes,
        0.9,
        budget.p90ResponseTimeMs,
        budget.mode,
        n,
      ),
    );
  }
  if (budget.p99ResponseTimeMs !== undefined) {
    outcomes.push(
      quantileCheck(
        'budget p99 responseTimeMs',
        'P99 response time',
        responseTimes,
        0.99,
        budget.p99ResponseTimeMs,
        budget.mode,
        n,
      ),
    );
  }
  if (budget.meanLatencyMs !== undefined) {
    outcomes.push(meanCheck(latencies, budget.meanLatencyMs, n));
  }
  const streamed = measured.some((r) => r.api === 'converse-stream');
  if (budget.ttftP90Ms !== undefined && streamed) {
    const ttfts = ok.flatMap((r) => (r.ttftMs === undefined ? [] : [r.ttftMs]));
    outcomes.push(
      quantileCheck('budget p90 ttftMs', 'TTFT P90', ttfts, 0.9, budget.ttftP90Ms, budget.mode, n),
    );
  }
  if (budget.maxErrorRate !== undefined) {
    outcomes.push(errorRateCheck(n - ok.length, n, budget.maxErrorRate));
  }
  return outcomes;
}

function quantileCheck(
  name: string,
  label: string,
  samples: number[],
  q: number,
  limit: number,
  mode: Budget['mode'],
  calls: number,
): CheckOutcome {
  if (samples.length === 0) {
    return {
      name,
      status: 'fail',
      line: `${label}: no successful calls out of ${calls}, budget ${formatDuration(limit, limit)}`,
    };
  }
  const result = budgetCheck(samples, q, limit, mode);
  const bound =
    mode === 'confident' && result.lower !== undefined
      ? ` (95% lower bound ${formatDuration(result.lower, limit)})`
      : '';
  const op = result.passed ? '<=' : '>';
  const over = samples.length === calls ? `${calls} calls` : `${samples.length} of ${calls} calls`;
  const line = `${label} ${formatDuration(result.estimate, limit)}${bound} ${op} budget ${formatDuration(limit, limit)} over ${over}`;
  return { name, status: result.passed ? 'pass' : 'fail', line };
}

function meanCheck(latencies: number[], limit: number, calls: number): CheckOutcome {
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
  return {
    name,
    status: passed ? 'pass' : 'fail',
    line: `mean ${formatDuration(m, limit)} ${passed ? '<=' : '>'} budget ${formatDuration(limit, limit)} over ${over}`,
  };
}

function errorRateCheck(failed: number, calls: number, limit: number): CheckOutcome {
  const rate = calls === 0 ? 0 : failed / calls;
  const passed = rate <= limit;
  const line = `error rate ${formatRate(rate)} (${failed} of ${calls} calls) ${passed ? '<=' : '>'} budget ${formatRate(limit)}`;
  return { name: 'budget errorRate', status: passed ? 'pass' : 'fail', line };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as the user wrote it; JSON reads 1e400 as Infinity, which JSON.stringify would show as null. */
function shown(value: unknown): string {
  if (value === Number.POSITIVE_INFINITY) return 'a number too large to hold (over 1.8e308)';
  if (value === Number.NEGATIVE_INFINITY) return 'a number too large to hold (under -1.8e308)';
  return JSON.stringify(value);
}
