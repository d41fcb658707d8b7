import { compareQuantile, type Verdict } from './compare.ts';
import { mulberry32, type Random, standardNormal } from './random.ts';
import { normalQuantile } from './special.ts';

/**
 * Monte Carlo model of the regression gate (scripts/simulate-gate.ts, test/gate-regression.test.ts):
 * log-normal latencies, a regression applied to the whole distribution or to its tail only, and
 * run-to-run drift between runs. Seeded, so every figure can be reproduced.
 */
export interface Scenario {
  /** Calls per run, each side. */
  n: number;
  /** True ratio of candidate to baseline P90: 1 for A/A, 1.15 for a 15% regression. */
  effect: number;
  /** `scale`: every call slower by `effect`; `tail`: only calls above the P80 get slower. */
  shape: 'scale' | 'tail';
  /** Standard deviation of a run's log scale factor (0.05: runs drift by about 5%). */
  drift: number;
  /** Baseline runs compared against (1 = a single baseline; 10 = a history). */
  baselineRuns: number;
}

export interface LatencyModel {
  medianMs: number;
  sigma: number;
}

export const DEFAULT_MODEL: LatencyModel = { medianMs: 1200, sigma: 0.35 };

export interface SimulationOptions {
  trials: number;
  seed: number;
  tolerance: number;
  q?: number;
  confidence?: number;
  model?: LatencyModel;
}

export interface ScenarioResult {
  scenario: Scenario;
  trials: number;
  verdicts: Record<Verdict, number>;
  /** Share of trials the gate called `regressed`, with its 95% Wilson interval. */
  regressedRate: number;
  wilson: [number, number];
}

/** Runs `trials` independent comparisons of one scenario. */
export function simulateScenario(scenario: Scenario, opts: SimulationOptions): ScenarioResult {
  const model = opts.model ?? DEFAULT_MODEL;
  const random = mulberry32(opts.seed);
  const compare = { q: opts.q ?? 0.9, tolerance: opts.tolerance, confidence: opts.confidence ?? 0.95 };
  const verdicts: Record<Verdict, number> = { regressed: 0, improved: 0, 'no-change': 0, inconclusive: 0 };
  const slower = slowdown(scenario, model);
  for (let t = 0; t < opts.trials; t++) {
    const baseline = Array.from({ length: scenario.baselineRuns }, () =>
      drawRun(random, scenario.n, model, scenario.drift, identity),
    );
    const candidate = drawRun(random, scenario.n, model, scenario.drift, slower);
    verdicts[compareQuantile(baseline, candidate, compare).verdict]++;
  }
  return {
    scenario,
    trials: opts.trials,
    verdicts,
    regressedRate: verdicts.regressed / opts.trials,
    wilson: wilsonInterval(verdicts.regressed, opts.trials),
  };
}

/** 95% Wilson score interval for `successes` out of `trials`. */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): [number, number] {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials))) / (1 + z2n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const identity = (x: number): number => x;

/**
 * The candidate's transformation of a baseline latency. Both shapes move the P90 by exactly `effect`
 * (they are monotone, so quantiles map through them); `tail` leaves everything up to the P80 alone and
 * stretches the slowest ~20% away from it.
 */
function slowdown(scenario: Scenario, model: LatencyModel): (x: number) => number {
  const { effect } = scenario;
  if (scenario.shape === 'scale') return (x) => x * effect;
  const p80 = model.medianMs * Math.exp(model.sigma * normalQuantile(0.8));
  const p90 = model.medianMs * Math.exp(model.sigma * normalQuantile(0.9));
  const stretch = (effect * p90 - p80) / (p90 - p80);
  return (x) => (x > p80 ? p80 + (x - p80) * stretch : x);
}

/** One run: n log-normal latencies, the run's own drift factor, then the candidate's change. */
function drawRun(
  random: Random,
  n: number,
  model: LatencyModel,
  drift: number,
  change: (x: number) => number,
): number[] {
  const runFactor = drift > 0 ? Math.exp(drift * standardNormal(random)) : 1;
  return Array.from(
    { length: n },
    () => change(model.medianMs * Math.exp(model.sigma * standardNormal(random))) * runFactor,
  );
}
