import type { ConverseInput } from './converse-request.ts';
import { type Reasoning, type ReasoningRequest, reasoningFor } from './reasoning.ts';
import { summarize } from './summarizer.ts';
import { countTokens, type TokenChunk, tokenChunks, withinTokens } from './tokenizer.ts';
import { exampleInput, type ToolRequest } from './tools.ts';

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';

/** The tool call an emulated model makes, after any text. */
export interface ToolCall {
  name: string;
  /** The whole input, valid for the tool's schema. */
  input: unknown;
  /** Tokens the tool's name costs before its input starts. */
  nameTokens: number;
  /** The input's JSON cut into stream fragments (one token each); fewer when maxTokens cut it short. */
  chunks: TokenChunk[];
  /** False when maxTokens ran out before the input was complete. */
  complete: boolean;
}

/** The emulated model's answer to one request, before any timing. */
export interface Completion {
  text: string;
  /** The text cut into stream deltas: one token each (more only inside a multi-byte character). */
  chunks: TokenChunk[];
  inputTokens: number;
  /** Text tokens plus reasoning tokens: thinking is output, and counts towards maxTokens. */
  outputTokens: number;
  stopReason: StopReason;
  /** Written before the text when the request asked for extended thinking. */
  reasoning?: Reasoning;
  /** Made after the text when the request gave tools. */
  tool?: ToolCall;
}

/** Text before the earliest stop sequence (which, as in Bedrock, is not part of the output). */
function cutAtStopSequence(text: string, stops: string[]): string | undefined {
  let cut: number | undefined;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (cut === undefined || at < cut)) cut = at;
  }
  return cut === undefined ? undefined : text.slice(0, cut);
}

/**
 * With tools the model calls one: a forced call (toolChoice any or tool) is the whole answer; otherwise
 * a sentence announces it. The summary goes into the tool's input instead of the text.
 */
function withTool(completion: Completion, request: ToolRequest, summary: string, budget: number): Completion {
  const text = request.forced ? '' : `I will call ${request.name} with the summary.`;
  const chunks = tokenChunks(text, budget);
  const textTokens = chunks.reduce((sum, c) => sum + c.tokens, 0);
  const toolInput = exampleInput(request.schema, summary);
  const json = JSON.stringify(toolInput);
  const nameTokens = Math.min(countTokens(request.name), Math.max(0, budget - textTokens));
  const left = budget - textTokens - nameTokens;
  const all = tokenChunks(json);
  const toolChunks = withinTokens(all, left);
  const complete = toolChunks.length === all.length;
  const tool: ToolCall = { name: request.name, input: toolInput, nameTokens, chunks: toolChunks, complete };
  const toolTokens = nameTokens + toolChunks.reduce((sum, c) => sum + c.tokens, 0);
  return {
    ...completion,
    text: chunks.map((c) => c.text).join(''),
    chunks,
    outputTokens:
      completion.outputTokens -
      completion.chunks.reduce((sum, c) => sum + c.tokens, 0) +
      textTokens +
      toolTokens,
    stopReason: complete ? 'tool_use' : 'max_tokens',
    tool,
  };
}

function computeCompletion(
  input: ConverseInput,
  maxTokens: number,
  reasoningRequest: ReasoningRequest | undefined,
  toolRequest: ToolRequest | undefined,
): Completion {
  const lastUser = input.messages.findLast((m) => m.role === 'user');
  const document = lastUser?.texts.join('\n') ?? '';
  const full = summarize(document);
  const stopped = cutAtStopSequence(full, input.stopSequences);
  const candidate = stopped ?? full;
  const inputTokens = [...input.system, ...input.messages.flatMap((m) => m.texts)].reduce(
    (sum, text) => sum + countTokens(text),
    0,
  );
  const reasoning =
    reasoningRequest === undefined
      ? undefined
      : reasoningFor(reasoningRequest, document, inputTokens, maxTokens);
  const textBudget = maxTokens - (reasoning?.tokens ?? 0);
  const all = tokenChunks(candidate);
  const chunks = withinTokens(all, textBudget);
  const truncated = chunks.length < all.length;
  const completion: Completion = {
    text: chunks.map((c) => c.text).join(''),
    chunks,
    inputTokens,
    outputTokens: chunks.reduce((sum, c) => sum + c.tokens, 0) + (reasoning?.tokens ?? 0),
    stopReason: truncated ? 'max_tokens' : stopped !== undefined ? 'stop_sequence' : 'end_turn',
  };
  if (reasoning !== undefined) completion.reasoning = reasoning;
  return toolRequest === undefined ? completion : withTool(completion, toolRequest, full, textBudget);
}

/**
 * Benchmarks send the same few documents again and again: remember recent answers so tokenizing a
 * document does not hold up the event loop that writes other requests' tokens.
 */
const CACHE_SIZE = 256;
const cache = new Map<string, Completion>();

export function complete(
  input: ConverseInput,
  maxTokens: number,
  reasoning?: ReasoningRequest,
  tool?: ToolRequest,
): Completion {
  const key = JSON.stringify([input.system, input.messages, input.stopSequences, maxTokens, reasoning, tool]);
  const hit = cache.get(key);
  if (hit) return hit;
  const completion = computeCompletion(input, maxTokens, reasoning, tool);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, completion);
  return completion;
}
