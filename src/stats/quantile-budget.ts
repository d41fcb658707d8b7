import { StatsInputError } from './errors.ts';
import { quantile, sortAscending } from './quantile.ts';
import { binomialLower } from './tails.ts';

/**
 * A `confident` budget on quantile q as an exact binomial test. If the true quantile is within the
 * limit, each call is at or under the limit with probability >= q, so the number at or under it is at
 * least Binomial(n, q): `pOver` = P(Binomial(n, q) <= that number) is a p-value of "within budget",
 * exact at every n and for every shape. The bound shown is the matching order statistic.
 */
export interface BudgetTest {
  /** Type 7 quantile, as the summary shows it. */
  estimate: number;
  /** One-sided lower bound of the true quantile at `confidence` (an order statistic); absent when n is too small. */
  lower?: number;
  /** p-value of "the true quantile is within the limit": small means over budget. */
  pOver: number;
  /** p-value of "the true quantile is over the limit": small means confidently within. */
  pWithin: number;
  /** The smallest `pOver` n calls can give: every call over the limit. */
  pMin: number;
  n: number;
}

export function budgetTest(
  samples: readonly number[],
  q: number,
  limit: number,
  confidence = 0.95,
): BudgetTest {
  const n = samples.length;
  if (n === 0) throw new StatsInputError('budgetTest: no samples; a budget needs at least one call');
  const sorted = sortAscending(samples);
  let within = 0;
  while (within < n && (sorted[within] as number) <= limit) within++;
  const result: BudgetTest = {
    estimate: quantile(sorted, q),
    pOver: binomialLower(within, n, q),
    // Over the limit, fewer than a share q of calls are at or under it: P(Binomial(n, q) >= within).
    pWithin: 1 - binomialLower(within - 1, n, q),
    pMin: binomialLower(0, n, q),
    n,
  };
  // The largest order statistic l (1-based) with P(X_(l) > true quantile) = P(Binomial(n, q) <= l - 1) <= alpha.
  const alpha = 1 - confidence;
  let l = 0;
  while (l < n && binomialLower(l, n, q) <= alpha) l++;
  if (l > 0) result.lower = sorted[l - 1] as number;
  return result;
}

/** The fewest calls at which a `confident` budget on quantile q can fail at `level`. */
export function minCallsForBudget(q: number, level: number): number {
  return Math.max(1, Math.ceil(Math.log(level) / Math.log(1 - q)));
}
