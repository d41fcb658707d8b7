/**
 * Holm's step-down correction: which of a family's hypotheses to reject so that the chance of
 * rejecting any true one stays at most `alpha`, whatever their dependence. Sort the p-values; the
 * i-th smallest (from 0) is rejected when it and every smaller one passed alpha / (m - i).
 */
export function holmRejections(pValues: readonly number[], alpha: number): boolean[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const rejected = new Array<boolean>(m).fill(false);
  for (const [rank, { p, i }] of order.entries()) {
    if (!(p <= alpha / (m - rank))) break;
    rejected[i] = true;
  }
  return rejected;
}
