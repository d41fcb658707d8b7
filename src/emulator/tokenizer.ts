import { getEncoding, type Tiktoken } from 'js-tiktoken';

/**
 * Token counts for usage figures and stream deltas. One BPE encoding (o200k_base) stands in for every
 * model's own tokenizer: counts are an approximation (within roughly 10-20% for English prose), which is
 * what a latency emulator needs. Special-token strings in the text are encoded as plain text.
 */

let encoder: Tiktoken | undefined;

/**
 * Each token's bytes, for decoding: token `id`'s bytes are `bytes[offsets[id]..offsets[id + 1]]`.
 * js-tiktoken keeps them as a Map of 200,000 small Uint8Arrays, about 45 MB of live heap in the process
 * serving the emulator, which V8 then lets grow by a multiple before it collects; these two arrays
 * hold the same bytes in about 2 MB, and the Map is emptied.
 */
let table: { bytes: Uint8Array; offsets: Uint32Array } | undefined;
const utf8 = new TextDecoder('utf-8');

/** Loads the encoding (about a second of CPU); call once before serving so no request pays for it. */
export function loadTokenizer(): Tiktoken {
  if (encoder === undefined) {
    encoder = getEncoding('o200k_base');
    table = compactTable(encoder);
  }
  return encoder;
}

/** The encoder's token bytes as two arrays (and its own Map emptied); undefined if it has no such Map. */
function compactTable(enc: Tiktoken): typeof table {
  // An internal of js-tiktoken 1.x, used only by its decode, which this module no longer calls.
  const textMap = (enc as unknown as { textMap?: unknown }).textMap;
  if (!(textMap instanceof Map) || textMap.size === 0) return undefined;
  const entries = textMap as Map<number, Uint8Array>;
  let maxId = 0;
  let length = 0;
  for (const [id, bytes] of entries) {
    maxId = Math.max(maxId, id);
    length += bytes.length;
  }
  const bytes = new Uint8Array(length);
  const offsets = new Uint32Array(maxId + 2);
  let at = 0;
  for (let id = 0; id <= maxId; id++) {
    offsets[id] = at;
    const piece = entries.get(id);
    if (piece !== undefined) {
      bytes.set(piece, at);
      at += piece.length;
    }
  }
  offsets[maxId + 1] = at;
  entries.clear();
  return { bytes, offsets };
}

/** The text of token ids, as js-tiktoken's decode gives it (an unknown id adds nothing). */
function decode(ids: readonly number[]): string {
  const enc = loadTokenizer();
  if (table === undefined) return enc.decode([...ids]);
  const { bytes, offsets } = table;
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const id of ids) {
    if (!(id >= 0 && id + 1 < offsets.length)) continue;
    const piece = bytes.subarray(offsets[id], offsets[id + 1]);
    parts.push(piece);
    length += piece.length;
  }
  const merged = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    merged.set(part, at);
    at += part.length;
  }
  return utf8.decode(merged);
}

/**
 * The longest run of non-space (or of space) characters the encoder is handed at once. Byte-pair
 * merging is quadratic in the length of one pre-tokenized piece, and a piece never spans more than such
 * a run (plus a character): one 20,000-letter word took 91 s. Longer runs are cut into runs of this
 * length and encoded one by one, so their count is approximate; ordinary text has no run near it.
 */
export const MAX_RUN = 256;

/** The text in consecutive pieces whose runs are at most MAX_RUN long; they concatenate to the text. */
function boundedSegments(text: string): string[] {
  const segments: string[] = [];
  let start = 0;
  for (const run of text.matchAll(/\S+|\s+/g)) {
    if (run[0].length <= MAX_RUN) continue;
    if (run.index > start) segments.push(text.slice(start, run.index));
    for (let at = 0; at < run[0].length; at += MAX_RUN) segments.push(run[0].slice(at, at + MAX_RUN));
    start = run.index + run[0].length;
  }
  if (start < text.length) segments.push(text.slice(start));
  return segments;
}

/** Token ids of the text, special-token strings encoded as plain text, with bounded work per run. */
function encode(text: string): number[] {
  const enc = loadTokenizer();
  const ids: number[] = [];
  for (const segment of boundedSegments(text)) {
    for (const id of enc.encode(segment, [], [])) ids.push(id);
  }
  return ids;
}

export function countTokens(text: string): number {
  return encode(text).length;
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
  const ids = encode(text);
  const chunks: TokenChunk[] = [];
  let offset = 0;
  let used = 0;
  let pending: number[] = [];
  for (const id of ids) {
    pending.push(id);
    const piece = decode(pending);
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

/**
 * The leading chunks that fit in `maxTokens`: what `tokenChunks(text, maxTokens)` gives, taken from
 * `tokenChunks(text)` so that a caller wanting both (was the answer cut?) encodes the text once.
 */
export function withinTokens(chunks: readonly TokenChunk[], maxTokens: number): TokenChunk[] {
  let used = 0;
  let count = 0;
  for (const chunk of chunks) {
    if (used + chunk.tokens > maxTokens) break;
    used += chunk.tokens;
    count++;
  }
  return chunks.slice(0, count);
}
