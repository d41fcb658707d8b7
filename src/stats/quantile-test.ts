import { StatsInputError } from './errors.ts';
import { quantile, sortAscending } from './quantile.ts';
import { studentTQuantile, studentTUpperTail } from './special.ts';
import { hypergeometricLower, hypergeometricUpper } from './tails.ts';

/**
 * Is a candidate's quantile q (P90) more than `tolerance` above a baseline's? One-sided tests with
 * exact p-values, so that a run's checks can be corrected together (Holm, src/stats/holm.ts).
 *
 * One baseline run: the pooled-quantile test (Mood's median test moved to q). Divide the candidate's
 * values by 1 + tolerance, pool them with the baseline's, and count how many of the pooled values
 * above the pooled q-quantile are the candidate's. When the two samples come from one distribution
 * (an unchanged pull request), every split of the pooled values is equally likely, so that count is
 * hypergeometric: exact at every n, for every shape of latency, with ties. `pRegressed` is its upper
 * tail, `pWithin` its lower tail.
 *
 * A history of k >= 2 baseline runs: each run's log P90 (type 7) is one draw of "a run of this
 * code"; a new run of the same code is another, so (y_c - mean(y) - ln(1 + t)) / (s √(1 + 1/k))
 * is Student's t with k - 1 degrees of freedom (a prediction interval). Run-to-run drift is in s.
 *
 * The figures every output shows are type 7 quantiles (the summary's); the bounds are the tests
 * inverted: the ratios r for which the candidate divided by r would not be called different.
 */
export interface QuantileTest {
  method: 'pooled-quantile' | 'history-t';
  q: number;
  tolerance: number;
  confidence: number;
  /**
   * Type 7 quantiles: the candidate's, and the baseline's over its pooled calls (a history: the
   * geometric mean of its runs' type 7 quantiles, what the t test compares, so ratio = exp(d)).
   */
  baseline: number;
  candidate: number;
  /** candidate / baseline. */
  ratio: number;
  /** One-sided bounds of the ratio at `confidence`; absent when the samples are too small for one. */
  lower?: number;
  upper?: number;
  /** p-value of "ratio <= 1 + tolerance": small means regressed. */
  pRegressed: number;
  /** p-value of "ratio >= 1 + tolerance": small means within tolerance. */
  pWithin: number;
  /** The smallest `pRegressed` these sample sizes can give (0 for a history). */
  pMin: number;
  /**
   * Standard error of ln(ratio) from each side's sparsity at the quantile (Siddiqui-Bloch-Gastwirth:
   * se(ln x_q) = √(q(1 - q) / n) / (f(x_q) x_q), f from the spacing of order statistics √n / 2 either side), for
   * the calls that would decide; absent for a history (drift, not calls, sets its spread) or with ties.
   */
  seLog?: number;
  baselineN: number;
  candidateN: number;
  baselineRuns: number;
}

export interface QuantileTestOptions {
  q: number;
  tolerance: number;
  /** One-sided confidence of the bounds shown, e.g. 0.95. */
  confidence: number;
}

/** Tests a candidate's quantile against a baseline: one run's samples, or several runs' (a history). */
export function quantileTest(
  baseline: readonly number[] | readonly (readonly number[])[],
  candidate: readonly number[],
  opts: QuantileTestOptions,
): QuantileTest {
  const { q, tolerance, confidence } = opts;
  if (!(tolerance >= 0)) throw new StatsInputError(`quantileTest: tolerance ${tolerance} must be >= 0`);
  if (!(confidence > 0.5 && confidence < 1)) {
    throw new StatsInputError(`quantileTest: confidence ${confidence} must be within 0.5..1 (e.g. 0.95)`);
  }
  const runs = (isHistory(baseline) ? baseline : [baseline as readonly number[]]).filter((r) => r.length > 0);
  const cand = sortAscending(candidate);
  const baselineN = runs.reduce((s, run) => s + run.length, 0);
  if (baselineN === 0 || cand.length === 0) {
    throw new StatsInputError('quantileTest: both sides need at least one sample');
  }
  if (!(runs.every((run) => run.every((x) => x > 0)) && (cand[0] as number) > 0)) {
    throw new StatsInputError('quantileTest: samples must be > 0; ratios of latencies need positive values');
  }
  const common = {
    q,
    tolerance,
    confidence,
    candidate: quantile(cand, q),
    baselineN,
    candidateN: cand.length,
  };
  const history = runs.length >= 2 ? historyT(runs, cand, q) : undefined;
  if (history !== undefined) {
    const { d, se, df, meanLog } = history;
    const t = (d - Math.log1p(tolerance)) / se;
    const upperTail = t >= 0 ? studentTUpperTail(t, df) : 1 - studentTUpperTail(-t, df);
    const half = studentTQuantile(confidence, df) * se;
    return {
      method: 'history-t',
      ...common,
      baseline: Math.exp(meanLog),
      baselineRuns: runs.length,
      ratio: Math.exp(d),
      lower: Math.exp(d - half),
      upper: Math.exp(d + half),
      pRegressed: upperTail,
      pWithin: 1 - upperTail,
      pMin: 0,
    };
  }
  const pooled = sortAscending(runs.flat());
  const at = (r: number): Counts => pooledCounts(pooled, cand, r, q);
  const counts = at(1 + tolerance);
  const base = quantile(pooled, q);
  const result: QuantileTest = {
    method: 'pooled-quantile',
    ...common,
    baseline: base,
    baselineRuns: runs.length,
    ratio: common.candidate / base,
    pRegressed: upperP(counts),
    pWithin: lowerP(counts),
    pMin: pooledPMin(pooled.length, cand.length, q),
  };
  const alpha = 1 - confidence;
  // Ratios below every candidate / baseline pair put all candidates on top; above, none.
  const lo = (0.5 * (cand[0] as number)) / (pooled[pooled.length - 1] as number);
  const hi = (2 * (cand[cand.length - 1] as number)) / (pooled[0] as number);
  const se = Math.hypot(logQuantileSe(pooled, q), logQuantileSe(cand, q));
  if (Number.isFinite(se) && se > 0) result.seLog = se;
  const lower = boundary(lo, hi, (r) => upperP(at(r)) <= alpha);
  const upper = boundary(lo, hi, (r) => lowerP(at(r)) > alpha);
  if (lower !== undefined) result.lower = lower;
  if (upper !== undefined) result.upper = upper;
  return result;
}

interface Counts {
  /** Pooled values, values above the pooled quantile, and the candidate's among them. */
  total: number;
  top: number;
  candidateTop: number;
  candidateN: number;
}

/** How many of the pooled values above the pooled q-quantile are candidate / r. */
function pooledCounts(baseline: Float64Array, candidate: Float64Array, r: number, q: number): Counts {
  const total = baseline.length + candidate.length;
  const wanted = Math.round((1 - q) * total);
  const none = { total, top: 0, candidateTop: 0, candidateN: candidate.length };
  if (wanted === 0) return none;
  // Walk both sorted samples down from the top to find the threshold: the largest pooled value
  // outside the top `wanted`.
  let i = baseline.length - 1;
  let j = candidate.length - 1;
  for (let taken = 0; taken < wanted; taken++) {
    if (j < 0 || (i >= 0 && (baseline[i] as number) >= (candidate[j] as number) / r)) i--;
    else j--;
  }
  const threshold = Math.max(
    i >= 0 ? (baseline[i] as number) : -Infinity,
    j >= 0 ? (candidate[j] as number) / r : -Infinity,
  );
  // Values tied with the threshold are not above it: the count stays exact with ties.
  let top = 0;
  let candidateTop = 0;
  for (let k = baseline.length - 1; k >= 0 && (baseline[k] as number) > threshold; k--) top++;
  for (let k = candidate.length - 1; k >= 0 && (candidate[k] as number) / r > threshold; k--) candidateTop++;
  return { total, top: top + candidateTop, candidateTop, candidateN: candidate.length };
}

const upperP = (c: Counts): number =>
  c.top === 0 ? 1 : hypergeometricUpper(c.candidateTop, c.total, c.top, c.candidateN);
const lowerP = (c: Counts): number =>
  c.top === 0 ? 1 : hypergeometricLower(c.candidateTop, c.total, c.top, c.candidateN);

/** The pooled test's smallest p-value: every value above the pooled quantile is the candidate's. */
export function pooledPMin(baselineN: number, candidateN: number, q: number): number {
  const total = baselineN + candidateN;
  const top = Math.round((1 - q) * total);
  if (top === 0 || top > candidateN) return 1;
  return hypergeometricUpper(top, total, top, candidateN);
}

/**
 * The fewest calls a side (equal sides) at which the pooled test can reach `level` at all; below it a
 * P90 check can only be inconclusive. 41 for P90 at 0.05 / 28.
 */
export function minCallsPerSide(q: number, level: number): number {
  for (let n = 1; n <= 1_000_000; n++) if (pooledPMin(n, n, q) <= level) return n;
  throw new StatsInputError(`minCallsPerSide: no sample size up to 1e6 reaches ${level}`);
}

/** Where a monotone predicate turns from true to false between lo and hi (log-scale bisection). */
function boundary(lo: number, hi: number, holds: (r: number) => boolean): number | undefined {
  if (!holds(lo) || holds(hi)) return undefined;
  let a = Math.log(lo);
  let b = Math.log(hi);
  for (let i = 0; i < 44; i++) {
    const mid = (a + b) / 2;
    if (holds(Math.exp(mid))) a = mid;
    else b = mid;
  }
  return Math.exp((a + b) / 2);
}

/** se of ln(type 7 quantile) from the density at it, estimated by a spacing of order statistics. */
function logQuantileSe(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const m = Math.max(1, Math.round(Math.sqrt(n) / 2));
  const at = (k: number): number => sorted[Math.min(n - 1, Math.max(0, k))] as number;
  const k = Math.round(q * (n - 1));
  const spacing = at(k + m) - at(k - m);
  const share = (Math.min(n - 1, k + m) - Math.max(0, k - m)) / n;
  const density = share / spacing;
  return Math.sqrt((q * (1 - q)) / n) / (density * quantile(sorted, q));
}

interface HistoryT {
  /** ln(candidate / mean baseline run), its standard error as a new run, degrees of freedom. */
  d: number;
  meanLog: number;
  se: number;
  df: number;
}

/** Undefined when the runs' quantiles are all equal (no spread to scale by): pool them instead. */
function historyT(
  runs: readonly (readonly number[])[],
  candidate: Float64Array,
  q: number,
): HistoryT | undefined {
  const logs = runs.map((run) => Math.log(quantile(sortAscending(run), q)));
  const k = logs.length;
  const meanLog = logs.reduce((s, v) => s + v, 0) / k;
  const spread = logs.reduce((s, v) => s + (v - meanLog) ** 2, 0) / (k - 1);
  if (!(spread > 0)) return undefined;
  return {
    meanLog,
    d: Math.log(quantile(candidate, q)) - meanLog,
    se: Math.sqrt(spread * (1 + 1 / k)),
    df: k - 1,
  };
}

function isHistory(
  baseline: readonly number[] | readonly (readonly number[])[],
): baseline is readonly (readonly number[])[] {
  return baseline.length > 0 && Array.isArray(baseline[0]);
}
