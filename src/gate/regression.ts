import { formatMs, formatRate } from '../format/numbers.ts';
import type { Api, CallRecord } from '../records/call-record.ts';
import { CACHE_CLASSES, cacheClass, measuredCalls, okMeasuredCalls } from '../records/metrics.ts';
import type { CheckOutcome, CheckTest } from '../records/run-record.ts';
import { type QuantileTest, quantileTest } from '../stats/quantile-test.ts';
import { normalCdf } from '../stats/special.ts';
import { hypergeometricUpper } from '../stats/tails.ts';

/**
 * The regression checks of one model through one API, baseline against candidate: the gated metrics
 * are P90 latency, TTFT P90 (streamed) and the error rate. Each is a test with a p-value; whether it
 * fails is decided with the run's other tests (src/gate/family.ts). The in-bench gate and `compare`
 * both call this, so there is one rule and one P90 (type 7, the summary's).
 */
export interface RegressionSides {
  /** Each baseline run's calls of this model: one run, or several (a history). */
  baselineRuns: readonly (readonly CallRecord[])[];
  candidate: readonly CallRecord[];
  api: Api;
}

export interface RegressionOptions {
  /** Tolerated slowdown of a P90, as a fraction (0.1: up to x1.10 is no regression). */
  tolerance: number;
  /** Tolerated rise of the error rate, in fractions of calls (0.02 = two percentage points). */
  errorRateTolerance: number;
  /** One-sided confidence of the bounds shown, and 1 - the family's false-alarm level. */
  confidence: number;
  /** Set when latencies must not be judged (a time-scaled run); errors are judged still. */
  latencyNotJudged?: string;
  /** The client's own timing noise, ms (the worse event-loop delay P99 of the two runs). */
  clientNoiseMs?: number;
  /** A client-health warning of either run: latency checks are then not judged. */
  clientBusy?: string;
}

/** A gated metric: its check, and the figures behind it for tables and JSON. */
export interface GatedMetric {
  metric: 'p90' | 'ttftP90' | 'errorRate';
  check: CheckOutcome;
  /** Type 7 P90s (ms) or error rates (fractions); absent when a side has no successful call. */
  baseline?: number;
  candidate?: number;
  /** Latency: candidate / baseline; error rate: candidate - baseline. */
  effect?: number;
  lower?: number;
  upper?: number;
  /** p-value of "no regression": small means regressed (before the family's correction). */
  pRegressed?: number;
  baselineN: number;
  candidateN: number;
}

/** The numbers the checks need: each baseline run's samples and the candidate's, and the failures. */
export interface RegressionSamples {
  latency: Samples;
  /** Streamed calls only. */
  ttft?: Samples;
  errors: { baselineFailed: number; baselineCalls: number; candidateFailed: number; candidateCalls: number };
}

export interface Samples {
  baselineRuns: number[][];
  candidate: number[];
}

/**
 * The prompt cache classes (records/metrics.ts) a side's ok measured calls fell in, e.g. `write+read`;
 * undefined without ok calls. A cache read is faster than a write: sides whose classes differ measured
 * different things.
 */
export function cacheClassesOf(calls: readonly CallRecord[]): string | undefined {
  const ok = okMeasuredCalls(calls);
  if (ok.length === 0) return undefined;
  const seen = new Set(ok.map(cacheClass));
  return CACHE_CLASSES.filter((cls) => seen.has(cls)).join('+');
}

export function regressionChecks(sides: RegressionSides, opts: RegressionOptions): GatedMetric[] {
  const latency = (calls: readonly CallRecord[]): number[] => okMeasuredCalls(calls).map((c) => c.latencyMs);
  const ttft = (calls: readonly CallRecord[]): number[] =>
    okMeasuredCalls(calls).flatMap((c) => c.ttftMs ?? []);
  // Latency is compared only against baseline runs whose calls fell in the same cache classes.
  const wanted = cacheClassesOf(sides.candidate);
  const same = (run: readonly CallRecord[]): boolean => {
    const classes = cacheClassesOf(run);
    return wanted === undefined || classes === undefined || classes === wanted;
  };
  const latencyRuns = sides.baselineRuns.filter(same);
  const of = (values: (calls: readonly CallRecord[]) => number[]): Samples => ({
    baselineRuns: latencyRuns.map(values),
    candidate: values(sides.candidate),
  });
  const failed = (calls: readonly CallRecord[]): number => calls.filter((c) => c.status === 'error').length;
  const baseline = sides.baselineRuns.flatMap(measuredCalls);
  const candidate = measuredCalls(sides.candidate);
  const mismatch =
    latencyRuns.length === 0 && sides.baselineRuns.length > 0
      ? `prompt cache classes differ: baseline ${sides.baselineRuns.map(cacheClassesOf).join(', ')} vs candidate ${wanted}; latency not compared (run both with the same promptCache and cacheBust)`
      : undefined;
  const checks = regressionChecksOf(
    {
      latency: of(latency),
      ...(sides.api === 'converse-stream' ? { ttft: of(ttft) } : {}),
      errors: {
        baselineFailed: failed(baseline),
        baselineCalls: baseline.length,
        candidateFailed: failed(candidate),
        candidateCalls: candidate.length,
      },
    },
    opts,
  );
  if (mismatch === undefined) return checks;
  return checks.map((m) =>
    m.metric === 'errorRate'
      ? m
      : {
          metric: m.metric,
          check: { name: m.check.name, status: 'inconclusive', line: mismatch },
          baselineN: 0,
          candidateN: m.candidateN,
        },
  );
}

/** The checks on samples already taken from call records (the simulation calls this directly). */
export function regressionChecksOf(samples: RegressionSamples, opts: RegressionOptions): GatedMetric[] {
  const out = [quantileMetric('p90', 'latencyMs', 'P90', samples.latency, opts)];
  if (samples.ttft !== undefined)
    out.push(quantileMetric('ttftP90', 'ttftMs', 'TTFT P90', samples.ttft, opts));
  out.push(errorRateMetric(samples.errors, opts));
  return out;
}

function quantileMetric(
  metric: 'p90' | 'ttftP90',
  field: string,
  label: string,
  samples: Samples,
  opts: RegressionOptions,
): GatedMetric {
  const name = `regression p90 ${field}`;
  const runs = samples.baselineRuns.filter((run) => run.length > 0);
  const candidate = samples.candidate;
  const baselineN = runs.reduce((s, run) => s + run.length, 0);
  if (candidate.length === 0 || baselineN === 0) {
    const missing = candidate.length === 0 ? 'the candidate' : 'the baseline';
    const line = `${label}: inconclusive: ${missing} has no successful calls to compare`;
    return {
      metric,
      check: { name, status: 'inconclusive', line },
      baselineN,
      candidateN: candidate.length,
    };
  }
  const t = quantileTest(runs.length === 1 ? (runs[0] as number[]) : runs, candidate, {
    q: 0.9,
    tolerance: opts.tolerance,
    confidence: opts.confidence,
  });
  const test: CheckTest = {
    kind: 'regression',
    measured: measuredLine(label, t),
    pFail: t.pRegressed,
    pPass: t.pWithin,
    pMin: t.pMin,
    q: 0.9,
    calls: t.method === 'history-t' ? t.candidateN : Math.min(t.candidateN, t.baselineN),
  };
  if (t.seLog !== undefined) {
    test.marginLog = Math.log(t.ratio) - Math.log1p(opts.tolerance);
    test.seLog = t.seLog;
  }
  const notJudged = opts.latencyNotJudged ?? opts.clientBusy ?? withinClientNoise(t, opts.clientNoiseMs);
  if (notJudged !== undefined) test.notJudged = notJudged;
  return {
    metric,
    check: {
      name,
      status: 'inconclusive',
      line: `${test.measured}: to be judged with the run's other checks`,
      test,
    },
    baseline: t.baseline,
    candidate: t.candidate,
    effect: t.ratio,
    ...(t.lower === undefined ? {} : { lower: t.lower }),
    ...(t.upper === undefined ? {} : { upper: t.upper }),
    pRegressed: t.pRegressed,
    baselineN: t.baselineN,
    candidateN: t.candidateN,
  };
}

/** e.g. `P90 2.81 s vs baseline 1.87 s: x1.50 (95% bounds 1.37..1.64, pooled-P90 test), tolerance x1.10, 300 / 300 calls`. */
function measuredLine(label: string, t: QuantileTest): string {
  const bound = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(2));
  const method = t.method === 'history-t' ? `t test over ${t.baselineRuns} baseline runs` : 'pooled-P90 test';
  const level = `${Math.round(t.confidence * 100)}%`;
  const bounds =
    t.lower === undefined && t.upper === undefined
      ? `too few calls for ${level} bounds`
      : `${level} bounds ${bound(t.lower)}..${bound(t.upper)}`;
  return (
    `${label} ${formatMs(t.candidate)} vs baseline ${formatMs(t.baseline)}: x${t.ratio.toFixed(2)} ` +
    `(${bounds}, ${method}), ` +
    `tolerance x${(1 + t.tolerance).toFixed(2)}, ${t.candidateN} / ${t.baselineN} calls`
  );
}

/** A slowdown no larger than the client's own event-loop delay is not evidence about the model. */
function withinClientNoise(t: QuantileTest, noiseMs: number | undefined): string | undefined {
  if (noiseMs === undefined) return undefined;
  const moved = t.candidate - t.baseline;
  if (!(moved > 0 && moved <= noiseMs)) return undefined;
  return `client busy: P90 moved ${formatMs(moved)}, within the client's event-loop delay P99 of ${formatMs(noiseMs)}`;
}

/**
 * Error rate, candidate against the pooled baseline. Fails only on a rise beyond the tolerance that
 * Fisher's exact test (one-sided, conditional on the failures of both sides) calls significant: exact
 * for an unchanged pull request. Passes when the rise is confidently within the tolerance (a normal
 * approximation with add-one rates); 0 failures on both sides is "no change" and not a test.
 */
function errorRateMetric(errors: RegressionSamples['errors'], opts: RegressionOptions): GatedMetric {
  const name = 'regression errorRate';
  const [fb, nb, fc, nc] = [
    errors.baselineFailed,
    errors.baselineCalls,
    errors.candidateFailed,
    errors.candidateCalls,
  ];
  const pb = nb === 0 ? 0 : fb / nb;
  const pc = nc === 0 ? 0 : fc / nc;
  const figures = {
    metric: 'errorRate' as const,
    baseline: pb,
    candidate: pc,
    effect: pc - pb,
    baselineN: nb,
    candidateN: nc,
  };
  const measured =
    `error rate ${formatRate(pc)} vs baseline ${formatRate(pb)} (${fc} of ${nc} vs ${fb} of ${nb} calls), ` +
    `tolerance +${(opts.errorRateTolerance * 100).toFixed(1)} pts`;
  if (nb === 0 || nc === 0) {
    return {
      ...figures,
      check: { name, status: 'inconclusive', line: `${measured}: inconclusive: no measured calls` },
    };
  }
  if (fb + fc === 0) return { ...figures, check: { name, status: 'pass', line: `${measured}: no change` } };
  const total = nb + nc;
  const beyond = pc - pb > opts.errorRateTolerance;
  const pFail = beyond ? hypergeometricUpper(fc, total, fb + fc, nc) : 1;
  const pooled = (fb + fc + 1) / (total + 2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nb + 1 / nc));
  const pPass = 1 - normalCdf((opts.errorRateTolerance - (pc - pb)) / se);
  const test: CheckTest = { kind: 'regression', measured, pFail, pPass, pMin: 0, calls: Math.min(nb, nc) };
  return {
    ...figures,
    pRegressed: pFail,
    check: {
      name,
      status: 'inconclusive',
      line: `${measured}: to be judged with the run's other checks`,
      test,
    },
  };
}
