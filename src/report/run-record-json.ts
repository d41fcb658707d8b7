import type { RunRecord } from '../records/run-record.ts';

/** Calls per chunk of the run record's text (small, as the CSV's: see CSV_CHUNK_ROWS). */
const CHUNK_CALLS = 100;

/**
 * The run record file's text, `JSON.stringify(run, null, 2)` and a newline, in chunks: every model's
 * calls are serialized a batch at a time into the text around them, so a run of 100,000 calls is
 * never one string. The concatenation is byte for byte the one-shot text.
 */
export function* runRecordChunks(run: RunRecord): Generator<string> {
  const marks = run.models.map((_, i) => `\u0000converse-bench-calls-${i}\u0000`);
  const shell = { ...run, models: run.models.map((model, i) => ({ ...model, calls: marks[i] })) };
  let text = `${JSON.stringify(shell, null, 2)}\n`;
  for (const [i, model] of run.models.entries()) {
    const mark = JSON.stringify(marks[i]);
    const at = text.indexOf(mark);
    const lineStart = text.lastIndexOf('\n', at) + 1;
    // The `"calls": ` property's own indentation; its elements go one level (2 spaces) deeper.
    const indent = /^ */.exec(text.slice(lineStart))?.[0] ?? '';
    yield text.slice(0, at);
    yield* callsArray(model.calls, indent);
    text = text.slice(at + mark.length);
  }
  yield text;
}

function* callsArray(calls: readonly unknown[], indent: string): Generator<string> {
  if (calls.length === 0) {
    yield '[]';
    return;
  }
  const inner = `${indent}  `;
  for (let i = 0; i < calls.length; i += CHUNK_CALLS) {
    const batch = calls
      .slice(i, i + CHUNK_CALLS)
      .map((call) => inner + JSON.stringify(call, null, 2).replaceAll('\n', `\n${inner}`))
      .join(',\n');
    yield `${i === 0 ? '[\n' : ',\n'}${batch}`;
  }
  yield `\n${indent}]`;
}
