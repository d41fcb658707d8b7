import { createHash } from 'node:crypto';
import { isJsonObject, type JsonObject } from '../records/json-object.ts';
import { type BedrockError, validationError } from './bedrock-error.ts';
import { summarize } from './summarizer.ts';
import { type TokenChunk, tokenChunks } from './tokenizer.ts';

/**
 * Extended thinking as the emulator serves it. Requested through `additionalModelRequestFields`:
 * Anthropic Claude's `thinking: { type: 'enabled', budget_tokens }` (3.7 Sonnet, Claude 4 and later) and
 * Amazon Nova 2's `reasoningConfig: { type: 'enabled', maxReasoningEffort }`. The model thinks before it
 * answers: reasoning tokens come first, at the model's output speed, and count as output tokens.
 */

export type ReasoningRequest = { kind: 'budget'; budgetTokens: number } | { kind: 'effort'; effort: Effort };
type Effort = 'low' | 'medium' | 'high';

const CLAUDE_THINKING = /^anthropic\.claude-(3-7-sonnet|(sonnet|opus|haiku)-4)/;
const NOVA_2 = /^amazon\.nova-2-/;
const EFFORTS: readonly Effort[] = ['low', 'medium', 'high'];
/** Anthropic's smallest budget_tokens. */
const MIN_BUDGET = 1024;

function invalid(message: string): BedrockError {
  return validationError(`The model returned the following errors: ${message}`);
}

/**
 * The reasoning a request asks for, checked against the model's family (`baseId`, a base model id):
 * undefined when it asks for none. Throws a ValidationException for a malformed field or a field the
 * family does not take, as Bedrock passes the model's own complaint on.
 */
export function parseReasoning(
  fields: JsonObject | undefined,
  baseId: string,
  sampling: { maxTokens: number | undefined; temperature: number | undefined; topP: number | undefined },
): ReasoningRequest | undefined {
  const { maxTokens, temperature, topP } = sampling;
  const thinking = fields?.thinking;
  const config = fields?.reasoningConfig;
  if (thinking !== undefined) {
    if (!CLAUDE_THINKING.test(baseId)) throw invalid('extraneous key [thinking] is not permitted');
    if (!isJsonObject(thinking)) throw invalid('thinking: Input should be an object');
    if (thinking.type === 'disabled') return undefined;
    if (thinking.type !== 'enabled') throw invalid("thinking.type: Input should be 'enabled' or 'disabled'");
    const budget = thinking.budget_tokens;
    if (!Number.isInteger(budget)) throw invalid('thinking.enabled.budget_tokens: Field required');
    if ((budget as number) < MIN_BUDGET) {
      throw invalid(`thinking.enabled.budget_tokens: Input should be greater than or equal to ${MIN_BUDGET}`);
    }
    if (maxTokens !== undefined && (budget as number) >= maxTokens) {
      throw invalid('`max_tokens` must be greater than `thinking.budget_tokens`');
    }
    if (temperature !== undefined && temperature !== 1) {
      throw invalid('`temperature` may only be set to 1 when thinking is enabled');
    }
    if (topP !== undefined && topP < 0.95) {
      throw invalid('`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled');
    }
    return { kind: 'budget', budgetTokens: budget as number };
  }
  if (config !== undefined) {
    if (!NOVA_2.test(baseId)) throw invalid('extraneous key [reasoningConfig] is not permitted');
    if (!isJsonObject(config)) throw invalid('reasoningConfig must be an object');
    if (config.type === 'disabled') return undefined;
    if (config.type !== 'enabled') throw invalid("reasoningConfig.type must be 'enabled' or 'disabled'");
    const effort = EFFORTS.find((e) => e === config.maxReasoningEffort);
    if (effort === undefined)
      throw invalid('reasoningConfig.maxReasoningEffort must be one of: low, medium, high');
    return { kind: 'effort', effort };
  }
  return undefined;
}

/** The most reasoning an effort allows, tokens (illustrative: the emulator's own scale). */
const EFFORT_TOKENS: Record<Effort, number> = { low: 256, medium: 1024, high: 4096 };

/** The reasoning an emulated model writes before its answer. */
export interface Reasoning {
  text: string;
  chunks: TokenChunk[];
  tokens: number;
  /** Claude signs its thinking; the signature follows the text (a digest, standing in for Anthropic's). */
  signature: string;
}

/**
 * How long the model thinks: 128 tokens plus one per 4 input tokens, up to its budget (or the effort's
 * ceiling) and to what maxTokens leaves. Deterministic: the same request thinks the same.
 */
export function reasoningFor(
  request: ReasoningRequest,
  document: string,
  inputTokens: number,
  maxTokens: number,
): Reasoning {
  const ceiling = request.kind === 'budget' ? request.budgetTokens : EFFORT_TOKENS[request.effort];
  const target = Math.max(1, Math.min(ceiling, 128 + Math.floor(inputTokens / 4), maxTokens - 1));
  const points = summarize(document);
  const lines = [
    'The user wants a summary. Let me find the main points of the document first.',
    points === '' ? 'The document is short; the answer can be short too.' : `Key points: ${points}`,
    'Check: each point is in the document, nothing is added, and the order follows the text.',
  ];
  let text = lines.join('\n');
  // Long enough to cut at the target: restate the check until it is.
  while (text.length < target * 6) text += `\n${lines[2]}`;
  const chunks = tokenChunks(text, target);
  const cut = chunks.map((c) => c.text).join('');
  return {
    text: cut,
    chunks,
    tokens: chunks.reduce((sum, c) => sum + c.tokens, 0),
    signature: createHash('sha256').update(cut).digest('base64'),
  };
}
