import { formatUsd } from '../format/numbers.ts';
import type { RunRecord } from '../records/run-record.ts';
import type { CostSummary } from '../records/summary.ts';
import { runCost } from '../summary/cost.ts';

/**
 * Costs as every summary prints them: `$0.00123`, `unknown` when a price is missing (never a guess),
 * `-` for a run record written before costs were recorded.
 */
export function costCell(cost: CostSummary | undefined, which: 'totalUsd' | 'perCallUsd'): string {
  if (cost === undefined) return '-';
  const usd = cost[which];
  if (usd !== undefined) return formatUsd(usd);
  return cost.unknown === undefined ? '-' : 'unknown';
}

/** The column title: an estimate on the emulator target. */
export function costTitle(run: Pick<RunRecord, 'context'>, title: string): string {
  return run.context.target === 'emulator' ? `est. ${title}` : title;
}

/**
 * The run's cost line, or undefined for a run record without costs:
 * `cost of the run: $0.0123 (estimate: what these calls would cost on Bedrock; from unverified prices in data/prices.json)`.
 */
export function runCostLine(run: Pick<RunRecord, 'context' | 'models'>): string | undefined {
  const cost = runCost(run);
  if (cost === undefined) return undefined;
  const files = [...new Set(run.models.flatMap((m) => (m.pricing === undefined ? [] : [m.pricing.file])))];
  const from = `${cost.verified ? 'from' : 'from unverified'} prices${files.length === 0 ? '' : ` in ${files.join(', ')}`}`;
  const what = cost.estimate
    ? `estimate: what these calls would cost on Bedrock; ${from}`
    : `${from}, not a bill`;
  if (cost.totalUsd !== undefined) return `cost of the run: ${formatUsd(cost.totalUsd)} (${what})`;
  const why = cost.unknown.map((u) => `${u.key}: ${u.why}`).join('; ');
  const known = run.models.flatMap((m) => m.summary.cost?.totalUsd ?? []);
  const others =
    known.length === 0
      ? ''
      : `; ${formatUsd(known.reduce((sum, usd) => sum + usd, 0))} for the other models (${what})`;
  return `cost of the run: unknown (${why}): add the missing prices to the price table (pricesFile)${others}`;
}
