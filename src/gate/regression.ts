import { formatMs, formatPercent } from '../format/numbers.ts';
import type { CheckOutcome } from '../records/run-record.ts';
import { type Comparison, compareQuantile } from '../stats/compare.ts';

export interface RegressionInput {
  /** Metric compared, as named in the summary: `latencyMs` (default) or `ttftMs`. */
  metric?: string;
  /** Quantile compared. @default 0.9 */
  q?: number;
  /** Tolerated slowdown as a fraction (0.1: up to 10% slower passes). */
  tolerance: number;
  /** One-sided confidence of each bound. @default 0.95 */
  confidence?: number;
  /** One baseline run's samples, or several runs' (a history, which also accounts for run-to-run drift). */
  baseline: number[] | number[][];
  /** The candidate's samples (successful measured calls), ms. */
  candidate: number[];
}

/**
 * The gate's regression decision for one model and metric: fails only when the candidate's quantile is
 * confidently over baseline x (1 + tolerance); an undecided comparison is `inconclusive`, reported with
 * the calls per side that would decide, never failed.
 */
export function regressionCheck(input: RegressionInput): CheckOutcome {
  const metric = input.metric ?? 'latencyMs';
  const q = input.q ?? 0.9;
  const confidence = input.confidence ?? 0.95;
  const label = `${metric === 'latencyMs' ? '' : `${metricLabel(metric)} `}P${formatPercent(q)}`;
  const name = `regression p${formatPercent(q)} ${metric}`;
  const runs = isHistory(input.baseline) ? input.baseline : [input.baseline];
  const baselineCalls = runs.reduce((s, run) => s + run.length, 0);
  if (input.candidate.length === 0 || baselineCalls === 0) {
    const missing = input.candidate.length === 0 ? 'the candidate' : 'the baseline';
    return { name, status: 'inconclusive', line: `${label}: ${missing} has no successful calls to compare` };
  }
  const c = compareQuantile(input.baseline, input.candidate, { q, tolerance: input.tolerance, confidence });
  return { name, status: STATUS[c.verdict], line: regressionLine(label, c) };
}

const STATUS = {
  regressed: 'fail',
  improved: 'pass',
  'no-change': 'pass',
  inconclusive: 'inconclusive',
} as const satisfies Record<Comparison['verdict'], CheckOutcome['status']>;

/** e.g. `P90 1.42 s vs baseline 1.20 s: ratio 1.18 (95% bounds 1.09..1.28) > 1.10: regressed over 120 / 300 calls`. */
export function regressionLine(label: string, c: Comparison): string {
  const high = 1 + c.tolerance;
  const low = 1 / high;
  const head =
    `${label} ${formatMs(c.candidate)} vs baseline ${formatMs(c.baseline)}: ratio ${c.ratio.toFixed(2)} ` +
    `(${formatPercent(c.confidence)}% bounds ${c.lower.toFixed(2)}..${c.upper.toFixed(2)})`;
  const runs = c.baselineRuns > 1 ? `, ${c.baselineRuns} baseline runs` : '';
  const over = `over ${c.candidateN} / ${c.baselineN} calls (candidate / baseline${runs})`;
  switch (c.verdict) {
    case 'regressed':
      return `${head} > ${high.toFixed(2)}: regressed ${over}`;
    case 'improved':
      return `${head} < ${low.toFixed(2)}: improved ${over}`;
    case 'no-change':
      return `${head} within ${low.toFixed(2)}..${high.toFixed(2)}: no regression ${over}`;
    case 'inconclusive': {
      const decide =
        c.neededN !== undefined
          ? `about ${c.neededN} calls a side would decide`
          : c.driftVariance > 0
            ? 'run-to-run drift in the baseline history is too wide for more calls to decide'
            : 'the ratio sits on the threshold; more calls will not decide';
      const spanned = c.lower <= low && c.upper >= low && c.upper < high ? low : high;
      return `${head} spans ${spanned.toFixed(2)}: inconclusive ${over}; ${decide}`;
    }
  }
}

function isHistory(baseline: number[] | number[][]): baseline is number[][] {
  return baseline.length > 0 && Array.isArray(baseline[0]);
}

function metricLabel(metric: string): string {
  return metric === 'ttftMs' ? 'TTFT' : metric.replace(/Ms$/, '');
}
