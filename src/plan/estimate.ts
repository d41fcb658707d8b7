import { durationText, runsUntilDeadline } from '../config/duration.ts';
import { renderPrompt } from '../data/template.ts';
import { countTokens } from '../emulator/tokenizer.ts';
import { formatThousands, formatUsd } from '../format/numbers.ts';
import type { Api, LatencyMode } from '../records/call-record.ts';
import { tokenCost } from '../records/cost.ts';
import type { ResolvedOptions } from '../records/options.ts';
import type { ModelPricing } from '../records/prices.ts';
import { durationCalls, measuredCallCap } from './calls.ts';

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
  /**
   * A duration run: its seconds per test. Open loop, its calls are counted above. Closed loop
   * (`untilDeadline`), its measured calls are drawn until the deadline: the counts above are its
   * warmup plus, against Bedrock, the most its share of maxCalls lets it make (`measuredCap`);
   * against the emulator its warmup alone, with no bound on the rest.
   */
  duration?: { seconds: number; untilDeadline: boolean; measuredCap?: number };
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
  /** Text sent with every document besides its prompt: the system prompt. */
  system?: string;
  /** Per document (same order): the earlier turns' texts of a conversation. */
  histories?: readonly (readonly string[])[];
  options: ResolvedOptions;
  /** Token counter; the emulator's by default. */
  count?: (text: string) => number;
  /**
   * Each sweep level's options (load/sweep.ts optionsAtLevel), each with its own warmup, counted apart
   * (a duration's calls follow the level's rate); absent: `options` as one test.
   */
  levels?: readonly ResolvedOptions[];
  /** The latency mode the calls request (the tracking file's, else the options'). */
  latencyMode?: LatencyMode;
  /** The model's prices, to price the plan; `pricing` undefined: the table has none (cost unknown). */
  prices?: { pricing: ModelPricing | undefined };
}

/** Counted from the settings, never by building the plan: any count is a few multiplications. */
export function estimatePlan(input: EstimateInput): PlanEstimate {
  const { options, documents } = input;
  const count = input.count ?? countTokens;
  const tests = input.levels ?? [options];
  const fixed = input.system === undefined ? 0 : count(input.system);
  const perDocument = documents.map(
    (d, i) =>
      fixed +
      count(renderPrompt(input.promptTemplate, d)) +
      (input.histories?.[i] ?? []).reduce((sum, text) => sum + count(text), 0),
  );
  const all = perDocument.reduce((sum, tokens) => sum + tokens, 0);
  const d = documents.length;
  // Calls 0..n-1 cycle through the documents (call i uses document i % d): full rounds, then a part.
  const tokensOf = (n: number): number => {
    const rounds = Math.floor(n / d);
    return rounds * all + perDocument.slice(0, n - rounds * d).reduce((s, t) => s + t, 0);
  };
  const warmup = d === 0 ? 0 : options.warmupCalls;
  let measured = 0;
  let inputTokens = 0;
  for (const test of tests) {
    const byDuration = durationCalls(test, d);
    // Until a deadline only a cap (against Bedrock) bounds the calls; the emulator's are unbounded.
    const calls =
      d === 0
        ? 0
        : runsUntilDeadline(test)
          ? (measuredCallCap(test) ?? 0)
          : (byDuration ?? test.experimentCounts * test.invocationsPerScenario * d);
    measured += calls;
    inputTokens += d === 0 ? 0 : tokensOf(warmup) + tokensOf(calls);
  }
  const estimate: PlanEstimate = {
    modelId: input.modelId,
    api: input.api,
    levels: tests.length,
    target: options.target,
    region: input.region,
    warmupCalls: warmup * tests.length,
    measuredCalls: measured,
    inputTokens,
    maxOutputTokens: (warmup * tests.length + measured) * options.maxTokens,
    maxTokens: options.maxTokens,
  };
  if (options.duration !== undefined) {
    const untilDeadline = runsUntilDeadline(options);
    const cap = untilDeadline ? measuredCallCap(options) : undefined;
    estimate.duration = {
      seconds: options.duration,
      untilDeadline,
      ...(cap === undefined ? {} : { measuredCap: cap }),
    };
  }
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

/** How a duration run's measured calls are counted, for its plan line. */
function durationNote(e: PlanEstimate): string {
  const duration = e.duration;
  if (duration === undefined) return '';
  const each = e.levels > 1 ? ' per level' : '';
  if (!duration.untilDeadline) return `, ${durationText(duration.seconds)}${each} at the open-loop rate`;
  return duration.measuredCap === undefined
    ? `, then closed loop for ${durationText(duration.seconds)}${each} (measured calls drawn until the deadline, not counted beforehand)`
    : `, then closed loop for ${durationText(duration.seconds)}${each}: at most ${formatThousands(duration.measuredCap)} measured${each} (its share of maxCalls), stopped there`;
}

function planCost(
  e: PlanEstimate,
  pricing: ModelPricing | undefined,
  mode: LatencyMode,
  tier: ResolvedOptions['serviceTier'],
): PlanCost {
  if (pricing === undefined)
    return { status: 'unknown', missing: `no price for ${e.modelId} in ${e.region}` };
  if (e.duration?.untilDeadline === true && e.duration.measuredCap === undefined)
    return {
      status: 'unknown',
      missing: 'its measured calls are drawn until a deadline, not counted beforehand',
    };
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
  const unbounded = e.duration?.untilDeadline === true && e.duration.measuredCap === undefined;
  const counts = unbounded
    ? `${e.warmupCalls} warmup call${e.warmupCalls === 1 ? '' : 's'}${durationNote(e)}`
    : `${e.duration?.untilDeadline ? 'at most ' : ''}${formatThousands(calls)} calls (${e.warmupCalls} warmup + ${formatThousands(e.measuredCalls)} measured${durationNote(e)})`;
  const tokens = unbounded
    ? `warmup ~${formatThousands(e.inputTokens)} input tokens, <= ${formatThousands(e.maxTokens)} output tokens a call`
    : `~${formatThousands(e.inputTokens)} input tokens, <= ${formatThousands(e.maxOutputTokens)} output tokens`;
  return (
    `plan ${e.modelId} ${e.api}${e.levels > 1 ? ` x ${e.levels} sweep levels` : ''}: ${counts} ` +
    `to ${e.target} ${e.region}, ${tokens} (maxTokens ${e.maxTokens})` +
    renderPlanCost(e.cost, e.target)
  );
}
