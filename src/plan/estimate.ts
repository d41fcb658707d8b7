import { renderPrompt } from '../data/template.ts';
import { countTokens } from '../emulator/tokenizer.ts';
import { formatThousands } from '../format/numbers.ts';
import type { Api } from '../records/call-record.ts';
import type { ResolvedOptions } from '../records/options.ts';
import { buildPlan, planInput } from './calls.ts';

/**
 * What a plan will send, without calling: calls per model and API, and the tokens they carry. Input
 * tokens are counted on the rendered prompts with o200k_base, as the emulator counts them (each
 * model's own tokenizer differs, typically by 10-20%); output tokens are bounded by maxTokens.
 */
export interface PlanEstimate {
  modelId: string;
  api: Api;
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
  options: ResolvedOptions;
  /** Token counter; the emulator's by default. */
  count?: (text: string) => number;
}

export function estimatePlan(input: EstimateInput): PlanEstimate {
  const { options } = input;
  const count = input.count ?? countTokens;
  const perDocument = input.documents.map((d) => count(renderPrompt(input.promptTemplate, d)));
  const plan = buildPlan(planInput(options, [input.api], input.documents.length));
  const warmupCalls = plan.filter((call) => call.phase === 'warmup').length;
  return {
    modelId: input.modelId,
    api: input.api,
    target: options.target,
    region: input.region,
    warmupCalls,
    measuredCalls: plan.length - warmupCalls,
    inputTokens: plan.reduce((sum, call) => sum + (perDocument[call.document] ?? 0), 0),
    maxOutputTokens: plan.length * options.maxTokens,
    maxTokens: options.maxTokens,
  };
}

/** One line per model and API, the same in `converse-bench plan` and in a dry run of benchModel. */
export function renderPlanLine(e: PlanEstimate): string {
  const calls = e.warmupCalls + e.measuredCalls;
  return (
    `plan ${e.modelId} ${e.api}: ${formatThousands(calls)} calls (${e.warmupCalls} warmup + ${formatThousands(e.measuredCalls)} measured) ` +
    `to ${e.target} ${e.region}, ~${formatThousands(e.inputTokens)} input tokens, ` +
    `<= ${formatThousands(e.maxOutputTokens)} output tokens (maxTokens ${e.maxTokens})`
  );
}
