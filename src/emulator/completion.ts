import type { ConverseInput } from './converse-request.ts';
import { summarize } from './summarizer.ts';
import { countTokens, type TokenChunk, tokenChunks } from './tokenizer.ts';

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence';

/** The emulated model's answer to one request, before any timing. */
export interface Completion {
  text: string;
  /** The text cut into stream deltas: one token each (more only inside a multi-byte character). */
  chunks: TokenChunk[];
  inputTokens: number;
  outputTokens: number;
  stopReason: StopReason;
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

function computeCompletion(input: ConverseInput, maxTokens: number): Completion {
  const lastUser = input.messages.findLast((m) => m.role === 'user');
  const full = summarize(lastUser?.texts.join('\n') ?? '');
  const stopped = cutAtStopSequence(full, input.stopSequences);
  const candidate = stopped ?? full;
  const all = tokenChunks(candidate);
  const chunks = tokenChunks(candidate, maxTokens);
  const truncated = chunks.length < all.length;
  const inputTokens = [...input.system, ...input.messages.flatMap((m) => m.texts)].reduce(
    (sum, text) => sum + countTokens(text),
    0,
  );
  return {
    text: chunks.map((c) => c.text).join(''),
    chunks,
    inputTokens,
    outputTokens: chunks.reduce((sum, c) => sum + c.tokens, 0),
    stopReason: truncated ? 'max_tokens' : stopped !== undefined ? 'stop_sequence' : 'end_turn',
  };
}

/**
 * Benchmarks send the same few documents again and again: remember recent answers so tokenizing a
 * document does not hold up the event loop that writes other requests' tokens.
 */
const CACHE_SIZE = 256;
const cache = new Map<string, Completion>();

export function complete(input: ConverseInput, maxTokens: number): Completion {
  const key = JSON.stringify([input.system, input.messages, input.stopSequences, maxTokens]);
  const hit = cache.get(key);
  if (hit) return hit;
  const completion = computeCompletion(input, maxTokens);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, completion);
  return completion;
}
