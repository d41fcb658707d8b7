import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countTokens, loadTokenizer, MAX_RUN, tokenChunks } from '../src/emulator/tokenizer.ts';

/** The longest run of non-space or of space characters in a text: what one BPE piece can span. */
function longestRun(text: string): number {
  return Math.max(0, ...(text.match(/\S+|\s+/g) ?? []).map((run) => run.length));
}

describe('tokenizer work per request', () => {
  afterEach(() => vi.restoreAllMocks());

  // Byte-pair merging is quadratic in the length of one pre-tokenized piece (a word, a run of symbols
  // or of spaces): bound what the encoder is handed, and the work is bounded whatever the text.
  it.each([
    ['a 20,000-letter word', 'x'.repeat(20_000)],
    ['20,000 symbols', '!'.repeat(20_000)],
    ['20,000 spaces between words', `a${' '.repeat(20_000)}b`],
  ])('hands the encoder no run longer than MAX_RUN for %s', (_name, text) => {
    const encode = vi.spyOn(loadTokenizer(), 'encode');
    const count = countTokens(text);
    const chunks = tokenChunks(text);
    const inputs = encode.mock.calls.map((call) => call[0]);
    expect(inputs.length).toBeGreaterThan(1);
    expect(Math.max(...inputs.map(longestRun))).toBeLessThanOrEqual(MAX_RUN);
    expect(inputs.reduce((sum, input) => sum + input.length, 0)).toBe(2 * text.length);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
    expect(chunks.reduce((sum, chunk) => sum + chunk.tokens, 0)).toBe(count);
    expect(count).toBeGreaterThan(0);
  });

  it('counts ordinary text exactly as the whole encoding does', () => {
    const documents = readFileSync('data/document_sample_10.csv', 'utf8');
    expect(longestRun(documents)).toBeLessThan(MAX_RUN);
    expect(countTokens(documents)).toBe(loadTokenizer().encode(documents, [], []).length);
  });
});
