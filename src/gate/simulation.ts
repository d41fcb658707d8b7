import type { CheckOutcome } from '../records/run-record.ts';
import { drawLatency, type LatencyShape, TRUE_P90_MS } from '../stats/latency-shapes.ts';
import { budgetTest } from '../stats/quantile-budget.ts';
import { mulberry32, type Random, standardNormal } from '../stats/random.ts';
import { judgeFamily, neededCalls } from './family.ts';
import { regressionChecksOf, type Samples } from './regression.ts';

/**
 * Monte Carlo model of whole pull requests through the gate's own code (scripts/simulate-gate.ts,
 * test/gate-simulation.test.ts): every model of a run is checked against its baseline with
 * regressionChecksOf and the run is judged once with judgeFamily, as the reporter and `compare` do.
 * Seeded, so every figure can be reproduced.
 */
export interface PullRequestScenario {
  shape: LatencyShape;
  /** `both`: each model through Converse and ConverseStream (P90 latency and TTFT P90 of each stream). */
  api: 'converse' | 'both';
  models: number;
  /** Measured calls per model and API, each side. */
  calls: number;
  /** 1: one baseline run; more: a history. */
  baselineRuns: number;
  /** Standard deviation of each run's (and model's) log latency factor: 0.05 drifts about 5%. */
  drift: number;
  /** Every call of the first model is this many times slower: 1 is an unchanged pull request. */
  effect: number;
  tolerance: number;
}

export interface PullRequestResult {
  scenario: PullRequestScenario;
  trials: number;
  /** Pull requests whose run verdict failed. */
  failed: number;
  /** Pull requests in which a check of the first (slowed) model failed. */
  flagged: number;
  /** Checks judged, and how many ended inconclusive. */
  checks: number;
  inconclusive: number;
}

export function simulatePullRequests(
  scenario: PullRequestScenario,
  { trials, seed }: { trials: number; seed: number },
): PullRequestResult {
  const random = mulberry32(seed);
  const result: PullRequestResult = { scenario, trials, failed: 0, flagged: 0, checks: 0, inconclusive: 0 };
  for (let t = 0; t < trials; t++) {
    const { checks, owners } = pullRequestChecks(scenario, random);
    const judged = judgeFamily(checks);
    if (judged.verdict.failed > 0) result.failed++;
    if (judged.checks.some((c, i) => owners[i] === 0 && c.status === 'fail')) result.flagged++;
    result.checks += judged.checks.length;
    result.inconclusive += judged.verdict.inconclusive;
  }
  return result;
}

/** One pull request's checks (before judging), and which model each belongs to. */
export function pullRequestChecks(
  s: PullRequestScenario,
  random: Random,
): { checks: CheckOutcome[]; owners: number[] } {
  const checks: CheckOutcome[] = [];
  const owners: number[] = [];
  const apis = s.api === 'both' ? ['converse', 'converse-stream'] : ['converse'];
  for (let model = 0; model < s.models; model++) {
    const effect = model === 0 ? s.effect : 1;
    for (const api of apis) {
      const latency = sides(s, random, effect, 1);
      const ttft = api === 'converse-stream' ? sides(s, random, effect, 0.3) : undefined;
      const errors = {
        baselineFailed: 0,
        baselineCalls: s.calls * s.baselineRuns,
        candidateFailed: 0,
        candidateCalls: s.calls,
      };
      const gated = regressionChecksOf(
        { latency, ...(ttft === undefined ? {} : { ttft }), errors },
        {
          tolerance: s.tolerance,
          errorRateTolerance: 0.02,
          confidence: 0.95,
        },
      );
      for (const g of gated) {
        checks.push(g.check);
        owners.push(model);
      }
    }
  }
  return { checks, owners };
}

/** Baseline runs and a candidate run of one metric: each run drifts by its own factor. */
function sides(s: PullRequestScenario, random: Random, effect: number, scale: number): Samples {
  const run = (factor: number): number[] => {
    const drift = s.drift > 0 ? Math.exp(s.drift * standardNormal(random)) : 1;
    return Array.from({ length: s.calls }, () => scale * factor * drift * drawLatency(s.shape, random));
  };
  return { baselineRuns: Array.from({ length: s.baselineRuns }, () => run(1)), candidate: run(effect) };
}

/**
 * `confident` budgets set exactly at the shape's true P90: the share of runs of n calls that fail
 * (a false failure), alone at 5%.
 */
export function simulateConfidentBudget(
  shape: LatencyShape,
  n: number,
  { trials, seed }: { trials: number; seed: number },
): { trials: number; failed: number } {
  const random = mulberry32(seed);
  let failed = 0;
  for (let t = 0; t < trials; t++) {
    const samples = Array.from({ length: n }, () => drawLatency(shape, random));
    if (budgetTest(samples, 0.9, TRUE_P90_MS[shape]).pOver <= 0.05) failed++;
  }
  return { trials, failed };
}

/**
 * The "calls that would decide" figure checked by re-simulation: from pull requests at `calls` whose
 * slowed model's P90 check ended inconclusive, the median of the calls it said would decide; then the
 * share of pull requests at that many calls that flag the model (80% is the promise).
 */
export function verifyNeededCalls(
  scenario: PullRequestScenario,
  { trials, seed }: { trials: number; seed: number },
): { suggested: number | undefined; power: PullRequestResult | undefined } {
  const random = mulberry32(seed);
  const suggestions: number[] = [];
  for (let t = 0; t < trials; t++) {
    const { checks, owners } = pullRequestChecks(scenario, random);
    const family = checks.filter((c) => c.test !== undefined).length;
    const test = checks.find((c, i) => owners[i] === 0 && c.name === 'regression p90 latencyMs')?.test;
    const n = test === undefined ? undefined : neededCalls(test, { alpha: 0.05, firstLevel: 0.05 / family });
    if (n !== undefined && (test?.marginLog ?? 0) > 0) suggestions.push(n);
  }
  if (suggestions.length === 0) return { suggested: undefined, power: undefined };
  suggestions.sort((a, b) => a - b);
  const suggested = suggestions[Math.floor(suggestions.length / 2)] as number;
  return {
    suggested,
    power: simulatePullRequests({ ...scenario, calls: suggested }, { trials, seed: seed + 1 }),
  };
}
