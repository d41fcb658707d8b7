import type { CallRecord } from '../records/call-record.ts';
import { callCost } from '../records/cost.ts';
import type { ModelPricing } from '../records/prices.ts';
import type { RunRecord } from '../records/run-record.ts';
import type { CostSummary } from '../records/summary.ts';
import { pairwiseSum } from '../stats/sum.ts';

/**
 * A model's cost over its records: the total over every successful call, warmup included (Bedrock
 * bills warmup calls too), and the mean per successful measured call. One call of unknown cost makes
 * both unknown: a partial sum would read as the whole.
 */
export function summarizeCost(
  records: readonly CallRecord[],
  pricing: ModelPricing | undefined,
  estimate: boolean,
): CostSummary {
  const all: number[] = [];
  const measured: number[] = [];
  let unpriced = 0;
  let unknown: string | undefined;
  let verified = true;
  for (const record of records) {
    const cost = callCost(record, pricing);
    if (cost === undefined) continue;
    if (cost.status === 'unknown') {
      unpriced++;
      unknown ??= cost.missing;
      continue;
    }
    verified &&= cost.verified;
    all.push(cost.usd);
    if (record.phase === 'measure') measured.push(cost.usd);
  }
  const summary: CostSummary = { estimate, pricedCalls: all.length, unpricedCalls: unpriced, verified };
  if (unknown !== undefined) {
    summary.unknown = unknown;
    summary.verified = false;
    return summary;
  }
  summary.totalUsd = pairwiseSum(all);
  if (measured.length > 0) summary.perCallUsd = pairwiseSum(measured) / measured.length;
  return summary;
}

/** The run's cost: the sum over its models, unknown (with the models that make it so) when any is. */
export interface RunCost {
  estimate: boolean;
  totalUsd?: number;
  /** Model keys whose cost is unknown, and why. */
  unknown: { key: string; why: string }[];
  verified: boolean;
}

/** Undefined for a run record without costs (written before they were recorded). */
export function runCost(run: Pick<RunRecord, 'models'>): RunCost | undefined {
  const costs = run.models.flatMap((m) =>
    m.summary.cost === undefined ? [] : [{ key: m.key, cost: m.summary.cost }],
  );
  if (costs.length === 0) return undefined;
  const unknown = costs.flatMap(({ key, cost }) =>
    cost.totalUsd === undefined ? [{ key, why: cost.unknown ?? 'unknown' }] : [],
  );
  const result: RunCost = {
    estimate: costs.some(({ cost }) => cost.estimate),
    unknown,
    verified: costs.every(({ cost }) => cost.verified),
  };
  if (unknown.length === 0) result.totalUsd = pairwiseSum(costs.map(({ cost }) => cost.totalUsd ?? 0));
  return result;
}
