/**
 * A deterministic extractive summarizer, so the emulator answers with text of realistic length and
 * content: it scores each sentence of the document by the frequency of its content words and returns the
 * best ones in document order. Same input, same summary.
 */

const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have ' +
    'having he her here hers herself him himself his how i if in into is it its itself just me more most my ' +
    'myself no nor not now of off on once only or other our ours ourselves out over own same she should so ' +
    'some such than that the their theirs them themselves then there these they this those through to too ' +
    'under until up very was we were what when where which while who whom why will with would you your ' +
    'yours yourself yourselves said says one two new may might must shall us its'
  ).split(' '),
);

const TAGGED_SECTION = /<([A-Za-z_][\w-]*)>([\s\S]*?)<\/\1>/g;
/** A sentence ends at . ! or ? (plus closing quotes) before whitespace and a capital, digit or quote: not at 7.2 or e.g. */
const SENTENCE_BREAK = /(?<=[.!?]["'”’)\]]*)\s+(?=[\p{Lu}\p{N}"“'‘([])/u;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/**
 * The document inside a prompt: the longest `<tag>...</tag>` section when the prompt wraps it in tags
 * (as templates with a `{context}` placeholder usually do), otherwise the whole text.
 */
export function extractDocument(prompt: string): string {
  let best: string | undefined;
  for (const match of prompt.matchAll(TAGGED_SECTION)) {
    const inner = match[2] ?? '';
    if (best === undefined || inner.trim().length > best.length) best = inner.trim();
  }
  return best !== undefined && best.length > 0 ? best : prompt;
}

function contentWords(sentence: string): string[] {
  return (sentence.toLowerCase().match(WORD) ?? []).filter((w) => !STOP_WORDS.has(w) && w.length > 1);
}

/** How many sentences a summary of an n-sentence document keeps: about one in eight, 2 to 6. */
export function summaryLength(sentences: number): number {
  return Math.min(sentences, Math.max(2, Math.min(6, Math.ceil(sentences / 8))));
}

export function summarize(prompt: string): string {
  const text = extractDocument(prompt).replace(/\s+/g, ' ').trim();
  const sentences = text
    .split(SENTENCE_BREAK)
    .map((s) => s.trim())
    .filter((s) => s.split(' ').length >= 3);
  if (sentences.length === 0) return text.split(' ').slice(0, 60).join(' ');

  const frequency = new Map<string, number>();
  for (const sentence of sentences) {
    for (const word of contentWords(sentence)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  }
  const top = Math.max(1, ...frequency.values());
  const scored = sentences.map((sentence, index) => {
    const words = [...new Set(contentWords(sentence))];
    const sum = words.reduce((acc, w) => acc + (frequency.get(w) ?? 0) / top, 0);
    // Square root of length: favours informative sentences without always picking the longest.
    return { index, score: words.length === 0 ? 0 : sum / Math.sqrt(words.length) };
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  const keep = scored
    .slice(0, summaryLength(sentences.length))
    .map((s) => s.index)
    .sort((a, b) => a - b);
  return keep.map((i) => sentences[i]).join(' ');
}
