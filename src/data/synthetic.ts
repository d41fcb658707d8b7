import { SyntheticOptionsError } from './errors.ts';
import { intBetween, mulberry32, pick, type Random } from './random.ts';
import {
  ADJECTIVES,
  ADVERBS,
  CONJUNCTIONS,
  DOMAINS,
  type Domain,
  GENRES,
  OPENERS,
  PREPOSITIONS,
  VERBS,
} from './word-lists.ts';

/**
 * A seeded generator of English-looking documents with reference summaries, for datasets of any size
 * and length (e.g. to see how latency scales with input length). Same options, same bytes.
 */

export interface SyntheticOptions {
  /** Unsigned 32-bit integer. */
  seed: number;
  /** Documents to generate, 1 to MAX_SYNTHETIC_COUNT. */
  count: number;
  /** Words per document: exactly this many, or drawn uniformly from [min, max] per document. */
  words: number | readonly [number, number];
}

export interface SyntheticRow {
  document: string;
  referenceResponse: string;
}

export const MIN_SYNTHETIC_WORDS = 4;
/** Keeps every document under DOCUMENT_CHAR_LIMIT (words average under 8 characters with spaces). */
export const MAX_SYNTHETIC_WORDS = 25_000;
export const MAX_SYNTHETIC_COUNT = 10_000;

const MAX_SENTENCE = 16;
/** "the <agent> <verb> <object>". */
const MIN_CLAUSE = 4;
/** Prepositional phrases per clause: more reads like a list of places. */
const MAX_PHRASES = 2;
/** A full clause: the core, two phrases, an opener, an adjective and an adverb. */
const MAX_CLAUSE = MIN_CLAUSE + 3 * MAX_PHRASES + 3;

export function generateDataset(options: SyntheticOptions): SyntheticRow[] {
  const [minWords, maxWords] = checkOptions(options);
  const random = mulberry32(options.seed);
  const rows: SyntheticRow[] = [];
  for (let i = 0; i < options.count; i++) {
    rows.push(generateRow(random, intBetween(random, minWords, maxWords)));
  }
  return rows;
}

function checkOptions({ seed, count, words }: SyntheticOptions): [number, number] {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new SyntheticOptionsError('seed', `${seed} is not an integer from 0 to 4294967295`);
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_SYNTHETIC_COUNT) {
    throw new SyntheticOptionsError('count', `${count} is not an integer from 1 to ${MAX_SYNTHETIC_COUNT}`);
  }
  const [min, max] = typeof words === 'number' ? [words, words] : words;
  for (const value of [min, max]) {
    if (!Number.isInteger(value) || value < MIN_SYNTHETIC_WORDS || value > MAX_SYNTHETIC_WORDS) {
      throw new SyntheticOptionsError(
        'words',
        `${value} is not an integer from ${MIN_SYNTHETIC_WORDS} to ${MAX_SYNTHETIC_WORDS}`,
      );
    }
  }
  if (min > max)
    throw new SyntheticOptionsError('words', `range ${min}-${max} has its minimum above its maximum`);
  return [min, max];
}

interface Clause {
  agent: string;
  verb: string;
  object: string;
  words: string[];
}

function generateRow(random: Random, wordCount: number): SyntheticRow {
  const domain = pick(random, DOMAINS);
  const sentences: string[] = [];
  const clauses: Clause[] = [];
  let remaining = wordCount;
  while (remaining > 0) {
    // Leave at least a minimal clause for the next sentence, so the total comes out exact.
    const length =
      remaining <= MAX_SENTENCE
        ? remaining
        : intBetween(random, 5, Math.min(MAX_SENTENCE, remaining - MIN_CLAUSE));
    const built = sentence(random, domain, length);
    sentences.push(built.text);
    clauses.push(built.first);
    remaining -= length;
  }
  return { document: paragraphs(random, sentences), referenceResponse: summary(random, domain, clauses) };
}

function sentence(random: Random, domain: Domain, length: number): { text: string; first: Clause } {
  let words: string[];
  let first: Clause;
  if (length > MAX_CLAUSE || (length >= 2 * MIN_CLAUSE + 1 && random() < 0.5)) {
    // Two clauses and a conjunction; the second clause has no opener, so it holds one word less.
    const firstLength = intBetween(
      random,
      Math.max(MIN_CLAUSE, length - MAX_CLAUSE),
      Math.min(MAX_CLAUSE, length - 1 - MIN_CLAUSE),
    );
    first = clause(random, domain, firstLength, true);
    const second = clause(random, domain, length - 1 - firstLength, false);
    words = [...first.words, pick(random, CONJUNCTIONS), ...second.words];
    // A comma before the conjunction reads naturally for these clause pairs.
    words[first.words.length - 1] += ',';
  } else {
    first = clause(random, domain, length, true);
    words = first.words;
  }
  const text = words.join(' ');
  return { text: `${text.charAt(0).toUpperCase()}${text.slice(1)}.`, first };
}

/** "the <agent> <verb> <object>" padded to exactly `length` words with prepositional phrases (3 words)
 * and at most one each of an opener (first clause only), an adjective and an adverb. */
function clause(random: Random, domain: Domain, length: number, opener: boolean): Clause {
  const agent = pick(random, domain.agents);
  const verb = pick(random, VERBS);
  const object = pick(random, domain.objects);
  const singlesAvailable: Single[] = opener ? ['opener', 'adjective', 'adverb'] : ['adjective', 'adverb'];
  let extra = length - MIN_CLAUSE;
  const phrases: string[] = [];
  while (
    phrases.length < 3 * MAX_PHRASES &&
    (extra > singlesAvailable.length || (extra >= 3 && random() < 0.5))
  ) {
    phrases.push(pick(random, PREPOSITIONS), 'the', pick(random, domain.places));
    extra -= 3;
  }
  const singles = shuffle(random, singlesAvailable).slice(0, extra);
  const words = [
    ...(singles.includes('opener') ? [pick(random, OPENERS)] : []),
    'the',
    agent,
    verb,
    ...(singles.includes('adjective') ? [pick(random, ADJECTIVES)] : []),
    object,
    ...(singles.includes('adverb') ? [pick(random, ADVERBS)] : []),
    ...phrases,
  ];
  return { agent, verb, object, words };
}

type Single = 'opener' | 'adjective' | 'adverb';

/** Fisher-Yates on a copy: unlike sort() with a random comparator, it does not depend on the engine. */
function shuffle<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = intBetween(random, 0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function paragraphs(random: Random, sentences: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < sentences.length; ) {
    const size = intBetween(random, 3, 6);
    out.push(sentences.slice(i, i + size).join(' '));
    i += size;
  }
  return out.join('\n\n');
}

function summary(random: Random, domain: Domain, clauses: Clause[]): string {
  const first = clauses[0];
  const last = clauses[clauses.length - 1];
  const lines = [`This ${pick(random, GENRES)} covers ${domain.title}.`];
  if (first !== undefined) lines.push(`It reports that the ${first.agent} ${first.verb} ${first.object}.`);
  if (last !== undefined && clauses.length > 1) {
    lines.push(`It closes by noting that the ${last.agent} ${last.verb} ${last.object}.`);
  }
  return lines.join(' ');
}
