import { getEncoding, type Tiktoken } from 'js-tiktoken';

/**
 * Token counts for usage figures and stream deltas. One BPE encoding (o200k_base) stands in for every
 * model's own tokenizer: counts are an approximation (within roughly 10-20% for English prose), which is
 * what a latency emulator needs. Special-token strings in the text are encoded as plain text.
 */

let encoder: Tiktoken | undefined;

/** Loads the encoding (about a second of CPU); call once before serving so no request pays for it. */
export function loadTokenizer(): Tiktoken {
  encoder ??= getEncoding('o200k_base');
  return encoder;
}

export function countTokens(text: string): number {
  return loadTokenizer().encode(text, [], []).length;
}

/** A piece of output text that decodes cleanly, and how many tokens it holds. */
export interface TokenChunk {
  text: string;
  tokens: number;
}

/**
 * Splits text into per-token pieces whose concatenation is exactly the text. A token that ends inside a
 * multi-byte character is merged with the following ones, so a chunk may hold more than one token.
 * With `maxTokens`, stops at the last whole chunk within the limit.
 */
export function tokenChunks(text: string, maxTokens = Number.POSITIVE_INFINITY): TokenChunk[] {
  const enc = loadTokenizer();
  const ids = enc.encode(text, [], []);
  const chunks: TokenChunk[] = [];
  let offset = 0;
  let used = 0;
  let pending: number[] = [];
  for (const id of ids) {
    pending.push(id);
    const piece = enc.decode(pending);
    if (!text.startsWith(piece, offset)) continue;
    if (used + pending.length > maxTokens) return chunks;
    chunks.push({ text: piece, tokens: pending.length });
    used += pending.length;
    offset += piece.length;
    pending = [];
  }
  // Defensive: tokens that never decoded to the text's next characters stay one final chunk.
  if (offset < text.length && used + pending.length <= maxTokens) {
    chunks.push({ text: text.slice(offset), tokens: pending.length });
  }
  return chunks;
}
