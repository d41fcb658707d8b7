import { readFileSync } from 'node:fs';
import { getEncoding } from 'js-tiktoken';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countTokens, loadTokenizer, MAX_RUN, tokenChunks, withinTokens } from '../src/emulator/tokenizer.ts';

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

  // The emulator decodes from its own compact table (the encoder's Map of token bytes is emptied to
  // save memory): the chunks must be the ones js-tiktoken's own decode gives, multi-byte text included.
  it('splits text into the chunks js-tiktoken decodes', () => {
    const text = `${readFileSync('data/document_sample_10.csv', 'utf8').slice(0, 4000)} naïve café 東京 🙂👍🏽 done`;
    const reference = getEncoding('o200k_base');
    const expected: { text: string; tokens: number }[] = [];
    let pending: number[] = [];
    let offset = 0;
    for (const id of reference.encode(text, [], [])) {
      pending.push(id);
      const piece = reference.decode(pending);
      if (!text.startsWith(piece, offset)) continue;
      expected.push({ text: piece, tokens: pending.length });
      offset += piece.length;
      pending = [];
    }
    expect(offset).toBe(text.length);
    expect(tokenChunks(text)).toEqual(expected);
    const withinSeven = expected.filter(
      (_, i) => expected.slice(0, i + 1).reduce((sum, chunk) => sum + chunk.tokens, 0) <= 7,
    );
    expect(withinSeven.length).toBeGreaterThan(1);
    expect(tokenChunks(text, 7)).toEqual(withinSeven);
  });
});

describe('withinTokens', () => {
  it('takes from the whole encoding exactly what a budgeted tokenChunks gives', () => {
    const texts = [
      'The payments service lost its connection pool at 14:04; on-call found the change at 14:31.',
      'Ünïcödé, emoji 🎉🎉 and 漢字 split across tokens, then plain words again.',
      '{"summary":"a tool input as JSON, with \\"quotes\\" and numbers 1, 2.5, -3"}',
      '',
    ];
    for (const text of texts) {
      const all = tokenChunks(text);
      for (const budget of [-1, 0, 1, 2, 3, 7, 20, 1000]) {
        expect(withinTokens(all, budget)).toEqual(tokenChunks(text, budget));
      }
    }
  });
});
