import type { DocumentType } from '@smithy/types';
import type { ReasoningBudget } from '../records/call-record.ts';

/**
 * Extended thinking is not an SDK field: each model family reads its own fields inside
 * `additionalModelRequestFields`. Supported: Anthropic Claude models with extended thinking (a token
 * budget, `thinking: { type: 'enabled', budget_tokens }`) and Amazon Nova 2 (an effort,
 * `reasoningConfig: { type: 'enabled', maxReasoningEffort }`). Any other family is refused.
 */

export type ReasoningFamily = 'anthropic-claude' | 'amazon-nova-2';

/** Claude models with extended thinking: 3.7 Sonnet and the Claude 4 generation onwards. */
const CLAUDE_THINKING = /^anthropic\.claude-(3-7-sonnet|(sonnet|opus|haiku)-4)/;
const NOVA_2 = /^amazon\.nova-2-/;
/** Geography prefixes of cross-region inference profile ids. */
const PROFILE_PREFIX = /^(?:us|us-gov|eu|apac|jp|au|ca|global)\./;

/** The model id an id, profile id or ARN names (an ARN's last path part, without a geography prefix). */
function baseOf(modelId: string): string {
  const last = modelId.startsWith('arn:') ? (modelId.split('/').at(-1) ?? '') : modelId;
  return last.replace(PROFILE_PREFIX, '');
}

export function reasoningFamily(modelId: string): ReasoningFamily | undefined {
  const base = baseOf(modelId);
  if (CLAUDE_THINKING.test(base)) return 'anthropic-claude';
  if (NOVA_2.test(base)) return 'amazon-nova-2';
  return undefined;
}

interface Sampling {
  temperature: number;
  topP: number;
  maxTokens: number;
}

/**
 * Why this model cannot be called with this reasoning budget, as the end of a sentence naming the
 * model ("<model>: <problem>"); undefined when it can (or reasoning is off).
 */
export function reasoningProblem(
  modelId: string,
  budget: ReasoningBudget,
  sampling: Sampling,
  forcedToolUse = false,
): string | undefined {
  if (budget === 'off') return undefined;
  const family = reasoningFamily(modelId);
  if (family === undefined) {
    return `reasoningBudget ${budget}: extended thinking is supported for Anthropic Claude (3.7 Sonnet, Claude 4 and later) and Amazon Nova 2 models only; set reasoningBudget off for this model`;
  }
  if (family === 'amazon-nova-2') {
    return typeof budget === 'number'
      ? `reasoningBudget ${budget}: Amazon Nova 2 takes an effort, not a token budget; set reasoningBudget to low, medium or high`
      : undefined;
  }
  if (typeof budget !== 'number') {
    return `reasoningBudget ${budget}: Anthropic Claude takes a token budget (budget_tokens), not an effort; set reasoningBudget to a whole number >= 1024`;
  }
  if (budget >= sampling.maxTokens) {
    return `reasoningBudget ${budget} must be below maxTokens ${sampling.maxTokens} (Claude counts thinking in max_tokens); raise maxTokens or lower the budget`;
  }
  if (forcedToolUse) {
    return `reasoningBudget ${budget}: Claude's extended thinking does not allow a toolChoice that forces tool use (any or tool); use toolChoice auto, or set reasoningBudget off`;
  }
  if (sampling.temperature !== 1 || sampling.topP < 0.95) {
    return `extended thinking on Claude needs temperature 1 and topP from 0.95 to 1 (temperature ${sampling.temperature}, topP ${sampling.topP} set); set temperature 1 and topP 1`;
  }
  return undefined;
}

/** The `additionalModelRequestFields` that ask this model for reasoning; undefined when off. */
export function reasoningRequestFields(
  modelId: string,
  budget: ReasoningBudget,
): Record<string, DocumentType> | undefined {
  if (budget === 'off') return undefined;
  if (typeof budget === 'number') return { thinking: { type: 'enabled', budget_tokens: budget } };
  return reasoningFamily(modelId) === 'amazon-nova-2'
    ? { reasoningConfig: { type: 'enabled', maxReasoningEffort: budget } }
    : undefined;
}
