import { describe, expect, test } from 'vitest';
import { extractDocument, summarize, summaryLength } from '../src/emulator/summarizer.ts';
import { countTokens, tokenChunks } from '../src/emulator/tokenizer.ts';

describe('summarizer', () => {
  const doc =
    'Solar panels turn sunlight into power. Panels on roofs give homes power. ' +
    'The weather was mild. Solar power from panels is cheap power. Birds sang.';

  test('keeps the sentences richest in frequent words, in document order', () => {
    // 5 sentences -> 2 kept; "panels", "power", "solar" are the frequent words.
    expect(summaryLength(5)).toBe(2);
    expect(summarize(doc)).toBe(
      'Solar panels turn sunlight into power. Solar power from panels is cheap power.',
    );
  });

  test('is deterministic and scales with document length, 2 to 6 sentences', () => {
    expect(summarize(doc)).toBe(summarize(doc));
    expect([1, 5, 16, 17, 30, 48, 100].map(summaryLength)).toEqual([1, 2, 2, 3, 4, 6, 6]);
    const long = Array.from(
      { length: 60 },
      (_, i) => `Sentence number ${i} talks about topic ${i % 7}.`,
    ).join(' ');
    expect(summarize(long).match(/\./g)).toHaveLength(6);
  });

  test('does not end a sentence inside a number or an abbreviation', () => {
    const text =
      'Revenue rose 7.2 percent to 6.1 million, e.g. in Europe. Costs fell. Revenue and costs matter.';
    expect(summarize(text)).toBe(
      'Revenue rose 7.2 percent to 6.1 million, e.g. in Europe. Revenue and costs matter.',
    );
  });

  test('summarizes the tagged document inside a prompt, not the instructions', () => {
    expect(extractDocument('Summarize this. <doc>  inner text  </doc> Thanks.')).toBe('inner text');
    expect(extractDocument('no tags here')).toBe('no tags here');
    expect(summarize(`Please write a summary of the text below.\n<document>${doc}</document>`)).toBe(
      summarize(doc),
    );
  });

  test('a one-sentence text is its own summary; a text of fragments gives its first 60 words', () => {
    expect(summarize('hi')).toBe('hi');
    expect(summarize('An unpunctuated   run of words')).toBe('An unpunctuated run of words');
    const fragments = Array.from({ length: 80 }, (_, i) => `W${i}.`);
    expect(summarize(fragments.join(' ')).split(' ')).toHaveLength(60);
  });
});

describe('tokenizer', () => {
  test('chunks are one token each for plain text and join to the text', () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const chunks = tokenChunks(text);
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    expect(chunks.every((c) => c.tokens === 1)).toBe(true);
    expect(chunks).toHaveLength(countTokens(text));
  });

  test('a character split across tokens stays whole in one chunk', () => {
    const text = 'Party 🎉 time 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 <|endoftext|> done';
    const chunks = tokenChunks(text);
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    expect(chunks.some((c) => c.tokens > 1)).toBe(true);
    expect(chunks.reduce((n, c) => n + c.tokens, 0)).toBe(countTokens(text));
    expect(chunks.every((c) => !c.text.includes('\uFFFD'))).toBe(true);
  });

  test('maxTokens keeps whole chunks within the limit', () => {
    const text = 'One two three four five six seven.';
    expect(tokenChunks(text, 3).map((c) => c.text)).toEqual(['One', ' two', ' three']);
    expect(tokenChunks(text, 0)).toEqual([]);
  });
});
