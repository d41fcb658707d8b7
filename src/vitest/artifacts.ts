import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { TestArtifactBase } from 'vitest';
import type { CallRecord } from '../records/call-record.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import type { CheckOutcome } from '../records/run-record.ts';
import type { CallTexts } from '../report/report-inputs.ts';
import { withoutTexts } from '../report/without-texts.ts';

/**
 * What a bench test (in a Vitest worker) hands the reporter (in the main process). Sent with
 * `recordArtifact(task, ...)`, which survives `vitest --merge-reports`; the reporter joins them by
 * `model.key` in `onTestRunEnd`. Calls go after they were made, in batches: an awaited
 * `recordArtifact` costs ~0.4 ms on the event loop that times other calls. Vitest keeps every
 * artifact in its main process for the whole run, and a shard's blob report holds them too, so each
 * batch travels packed: its records as JSON lines, deflated, in base64, about a ninth of the JSON
 * (100,000 calls: ~8 MB instead of ~70 MB, or ~150 MB with texts).
 * A batch's texts are packed apart from its records (PackedCalls), and left out when the model keeps
 * them out of its outputs (`redactTexts`), as the journal leaves them out.
 */

export interface CallsArtifact extends TestArtifactBase, PackedCalls {
  type: 'converse-bench:calls';
  model: ModelRunInfo;
}

/** A batch of records, packed: each text is JSON lines, raw-deflated, in base64. */
export interface PackedCalls {
  /** The CallRecords without their texts (withoutTexts), one JSON line each. */
  packed: string;
  /**
   * Their texts, one JSON line per record in the same order (`text` and `reasoningText`, or
   * `partialText`): absent when the model keeps texts out (`redactTexts`). Apart, so the reporter
   * reads the records without parsing a response, and a response without parsing its record.
   */
  texts?: string;
}

type Texts = Partial<{ text: string; reasoningText: string; partialText: string }>;

function textsOf(record: CallRecord): Texts {
  if (record.status === 'error')
    return record.partialText === undefined ? {} : { partialText: record.partialText };
  return record.reasoningText === undefined
    ? { text: record.text }
    : { text: record.text, reasoningText: record.reasoningText };
}

function pack(lines: string[]): string {
  return deflateRawSync(lines.join('\n')).toString('base64');
}

function unpack<T>(packed: string): T[] {
  const lines = inflateRawSync(Buffer.from(packed, 'base64')).toString('utf8');
  return lines === '' ? [] : lines.split('\n').map((line) => JSON.parse(line) as T);
}

/** A batch of records as an artifact's `packed` and `texts`. */
export function packCalls(records: readonly CallRecord[], options: { redactTexts: boolean }): PackedCalls {
  const packed = pack(records.map((record) => JSON.stringify(withoutTexts(record))));
  if (options.redactTexts) return { packed };
  return { packed, texts: pack(records.map((record) => JSON.stringify(textsOf(record)))) };
}

/** The records of a packed batch, without their texts. */
export function unpackRecords(packed: string): CallRecord[] {
  return unpack<CallRecord>(packed);
}

/** The records of a packed batch, with their texts when it has them. */
export function unpackCalls({ packed, texts }: PackedCalls): CallRecord[] {
  const records = unpackRecords(packed);
  if (texts === undefined) return records;
  const recordTexts = unpack<Texts>(texts);
  return records.map((record, i) => ({ ...record, ...recordTexts[i] }) as CallRecord);
}

/**
 * A model's responses, left in their packed batches: the reporter holds its records without texts and
 * the CSV, written in record order, unpacks one batch at a time for them (the batch last read is kept).
 */
export class PackedTexts implements CallTexts {
  readonly #batches: { start: number; packed: string }[] = [];
  #count = 0;
  #open: { start: number; responses: (string | undefined)[] } | undefined;

  /** The `texts` of the next batch of the model's records, `count` of them. */
  add(texts: string, count: number): void {
    this.#batches.push({ start: this.#count, packed: texts });
    this.#count += count;
  }

  responseOf(index: number): string | undefined {
    const open = this.#open;
    if (open !== undefined && index >= open.start && index < open.start + open.responses.length) {
      return open.responses[index - open.start];
    }
    const batch = this.#batchOf(index);
    if (batch === undefined) return undefined;
    const responses = unpack<Texts>(batch.packed).map((texts) => texts.text ?? texts.partialText);
    this.#open = { start: batch.start, responses };
    return responses[index - batch.start];
  }

  /** The last batch starting at or before `index`. */
  #batchOf(index: number): { start: number; packed: string } | undefined {
    let low = 0;
    let high = this.#batches.length - 1;
    let found: { start: number; packed: string } | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const batch = this.#batches[middle] as { start: number; packed: string };
      if (batch.start <= index) {
        found = batch;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }
}

export interface ChecksArtifact extends TestArtifactBase {
  type: 'converse-bench:checks';
  model: ModelRunInfo;
  checks: CheckOutcome[];
}

declare module 'vitest' {
  interface TestArtifactRegistry {
    'converse-bench:calls': CallsArtifact;
    'converse-bench:checks': ChecksArtifact;
  }
}
