/**
 * With `redactTexts`, a call's own texts (its prompt: the template with the document) stay out of
 * its error message too, when a server echoes the request body back: whole, cut short, JSON-escaped
 * or reflowed. The rule: no run of RUN_WORDS words in a row of the call's texts survives; each
 * such run, and whatever joins runs that touch, becomes `[redacted text]`. Words are runs of letters
 * and digits compared in lower case; JSON escapes (`\n`, `\"`, `\u00e9`) separate words.
 */

/** Three words in a row: short enough to catch a sentence cut anywhere, long enough to spare "the model". */
const RUN_WORDS = 3;

/** The word runs of a call's texts, built once per text and shared by every call of it. */
export interface TextIndex {
  readonly runs: ReadonlySet<string>;
  /** Words in a run: RUN_WORDS, or fewer for a text that short. */
  readonly length: number;
}

const WORD = /\\(?:u[0-9a-fA-F]{4}|.)|([\p{L}\p{N}]+)/gu;

interface Word {
  text: string;
  start: number;
  end: number;
}

function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[1];
    if (word !== undefined)
      words.push({ text: word.toLowerCase(), start: match.index, end: match.index + word.length });
  }
  return words;
}

export function indexTexts(texts: readonly string[]): TextIndex {
  const all = texts.map(wordsOf);
  const shortest = Math.min(...all.map((words) => words.length).filter((n) => n > 0));
  const length = Number.isFinite(shortest) ? Math.min(RUN_WORDS, shortest) : RUN_WORDS;
  const runs = new Set<string>();
  for (const words of all) {
    for (let i = 0; i + length <= words.length; i++) {
      runs.add(
        words
          .slice(i, i + length)
          .map((w) => w.text)
          .join(' '),
      );
    }
  }
  return { runs, length };
}

/** `message` with every run of words it shares with the indexed texts cut out. */
export function cutTexts(message: string, index: TextIndex): string {
  const words = wordsOf(message);
  const covered = new Array<boolean>(words.length).fill(false);
  for (let i = 0; i + index.length <= words.length; i++) {
    const run = words
      .slice(i, i + index.length)
      .map((w) => w.text)
      .join(' ');
    if (index.runs.has(run)) covered.fill(true, i, i + index.length);
  }
  let out = '';
  let at = 0;
  for (let i = 0; i < words.length; i++) {
    if (!covered[i] || covered[i - 1]) continue;
    let last = i;
    while (covered[last + 1]) last++;
    out += `${message.slice(at, (words[i] as Word).start)}[redacted text]`;
    at = (words[last] as Word).end;
  }
  return out + message.slice(at);
}
