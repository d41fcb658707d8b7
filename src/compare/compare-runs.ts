import type { CallRecord } from '../records/call-record.ts';
import { measuredCalls, okMeasuredCalls } from '../records/metrics.ts';
import type { ModelRun, RunContext, RunRecord } from '../records/run-record.ts';
import { compareQuantile, type Verdict } from '../stats/compare.ts';
import { mean, sampleStd } from '../stats/distribution.ts';
import { wilsonInterval } from '../stats/gate-simulation.ts';
import { normalQuantile } from '../stats/special.ts';
import { incompatibilities } from './compatibility.ts';

/** A metric of one model, baseline against candidate. Latencies in ms; error rate as a fraction. */
export interface MetricComparison {
  metric: 'p50' | 'p90' | 'mean' | 'errorRate' | 'ttftP90';
  baseline: number;
  candidate: number;
  /** Latency metrics: candidate / baseline with one-sided bounds. Error rate: candidate - baseline. */
  effect: number;
  lower: number;
  upper: number;
  verdict: Verdict;
  /** Inconclusive only: calls per side that would decide. */
  neededN?: number;
  baselineN: number;
  candidateN: number;
}

export interface ModelComparison {
  key: string;
  /** Set when the model ran in only one of the two: nothing is compared. */
  onlyIn?: 'baseline' | 'candidate';
  metrics: MetricComparison[];
}

export interface RunComparison {
  baselines: RunContext[];
  candidate: RunContext;
  tolerance: number;
  confidence: number;
  /** Differences in dataset, prompts, maxTokens, target, time scale or transport. */
  incompatibilities: string[];
  models: ModelComparison[];
}

export interface CompareRunsOptions {
  /** Tolerated slowdown of a latency metric, as a fraction. */
  tolerance: number;
  /** Tolerated rise in error rate, as a fraction of calls (0.01 = one percentage point). */
  errorRateTolerance: number;
  confidence: number;
}

const measured = (run: ModelRun): CallRecord[] => measuredCalls(run.calls);
const okLatencies = (run: ModelRun): number[] => okMeasuredCalls(run.calls).map((call) => call.latencyMs);
const okTtfts = (run: ModelRun): number[] => okMeasuredCalls(run.calls).flatMap((call) => call.ttftMs ?? []);

/**
 * Compares a candidate run with one or more baseline runs (a history from the main branch), model by
 * model. Quantiles use the Harrell-Davis / Maritz-Jarrett comparison of src/stats/compare.ts, which
 * accounts for run-to-run drift when the history has several runs.
 */
export function compareRuns(
  baselines: RunRecord[],
  candidate: RunRecord,
  opts: CompareRunsOptions,
): RunComparison {
  const problems = new Set(baselines.flatMap((baseline) => incompatibilities(baseline, candidate)));
  const keys = [
    ...new Set([
      ...baselines.flatMap((b) => b.models.map((m) => m.key)),
      ...candidate.models.map((m) => m.key),
    ]),
  ];
  const models = keys.map((key): ModelComparison => {
    const history = baselines.flatMap((b) => b.models.filter((m) => m.key === key));
    const cand = candidate.models.find((m) => m.key === key);
    if (cand === undefined) return { key, onlyIn: 'baseline', metrics: [] };
    if (history.length === 0) return { key, onlyIn: 'candidate', metrics: [] };
    return { key, metrics: compareModel(history, cand, opts) };
  });
  return {
    baselines: baselines.map((b) => b.context),
    candidate: candidate.context,
    tolerance: opts.tolerance,
    confidence: opts.confidence,
    incompatibilities: [...problems],
    models,
  };
}

function compareModel(history: ModelRun[], cand: ModelRun, opts: CompareRunsOptions): MetricComparison[] {
  const out: MetricComparison[] = [];
  const baseLatency = history.map(okLatencies).filter((s) => s.length > 0);
  const candLatency = okLatencies(cand);
  if (baseLatency.length > 0 && candLatency.length > 0) {
    out.push(quantileMetric('p50', 0.5, baseLatency, candLatency, opts));
    out.push(quantileMetric('p90', 0.9, baseLatency, candLatency, opts));
    out.push(meanMetric(baseLatency.flat(), candLatency, opts));
  }
  out.push(errorRateMetric(history.flatMap(measured), measured(cand), opts));
  const baseTtft = history.map(okTtfts).filter((s) => s.length > 0);
  const candTtft = okTtfts(cand);
  if (baseTtft.length > 0 && candTtft.length > 0) {
    out.push(quantileMetric('ttftP90', 0.9, baseTtft, candTtft, opts));
  }
  return out;
}

function quantileMetric(
  metric: MetricComparison['metric'],
  q: number,
  history: number[][],
  candidate: number[],
  opts: CompareRunsOptions,
): MetricComparison {
  const c = compareQuantile(history.length === 1 ? (history[0] ?? []) : history, candidate, {
    q,
    tolerance: opts.tolerance,
    confidence: opts.confidence,
  });
  return {
    metric,
    baseline: c.baseline,
    candidate: c.candidate,
    effect: c.ratio,
    lower: c.lower,
    upper: c.upper,
    verdict: c.verdict,
    ...(c.neededN === undefined ? {} : { neededN: c.neededN }),
    baselineN: c.baselineN,
    candidateN: c.candidateN,
  };
}

/** Ratio of means on the log scale, delta method: var(ln mean) = s^2 / (n mean^2). */
function meanMetric(baseline: number[], candidate: number[], opts: CompareRunsOptions): MetricComparison {
  const mb = mean(baseline);
  const mc = mean(candidate);
  const relVar = (values: number[], m: number): number =>
    values.length < 2 ? 0 : sampleStd(values) ** 2 / (values.length * m * m);
  const se = Math.sqrt(relVar(baseline, mb) + relVar(candidate, mc));
  const z = normalQuantile(opts.confidence);
  const d = Math.log(mc / mb);
  const lower = Math.exp(d - z * se);
  const upper = Math.exp(d + z * se);
  const high = 1 + opts.tolerance;
  const verdict = classify(lower, upper, 1 / high, high);
  const neededN =
    verdict === 'inconclusive' && se > 0 && Math.abs(d - Math.log(high)) > 0
      ? Math.ceil(
          Math.max(baseline.length, candidate.length) * ((z * se) / Math.abs(d - Math.log(high))) ** 2,
        )
      : undefined;
  return {
    metric: 'mean',
    baseline: mb,
    candidate: mc,
    effect: mc / mb,
    lower,
    upper,
    verdict,
    ...(neededN === undefined ? {} : { neededN }),
    baselineN: baseline.length,
    candidateN: candidate.length,
  };
}

/**
 * Difference of error rates with Newcombe's hybrid score interval (from each side's Wilson interval),
 * one-sided at the stated confidence: regressed when even the lower bound is above the tolerance.
 */
function errorRateMetric(
  baseline: CallRecord[],
  candidate: CallRecord[],
  opts: CompareRunsOptions,
): MetricComparison {
  const failed = (calls: CallRecord[]): number => calls.filter((c) => c.status === 'error').length;
  const nb = baseline.length;
  const nc = candidate.length;
  const pb = nb === 0 ? 0 : failed(baseline) / nb;
  const pc = nc === 0 ? 0 : failed(candidate) / nc;
  const twoSided = 1 - 2 * (1 - opts.confidence);
  const [lb, ub] = nb === 0 ? [0, 1] : wilsonInterval(failed(baseline), nb, twoSided);
  const [lc, uc] = nc === 0 ? [0, 1] : wilsonInterval(failed(candidate), nc, twoSided);
  const d = pc - pb;
  const lower = d - Math.sqrt((pc - lc) ** 2 + (ub - pb) ** 2);
  const upper = d + Math.sqrt((uc - pc) ** 2 + (pb - lb) ** 2);
  const t = opts.errorRateTolerance;
  return {
    metric: 'errorRate',
    baseline: pb,
    candidate: pc,
    effect: d,
    lower,
    upper,
    // A drop in errors is welcome but not the question: no rise beyond t is `no-change`.
    verdict: lower > t ? 'regressed' : upper < -t ? 'improved' : upper <= t ? 'no-change' : 'inconclusive',
    baselineN: nb,
    candidateN: nc,
  };
}

function classify(lower: number, upper: number, low: number, high: number): Verdict {
  if (lower > high) return 'regressed';
  if (upper < low) return 'improved';
  if (lower >= low && upper <= high) return 'no-change';
  return 'inconclusive';
}
