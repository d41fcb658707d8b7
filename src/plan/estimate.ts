import { renderPrompt } from '../data/template.ts';
import { countTokens } from '../emulator/tokenizer.ts';
import { formatThousands } from '../format/numbers.ts';
import type { Api } from '../records/call-record.ts';
import type { ResolvedOptions } from '../records/options.ts';

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
}

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
  /** Sweep levels to count (each with its own warmup); 1 by default. */
  levels?: number;
}

/** Counted from the settings, never by building the plan: any count is a few multiplications. */
export function estimatePlan(input: EstimateInput): PlanEstimate {
  const { options, documents } = input;
  const count = input.count ?? countTokens;
  const levels = input.levels ?? 1;
  const fixed = input.system === undefined ? 0 : count(input.system);
  const perDocument = documents.map(
    (d, i) =>
      fixed +
      count(renderPrompt(input.promptTemplate, d)) +
      (input.histories?.[i] ?? []).reduce((sum, text) => sum + count(text), 0),
  );
  const all = perDocument.reduce((sum, tokens) => sum + tokens, 0);
  const d = documents.length;
  // Warmup cycles through the documents (call w uses document w % d); measuring uses each equally.
  const warmup = d === 0 ? 0 : options.warmupCalls;
  const fullCycles = d === 0 ? 0 : Math.floor(warmup / d);
  const warmupTokens =
    fullCycles * all + perDocument.slice(0, warmup - fullCycles * d).reduce((s, t) => s + t, 0);
  const repeats = options.experimentCounts * options.invocationsPerScenario;
  const measured = repeats * d;
  return {
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
}

/** One line per model and API, the same in `converse-bench plan` and in a dry run of benchModel. */
export function renderPlanLine(e: PlanEstimate): string {
  const calls = e.warmupCalls + e.measuredCalls;
  return (
    `plan ${e.modelId} ${e.api}${e.levels > 1 ? ` x ${e.levels} sweep levels` : ''}: ${formatThousands(calls)} calls (${e.warmupCalls} warmup + ${formatThousands(e.measuredCalls)} measured) ` +
    `to ${e.target} ${e.region}, ~${formatThousands(e.inputTokens)} input tokens, ` +
    `<= ${formatThousands(e.maxOutputTokens)} output tokens (maxTokens ${e.maxTokens})`
  );
}
