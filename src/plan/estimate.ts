import { renderPrompt } from '../data/template.ts';
import { countTokens } from '../emulator/tokenizer.ts';
import { formatThousands, formatUsd } from '../format/numbers.ts';
import type { Api, LatencyMode } from '../records/call-record.ts';
import { tokenCost } from '../records/cost.ts';
import type { ResolvedOptions } from '../records/options.ts';
import type { ModelPricing } from '../records/prices.ts';

/**
 * What a plan will send, without calling: calls per model and API, and the tokens they carry. Input
 * tokens are counted on the rendered prompts with o200k_base, as the emulator counts them (each
 * model's own tokenizer differs, typically by 10-20%); output tokens are bounded by maxTokens.
 */
export interface PlanEstimate {
  modelId: string;
  api: Api;
  /** Sweep levels the API runs at (1 without a sweep); the counts below are over all of them. */
  levels: number;
  target: ResolvedOptions['target'];
  region: string;
  warmupCalls: number;
  measuredCalls: number;
  /** Sum over every call of its prompt's tokens. */
  inputTokens: number;
  /** calls x maxTokens: no answer can be longer. */
  maxOutputTokens: number;
  maxTokens: number;
  /** What the plan's tokens cost at the price table's prices, when priced (see `PlanCost`). */
  cost?: PlanCost;
}

/**
 * The plan's cost, from the price table (src/records/cost.ts): the input tokens counted (~) at the
 * input price plus at most `maxOutputTokens` at the output price, so the total is an upper bound up to
 * the tokenizer's difference. Prompt caching is not foreseen (a cache read costs less). Unknown when a
 * price is missing.
 */
export type PlanCost =
  | { status: 'priced'; inputUsd: number; maxOutputUsd: number; maxUsd: number; verified: boolean }
  | { status: 'unknown'; missing: string };

export interface EstimateInput {
  modelId: string;
  api: Api;
  region: string;
  promptTemplate: string;
  documents: readonly string[];
  options: ResolvedOptions;
  /** Token counter; the emulator's by default. */
  count?: (text: string) => number;
  /** Sweep levels to count (each with its own warmup); 1 by default. */
  levels?: number;
  /** The latency mode the calls request (the tracking file's, else the options'). */
  latencyMode?: LatencyMode;
  /** The model's prices, to price the plan; `pricing` undefined: the table has none (cost unknown). */
  prices?: { pricing: ModelPricing | undefined };
}

/** Counted from the settings, never by building the plan: any count is a few multiplications. */
export function estimatePlan(input: EstimateInput): PlanEstimate {
  const { options, documents } = input;
  const count = input.count ?? countTokens;
  const levels = input.levels ?? 1;
  const perDocument = documents.map((d) => count(renderPrompt(input.promptTemplate, d)));
  const all = perDocument.reduce((sum, tokens) => sum + tokens, 0);
  const d = documents.length;
  // Warmup cycles through the documents (call w uses document w % d); measuring uses each equally.
  const warmup = d === 0 ? 0 : options.warmupCalls;
  const fullCycles = d === 0 ? 0 : Math.floor(warmup / d);
  const warmupTokens =
    fullCycles * all + perDocument.slice(0, warmup - fullCycles * d).reduce((s, t) => s + t, 0);
  const repeats = options.experimentCounts * options.invocationsPerScenario;
  const measured = repeats * d;
  const estimate: PlanEstimate = {
    modelId: input.modelId,
    api: input.api,
    levels,
    target: options.target,
    region: input.region,
    warmupCalls: warmup * levels,
    measuredCalls: measured * levels,
    inputTokens: (warmupTokens + repeats * all) * levels,
    maxOutputTokens: (warmup + measured) * levels * options.maxTokens,
    maxTokens: options.maxTokens,
  };
  if (input.prices !== undefined) {
    estimate.cost = planCost(
      estimate,
      input.prices.pricing,
      input.latencyMode ?? options.latencyMode,
      options.serviceTier,
    );
  }
  return estimate;
}

function planCost(
  e: PlanEstimate,
  pricing: ModelPricing | undefined,
  mode: LatencyMode,
  tier: ResolvedOptions['serviceTier'],
): PlanCost {
  if (pricing === undefined)
    return { status: 'unknown', missing: `no price for ${e.modelId} in ${e.region}` };
  const none = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  const input = tokenCost({ ...none, input: e.inputTokens }, pricing, mode, tier);
  const output = tokenCost({ ...none, output: e.maxOutputTokens }, pricing, mode, tier);
  if (input.status === 'unknown') return input;
  if (output.status === 'unknown') return output;
  return {
    status: 'priced',
    inputUsd: input.usd,
    maxOutputUsd: output.usd,
    maxUsd: input.usd + output.usd,
    verified: input.verified && output.verified,
  };
}

/** `, cost <= ~$0.0123 (input ~$0.001 + output <= $0.0113, unverified prices)`, or `, cost unknown (why)`. */
export function renderPlanCost(cost: PlanCost | undefined, target: ResolvedOptions['target']): string {
  if (cost === undefined) return '';
  if (cost.status === 'unknown') return `, cost unknown (${cost.missing})`;
  const what = target === 'emulator' ? 'on Bedrock; the emulator bills nothing' : 'on Bedrock';
  return (
    `, cost <= ~${formatUsd(cost.maxUsd)} ${what} (input ~${formatUsd(cost.inputUsd)} + output <= ${formatUsd(cost.maxOutputUsd)}` +
    `${cost.verified ? '' : ', unverified prices'})`
  );
}

/** One line per model and API, the same in `converse-bench plan` and in a dry run of benchModel. */
export function renderPlanLine(e: PlanEstimate): string {
  const calls = e.warmupCalls + e.measuredCalls;
  return (
    `plan ${e.modelId} ${e.api}${e.levels > 1 ? ` x ${e.levels} sweep levels` : ''}: ${formatThousands(calls)} calls (${e.warmupCalls} warmup + ${formatThousands(e.measuredCalls)} measured) ` +
    `to ${e.target} ${e.region}, ~${formatThousands(e.inputTokens)} input tokens, ` +
    `<= ${formatThousands(e.maxOutputTokens)} output tokens (maxTokens ${e.maxTokens})` +
    renderPlanCost(e.cost, e.target)
  );
}
