import { clientBusyReason, clientNoiseMs, timeScaleReason } from '../gate/client-noise.ts';
import { judgeFamily } from '../gate/family.ts';
import { type GatedMetric, regressionChecks } from '../gate/regression.ts';
import type { CallRecord } from '../records/call-record.ts';
import { okMeasuredCalls } from '../records/metrics.ts';
import type { CheckOutcome, ModelRun, RunContext, RunRecord, RunVerdict } from '../records/run-record.ts';
import { mean } from '../stats/distribution.ts';
import { quantile, sortAscending } from '../stats/quantile.ts';
import { incompatibilities } from './compatibility.ts';

/**
 * A metric of one model, baseline against candidate. Latencies in ms, error rates as fractions.
 * Gated metrics (P90, TTFT P90, error rate) carry the check the gate judged; P50 and the mean are
 * shown for context and never fail a comparison.
 */
export interface MetricComparison {
  metric: 'p50' | 'p90' | 'mean' | 'errorRate' | 'ttftP90';
  gated: boolean;
  /** Type 7 quantiles or means (ms), or error rates; absent when a side has no successful call. */
  baseline?: number;
  candidate?: number;
  /** Latency: candidate / baseline; error rate: candidate - baseline (fraction of calls). */
  effect?: number;
  /** One-sided bounds of `effect` at the comparison's confidence (gated latency metrics). */
  lower?: number;
  upper?: number;
  verdict: 'regressed' | 'no-regression' | 'inconclusive' | 'not-gated';
  /** Gated: the check's line, e.g. `P90 1.42 s vs baseline 1.20 s: x1.18 (...): regressed (p ...)`. */
  line?: string;
  /** Gated: p-value of "no regression", before the family's correction. */
  pRegressed?: number;
  baselineN: number;
  candidateN: number;
}

export interface ModelComparison {
  key: string;
  /** Set when the model ran in only one of the two: nothing is compared. */
  onlyIn?: 'baseline' | 'candidate';
  metrics: MetricComparison[];
}

export interface ComparisonVerdict extends RunVerdict {
  /** `regressed` when any check failed, `no regression` when every check passed, else `inconclusive`. */
  word: 'regressed' | 'no regression' | 'inconclusive';
}

export interface RunComparison {
  baselines: RunContext[];
  candidate: RunContext;
  tolerance: number;
  errorRateTolerance: number;
  confidence: number;
  /** Differences in settings that make the runs measure different things. */
  incompatibilities: string[];
  models: ModelComparison[];
  /** The candidate's `confident` budgets: tests of the same family as its regressions. */
  budgets: { key: string; check: CheckOutcome }[];
  verdict: ComparisonVerdict;
}

export interface CompareRunsOptions {
  /** Tolerated slowdown of a P90, as a fraction. */
  tolerance: number;
  /** Tolerated rise in error rate, as a fraction of calls (0.02 = two percentage points). */
  errorRateTolerance: number;
  confidence: number;
}

/** `compare`'s defaults: 10% tolerated on a P90, two points on an error rate, 95% confidence. */
export const COMPARE_DEFAULTS: CompareRunsOptions = {
  tolerance: 0.1,
  errorRateTolerance: 0.02,
  confidence: 0.95,
};

const okLatencies = (calls: readonly CallRecord[]): number[] =>
  okMeasuredCalls(calls).map((c) => c.latencyMs);

/**
 * Compares a candidate run with one or more baseline runs (a history from the main branch), model by
 * model, with the gate's own rule (src/gate/regression.ts) and one verdict for the whole comparison
 * (src/gate/family.ts): the same checks, family and verdict as the in-bench gate.
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
  const latencyNotJudged = [candidate, ...baselines]
    .map((run) => timeScaleReason(run.context.target, run.context.timeScale))
    .find((reason) => reason !== undefined);
  const gated: { model: number; metric: GatedMetric }[] = [];
  const models = keys.map((key, index): ModelComparison => {
    const history = baselines.flatMap((b) => b.models.filter((m) => m.key === key));
    const cand = candidate.models.find((m) => m.key === key);
    if (cand === undefined) return { key, onlyIn: 'baseline', metrics: [] };
    if (history.length === 0) return { key, onlyIn: 'candidate', metrics: [] };
    const health = [cand.clientHealth, ...history.map((m) => m.clientHealth)];
    const noise = clientNoiseMs(health);
    const busy = clientBusyReason(health);
    const checked = regressionChecks(
      { baselineRuns: history.map((m) => m.calls), candidate: cand.calls, api: cand.api },
      {
        ...opts,
        ...(latencyNotJudged === undefined ? {} : { latencyNotJudged }),
        ...(busy === undefined ? {} : { clientBusy: busy }),
        ...(noise === undefined ? {} : { clientNoiseMs: noise }),
      },
    );
    for (const metric of checked) gated.push({ model: index, metric });
    return { key, metrics: contextMetrics(history, cand) };
  });
  const budgets = candidate.models.flatMap((m) =>
    m.checks.filter((c) => c.test?.kind === 'budget').map((check) => ({ key: m.key, check })),
  );
  const judged = judgeFamily(
    [...gated.map((g) => g.metric.check), ...budgets.map((b) => b.check)],
    1 - opts.confidence,
  );
  gated.forEach(({ model, metric }, i) => {
    const check = judged.checks[i] as CheckOutcome;
    models[model]?.metrics.push(gatedMetric(metric, check));
  });
  const judgedBudgets = budgets.map((b, i) => ({
    key: b.key,
    check: judged.checks[gated.length + i] as CheckOutcome,
  }));
  const v = judged.verdict;
  return {
    baselines: baselines.map((b) => b.context),
    candidate: candidate.context,
    tolerance: opts.tolerance,
    errorRateTolerance: opts.errorRateTolerance,
    confidence: opts.confidence,
    incompatibilities: [...problems],
    models: models.map((m) => ({ ...m, metrics: ordered(m.metrics) })),
    budgets: judgedBudgets,
    verdict: {
      ...v,
      word: v.verdict === 'fail' ? 'regressed' : v.verdict === 'pass' ? 'no regression' : 'inconclusive',
    },
  };
}

const ORDER: MetricComparison['metric'][] = ['p50', 'p90', 'mean', 'errorRate', 'ttftP90'];
const ordered = (metrics: MetricComparison[]): MetricComparison[] =>
  [...metrics].sort((a, b) => ORDER.indexOf(a.metric) - ORDER.indexOf(b.metric));

const VERDICT = { fail: 'regressed', pass: 'no-regression', inconclusive: 'inconclusive' } as const;

function gatedMetric(m: GatedMetric, check: CheckOutcome): MetricComparison {
  return {
    metric: m.metric,
    gated: true,
    ...(m.baseline === undefined ? {} : { baseline: m.baseline }),
    ...(m.candidate === undefined ? {} : { candidate: m.candidate }),
    ...(m.effect === undefined ? {} : { effect: m.effect }),
    ...(m.lower === undefined ? {} : { lower: m.lower }),
    ...(m.upper === undefined ? {} : { upper: m.upper }),
    verdict: VERDICT[check.status],
    line: check.line,
    ...(m.pRegressed === undefined ? {} : { pRegressed: m.pRegressed }),
    baselineN: m.baselineN,
    candidateN: m.candidateN,
  };
}

/** P50 (type 7) and mean latency: shown beside the gated metrics, never judged. */
function contextMetrics(history: ModelRun[], cand: ModelRun): MetricComparison[] {
  const base = history.flatMap((m) => okLatencies(m.calls));
  const candidate = okLatencies(cand.calls);
  if (base.length === 0 || candidate.length === 0) return [];
  const p50 = (values: number[]): number => quantile(sortAscending(values), 0.5);
  const figure = (metric: 'p50' | 'mean', b: number, c: number): MetricComparison => ({
    metric,
    gated: false,
    baseline: b,
    candidate: c,
    effect: c / b,
    verdict: 'not-gated',
    baselineN: base.length,
    candidateN: candidate.length,
  });
  return [figure('p50', p50(base), p50(candidate)), figure('mean', mean(base), mean(candidate))];
}
