import { StatsInputError } from './errors.ts';
import { logGamma } from './special.ts';

/**
 * Exact tail probabilities of the counting distributions behind the gate's tests: the hypergeometric
 * (pooled-quantile test) and the binomial (order-statistic bounds, `confident` budgets). Summed term
 * by term in log space; checked against scipy.stats.
 */

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** Hypergeometric pmf: k of `draws` items are marked, when `marked` of `total` are. */
function hypergeometricLogPmf(k: number, total: number, marked: number, draws: number): number {
  return logChoose(marked, k) + logChoose(total - marked, draws - k) - logChoose(total, draws);
}

function checkCounts(total: number, marked: number, draws: number): void {
  const whole = (x: number): boolean => Number.isInteger(x) && x >= 0;
  if (!(whole(total) && whole(marked) && whole(draws) && marked <= total && draws <= total)) {
    throw new StatsInputError(
      `hypergeometric: total ${total}, marked ${marked}, draws ${draws} must be whole numbers with marked, draws <= total`,
    );
  }
}

/**
 * Sum of the hypergeometric pmf over j = from..to, from the first term's logarithm and the ratio
 * pmf(j + 1) / pmf(j) = (marked - j)(draws - j) / ((j + 1)(total - marked - draws + j + 1)).
 */
function hypergeometricSum(from: number, to: number, total: number, marked: number, draws: number): number {
  if (from > to) return 0;
  let term = Math.exp(hypergeometricLogPmf(from, total, marked, draws));
  let sum = term;
  for (let j = from; j < to; j++) {
    term *= ((marked - j) * (draws - j)) / ((j + 1) * (total - marked - draws + j + 1));
    sum += term;
  }
  return Math.min(1, sum);
}

/** P(X >= k) for X ~ Hypergeometric(total, marked, draws) (scipy's `hypergeom(total, marked, draws).sf(k - 1)`). */
export function hypergeometricUpper(k: number, total: number, marked: number, draws: number): number {
  checkCounts(total, marked, draws);
  const lo = Math.max(0, draws - (total - marked));
  return hypergeometricSum(Math.max(k, lo), Math.min(marked, draws), total, marked, draws);
}

/** P(X <= k) for X ~ Hypergeometric(total, marked, draws) (scipy's `hypergeom(total, marked, draws).cdf(k)`). */
export function hypergeometricLower(k: number, total: number, marked: number, draws: number): number {
  checkCounts(total, marked, draws);
  const lo = Math.max(0, draws - (total - marked));
  return hypergeometricSum(lo, Math.min(k, marked, draws), total, marked, draws);
}

/** P(X <= k) for X ~ Binomial(n, p) (scipy's `binom(n, p).cdf(k)`). */
export function binomialLower(k: number, n: number, p: number): number {
  if (!(Number.isInteger(n) && n >= 0 && p >= 0 && p <= 1)) {
    throw new StatsInputError(`binomial: n = ${n} must be a whole number and p = ${p} within 0..1`);
  }
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  let sum = 0;
  for (let j = 0; j <= k; j++) {
    sum += Math.exp(logChoose(n, j) + j * Math.log(p) + (n - j) * Math.log1p(-p));
  }
  return Math.min(1, sum);
}
