import type { CallRecord, LatencyMode, ServiceTier } from './call-record.ts';
import type { ModelPricing, Price } from './prices.ts';

/**
 * The cost of one call, defined once (README, Definitions): what Bedrock charges for the tokens the
 * call reported, from the price table. Every CSV cell, summary and budget takes its figure from here.
 */
export type CallCost =
  | { status: 'priced'; usd: number; verified: boolean }
  | { status: 'unknown'; missing: string };

/** Bedrock bills tokens by the 1,000. */
const PER = 1000;

/**
 * A successful call's cost, USD:
 *   (inputTokens x input + outputTokens x output + cacheReadTokens x cacheRead
 *    + cacheWriteTokens x cacheWrite) / 1000 x the service tier's multiplier,
 * at the latency mode and the tier the service reported serving (else the ones requested). Bedrock
 * reports cache reads and writes apart from `inputTokens`, so each is priced once. A token kind the
 * call did not use needs no price; one it used whose price is unknown makes the cost unknown. The
 * Standard (`default`) tier is the on-demand price itself (x1). Undefined for a failed call: it
 * reported no usage.
 */
export function callCost(record: CallRecord, pricing: ModelPricing | undefined): CallCost | undefined {
  if (record.status !== 'ok') return undefined;
  if (pricing === undefined) {
    return { status: 'unknown', missing: `no price for ${record.modelId} in ${record.region}` };
  }
  return tokenCost(
    {
      input: record.inputTokens,
      output: record.outputTokens,
      cacheRead: record.cacheReadTokens ?? 0,
      cacheWrite: record.cacheWriteTokens ?? 0,
    },
    pricing,
    record.latencyModeServed ?? record.latencyMode,
    record.serviceTierServed ?? record.serviceTier,
  );
}

/** Token counts by how Bedrock bills them. */
export interface BilledTokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** The cost of these tokens at a latency mode and service tier (as `callCost`; `plan` prices its estimate with it). */
export function tokenCost(
  tokens: BilledTokens,
  pricing: ModelPricing,
  mode: LatencyMode,
  tier: ServiceTier,
): CallCost {
  const prices = pricing.modes[mode];
  if (prices === undefined) {
    return { status: 'unknown', missing: `no ${mode} prices for ${pricing.tableModel} in ${pricing.region}` };
  }
  const tierPrice = tier === 'default' ? undefined : pricing.tiers[tier];
  const multiplier = tier === 'default' ? 1 : tierPrice?.multiplier;
  if (multiplier === null || multiplier === undefined) {
    return { status: 'unknown', missing: `the ${tier} tier's price multiplier is unknown` };
  }
  const parts: [string, number, Price][] = [
    ['input', tokens.input, prices.input],
    ['output', tokens.output, prices.output],
    ['cache read', tokens.cacheRead, prices.cacheRead],
    ['cache write', tokens.cacheWrite, prices.cacheWrite],
  ];
  let usd = 0;
  for (const [kind, count, price] of parts) {
    if (count === 0) continue;
    if (price === null) {
      return {
        status: 'unknown',
        missing: `the ${kind} price of ${pricing.tableModel} (${mode}) in ${pricing.region} is unknown`,
      };
    }
    usd += (count * price) / PER;
  }
  const verified = prices.verified && (tierPrice === undefined || tierPrice.verified);
  return { status: 'priced', usd: usd * multiplier, verified };
}

/** The cost in USD of a priced call; undefined when failed or unknown. */
export function callCostUsd(record: CallRecord, pricing: ModelPricing | undefined): number | undefined {
  const cost = callCost(record, pricing);
  return cost?.status === 'priced' ? cost.usd : undefined;
}
