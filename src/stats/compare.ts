import { StatsInputError } from './errors.ts';
import { harrellDavis, type QuantileEstimate } from './harrell-davis.ts';
import { quantile, sortAscending } from './quantile.ts';
import { normalQuantile, studentTQuantile } from './special.ts';

export type Verdict = 'regressed' | 'improved' | 'no-change' | 'inconclusive';

export interface CompareOptions {
  /** Quantile compared, e.g. 0.9. */
  q: number;
  /** Tolerated slowdown as a fraction: 0.1 = a ratio up to 1.10 is not a regression. */
  tolerance: number;
  /** One-sided confidence of each bound, e.g. 0.95. */
  confidence: number;
}

/** Candidate against baseline at one quantile: Harrell-Davis estimates, ratio and one-sided bounds. */
export interface Comparison {
  q: number;
  tolerance: number;
  confidence: number;
  /** Harrell-Davis estimates: the baseline's over its pooled runs. */
  baseline: number;
  candidate: number;
  /** candidate / baseline, and its one-sided lower and upper confidence bounds. */
  ratio: number;
  lower: number;
  upper: number;
  verdict: Verdict;
  /**
   * Inconclusive only: calls per side that would decide if the estimates stayed where they are.
   * Absent when more calls cannot decide: the ratio sits on a threshold, or the baseline history's
   * run-to-run drift alone is too wide.
   */
  neededN?: number;
  baselineN: number;
  candidateN: number;
  baselineRuns: number;
  /** Standard error of the log ratio, and the part of its variance that is run-to-run drift. */
  seLog: number;
  driftVariance: number;
}

/**
 * Compares quantile q of a candidate's samples against a baseline (one run's samples, or several
 * runs' as a history), on the log scale: d = ln(HD_c / HD_b), var(d) = (se_c / HD_c)² + (se_b / HD_b)²
 * (delta method) plus drift; bounds exp(d ∓ z·se). Verdict: `regressed` when the lower bound is over
 * 1 + tolerance; `improved` when the upper bound is under 1 / (1 + tolerance); `no-change` when both
 * bounds lie between those two; otherwise `inconclusive`. Deterministic: no resampling.
 */
export function compareQuantile(
  baseline: number[] | number[][],
  candidate: number[],
  opts: CompareOptions,
): Comparison {
  const { q, tolerance, confidence } = opts;
  if (!(tolerance >= 0))
    throw new StatsInputError(`compareQuantile: tolerance ${tolerance} must be >= 0 (e.g. 0.1)`);
  if (!(confidence > 0.5 && confidence < 1)) {
    throw new StatsInputError(`compareQuantile: confidence ${confidence} must be within 0.5..1 (e.g. 0.95)`);
  }
  const runs = (isHistory(baseline) ? baseline : [baseline]).filter((run) => run.length > 0);
  const pooled = runs.flat();
  if (pooled.length === 0) throw new StatsInputError('compareQuantile: the baseline has no samples');
  if (candidate.length === 0) throw new StatsInputError('compareQuantile: the candidate has no samples');

  const base = positive(harrellDavis(sortAscending(pooled), q), 'baseline');
  const cand = positive(harrellDavis(sortAscending(candidate), q), 'candidate');
  const baseVar = (base.se / base.estimate) ** 2;
  const candVar = (cand.se / cand.estimate) ** 2;
  const drift = driftOf(runs, q);
  const variance = baseVar + candVar + drift.variance;
  const seLog = Math.sqrt(variance);
  // The drift estimate from k runs is itself uncertain: Student's t with Welch-Satterthwaite degrees
  // of freedom (its spread term has k - 1); without drift in the variance, the normal quantile.
  const z =
    drift.variance > 0
      ? studentTQuantile(confidence, (drift.runs - 1) * (variance / drift.spreadTerm) ** 2)
      : normalQuantile(confidence);
  const d = Math.log(cand.estimate / base.estimate);
  const high = Math.log1p(tolerance);
  const low = -high;
  const lowerLog = d - z * seLog;
  const upperLog = d + z * seLog;
  const verdict: Verdict =
    lowerLog > high
      ? 'regressed'
      : upperLog < low
        ? 'improved'
        : lowerLog > low && upperLog < high
          ? 'no-change'
          : 'inconclusive';

  const result: Comparison = {
    q,
    tolerance,
    confidence,
    baseline: base.estimate,
    candidate: cand.estimate,
    ratio: Math.exp(d),
    lower: Math.exp(lowerLog),
    upper: Math.exp(upperLog),
    verdict,
    baselineN: pooled.length,
    candidateN: candidate.length,
    baselineRuns: runs.length,
    seLog,
    driftVariance: drift.variance,
  };
  if (verdict === 'inconclusive') {
    // Distance from the estimate to the threshold a decision would clear (nearest one inside the band).
    const margin = d > high ? d - high : d < low ? low - d : Math.min(high - d, d - low);
    const needed = neededPerSide(margin / z, baseVar * base.n + candVar * cand.n, drift.variance);
    if (needed !== undefined) result.neededN = needed;
  }
  return result;
}

interface Drift {
  /** Added to the log ratio's variance: τ²(1 + 1/k). */
  variance: number;
  /** (1 + 1/k) s², the random part of `variance`, for the degrees of freedom. */
  spreadTerm: number;
  runs: number;
}

/**
 * Between-run (drift) variance of log quantile estimates across a baseline history, by the method of
 * moments: τ² = s² - mean(se²), the spread s² of the runs' log estimates minus what their own sampling
 * error explains. A new candidate run drifts like any run (τ²), and the baseline's pooled estimate
 * carries the mean drift of k runs (τ²/k): both are added, so ordinary drift does not look like a
 * regression. A single baseline run cannot show its drift: 0, and the simulation shows the cost.
 */
function driftOf(runs: number[][], q: number): Drift {
  const k = runs.length;
  const none = { variance: 0, spreadTerm: 0, runs: k };
  if (k < 2) return none;
  const logs: number[] = [];
  let samplingVar = 0;
  for (const run of runs) {
    const e = harrellDavis(sortAscending(run), q);
    if (!(e.estimate > 0)) return none;
    logs.push(Math.log(e.estimate));
    samplingVar += (e.se / e.estimate) ** 2;
  }
  const meanLog = logs.reduce((s, v) => s + v, 0) / k;
  const spread = logs.reduce((s, v) => s + (v - meanLog) ** 2, 0) / (k - 1);
  const tau2 = spread - samplingVar / k;
  if (!(tau2 > 0)) return none;
  return { variance: tau2 * (1 + 1 / k), spreadTerm: spread * (1 + 1 / k), runs: k };
}

/**
 * Calls per side N with z·se(N) < margin, where the sampling variance scales as 1/N
 * (`scaledVar` = Σ var_i · n_i) and drift does not shrink with N.
 */
function neededPerSide(marginOverZ: number, scaledVar: number, drift: number): number | undefined {
  const room = marginOverZ * marginOverZ - drift;
  if (!(room > 0)) return undefined;
  const n = Math.ceil(scaledVar / room);
  return Number.isFinite(n) ? Math.max(n, 2) : undefined;
}

function isHistory(baseline: number[] | number[][]): baseline is number[][] {
  return baseline.length > 0 && Array.isArray(baseline[0]);
}

function positive(e: QuantileEstimate, side: string): QuantileEstimate {
  if (!(e.estimate > 0)) {
    throw new StatsInputError(
      `compareQuantile: the ${side} quantile is ${e.estimate}; ratios need positive samples`,
    );
  }
  return e;
}

export interface BudgetResult {
  /** `point`: the type 7 quantile (what the summary shows); `confident`: the Harrell-Davis estimate. */
  estimate: number;
  /** `confident` only: the one-sided lower confidence bound of the quantile. */
  lower?: number;
  passed: boolean;
}

/**
 * A budget on quantile q. `point` (the default users expect, like k6's `p(90)<2000`) fails when the
 * type 7 quantile is over the limit; `confident` fails only when the lower bound of the Harrell-Davis
 * estimate (estimate - z·se, Maritz-Jarrett) is over it, so noise alone does not fail a run.
 */
export function budgetCheck(
  samples: number[],
  q: number,
  limit: number,
  mode: 'point' | 'confident',
  confidence = 0.95,
): BudgetResult {
  if (samples.length === 0)
    throw new StatsInputError('budgetCheck: no samples; a budget needs at least one call');
  const sorted = sortAscending(samples);
  if (mode === 'point') {
    const estimate = quantile(sorted, q);
    return { estimate, passed: estimate <= limit };
  }
  const e = harrellDavis(sorted, q);
  const lower = e.estimate - normalQuantile(confidence) * e.se;
  return { estimate: e.estimate, lower, passed: lower <= limit };
}
