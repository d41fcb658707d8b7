import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.ts';
import type { CallRecord } from '../records/call-record.ts';
import type { ClientHealthSample } from '../records/client-health.ts';
import { isJsonObject } from '../records/json-object.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import type { PlannedTest } from '../records/planned-test.ts';
import type { CheckOutcome, DurationEnd, EarlyStopInfo } from '../records/run-record.ts';
import type { RunEnvironment } from './report-inputs.ts';
import { outputFault } from './sink.ts';
import { withoutTexts } from './without-texts.ts';

/**
 * The journal: one JSON line per completed call, appended as it completes, so a run that is killed
 * still leaves every completed call on disk and `converse-bench rebuild` can make its outputs.
 *
 * Lines, each `{"type": ...}`:
 * - `environment`: versions, git and host of the measuring process (optional, first);
 * - `plan`: the tests a bench file defines, with their call counts, before the first of them runs;
 * - `model`: the ModelRunInfo, once per model key per writer, before its first call;
 * - `call`: `{ key, record }`;
 * - `checks`: `{ key, checks, clientHealth? }`, the model's budget and regression outcomes, and the
 *   measuring process's health while its calls ran (known only once they have);
 * - `early-stop`: `{ key, earlyStop }`, when the model stopped early (its skipped calls have no line);
 * - `duration-end`: `{ key, durationEnd }`, when a closed-loop duration run ended: its calls, which
 *   its model line could not count beforehand (without it, the run was cut short).
 *
 * Durability: the file is opened once in append mode and each line is one `writeSync` (~0.01 ms
 * here, JSON included). Once `write(2)` returns, the line is in the kernel's page cache and survives
 * SIGKILL of the process; only a machine crash can lose it. An fsync per line would also cover that
 * but costs ~0.2 ms on this machine, on the event loop that times other calls, so fsync runs only at
 * `close()`. A short write is continued until the line is whole; a failed one (a full disk) is cut
 * back to the line's start, so no torn line is ever followed by others, and ends journaling: the
 * writer's `failure` says why, and the calls still reach the reporter.
 */
export type JournalLine =
  | { type: 'environment'; environment: RunEnvironment }
  | { type: 'plan'; tests: PlannedTest[] }
  | { type: 'model'; model: ModelRunInfo }
  | { type: 'call'; key: string; record: CallRecord }
  | { type: 'checks'; key: string; checks: CheckOutcome[]; clientHealth?: ClientHealthSample }
  | { type: 'early-stop'; key: string; earlyStop: EarlyStopInfo }
  | { type: 'duration-end'; key: string; durationEnd: DurationEnd };

export interface JournalWriter {
  /** Never throws: a failed write is kept in `failure` and later appends are skipped. */
  append(record: CallRecord, model: ModelRunInfo): void;
  appendChecks(model: ModelRunInfo, checks: CheckOutcome[]): void;
  appendEarlyStop(model: ModelRunInfo, earlyStop: EarlyStopInfo): void;
  appendDurationEnd(model: ModelRunInfo, durationEnd: DurationEnd): void;
  appendPlan(tests: PlannedTest[]): void;
  close(): Promise<void>;
  /** Why the journal stopped taking lines (one line naming the folder and the fix), if it did. */
  readonly failure: string | undefined;
}

/** The call the journal makes that fails on a full or broken disk; tests inject faults here. */
export interface JournalFs {
  writeSync(fd: number, buffer: Buffer, offset: number): number;
}

export class JournalError extends UserError {
  override name = 'JournalError';
}

/** Opens (creating folders) a journal for appending; several writers may append to one file. */
export function openJournal(
  path: string,
  options: { environment?: RunEnvironment; fs?: JournalFs } = {},
): JournalWriter {
  const fs = options.fs ?? { writeSync };
  let fd: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a');
  } catch (cause) {
    throw new JournalError(`cannot open journal ${path}: ${outputFault(dirname(path), cause)}`, { cause });
  }
  const headed = new Set<string>();
  let failure: string | undefined;
  const write = (line: JournalLine): void => {
    if (fd === undefined) throw new JournalError(`journal ${path} is closed: open a new one to append`);
    if (failure !== undefined) return;
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
    const start = fstatSync(fd).size;
    try {
      for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done);
    } catch (cause) {
      try {
        ftruncateSync(fd, start);
      } catch {}
      failure = `journal ${path} stopped at ${start} bytes: ${outputFault(dirname(path), cause)}`;
    }
  };
  const head = (model: ModelRunInfo): void => {
    if (headed.has(model.key)) return;
    write({ type: 'model', model });
    headed.add(model.key);
  };
  if (options.environment) write({ type: 'environment', environment: options.environment });
  return {
    get failure() {
      return failure;
    },
    append(record, model) {
      head(model);
      // Texts stay out of the journal when the model runs with `redactTexts`.
      write({
        type: 'call',
        key: model.key,
        record: model.options.redactTexts ? withoutTexts(record) : record,
      });
    },
    appendChecks(model, checks) {
      head(model);
      const health = model.clientHealth === undefined ? {} : { clientHealth: model.clientHealth };
      write({ type: 'checks', key: model.key, checks, ...health });
    },
    appendPlan(tests) {
      write({ type: 'plan', tests });
    },
    appendEarlyStop(model, earlyStop) {
      head(model);
      write({ type: 'early-stop', key: model.key, earlyStop });
    },
    appendDurationEnd(model, durationEnd) {
      head(model);
      write({ type: 'duration-end', key: model.key, durationEnd });
    },
    async close() {
      if (fd === undefined) return;
      const closing = fd;
      fd = undefined;
      fsyncSync(closing);
      closeSync(closing);
    },
  };
}

export interface JournalContents {
  environment?: RunEnvironment;
  /** Models in order of first appearance. */
  models: ModelRunInfo[];
  calls: { key: string; record: CallRecord }[];
  checks: { key: string; checks: CheckOutcome[]; clientHealth?: ClientHealthSample }[];
  /** Every test the bench files planned, in order. */
  planned: PlannedTest[];
  /** The last line was cut short (the writer was killed mid-line) and was left out. */
  tornLastLine: boolean;
}

/** Checks a parsed line's shape; returns what is wrong with it, or undefined. */
function lineProblem(value: unknown, known: ReadonlySet<string>): string | undefined {
  if (!isJsonObject(value)) return 'not a JSON object';
  switch (value.type) {
    case 'environment':
      return isJsonObject(value.environment) ? undefined : 'environment line without "environment"';
    case 'plan':
      return Array.isArray(value.tests) && value.tests.every(isJsonObject)
        ? undefined
        : 'plan line without a list of tests';
    case 'model':
      return isJsonObject(value.model) && typeof value.model.key === 'string'
        ? undefined
        : 'model line without a key';
    case 'call':
    case 'checks':
    case 'early-stop':
    case 'duration-end': {
      if (typeof value.key !== 'string') return `${value.type} line without a key`;
      if (!known.has(value.key)) return `${value.type} line for model "${value.key}" before its model line`;
      if (value.type === 'call') return isJsonObject(value.record) ? undefined : 'call line without a record';
      if (value.type === 'early-stop') {
        return isJsonObject(value.earlyStop) ? undefined : 'early-stop line without "earlyStop"';
      }
      if (value.type === 'duration-end') {
        return isJsonObject(value.durationEnd) ? undefined : 'duration-end line without "durationEnd"';
      }
      return Array.isArray(value.checks) ? undefined : 'checks line without a list of checks';
    }
    default:
      return `unknown line type ${JSON.stringify(value.type)}`;
  }
}

/**
 * A journal's non-empty lines with their 1-based numbers, read a block at a time (a long run's journal
 * is never one string). Opening the file throws at once; a line is decoded only once it is whole, so a
 * character cut by a block's end is read whole.
 */
function journalLines(path: string): Generator<{ raw: string; number: number }> {
  const fd = openSync(path, 'r');
  const block = Buffer.alloc(1 << 20);
  const readBlock = (): number => {
    try {
      return readSync(fd, block);
    } catch (cause) {
      throw new JournalError(
        `cannot read journal ${path}: ${(cause as Error).message}; pass the journal-<runId>.jsonl a run wrote to its output folder`,
        { cause },
      );
    }
  };
  function* lines(): Generator<{ raw: string; number: number }> {
    try {
      let rest: Buffer = Buffer.alloc(0);
      let number = 0;
      for (let read = readBlock(); read > 0; read = readBlock()) {
        const bytes =
          rest.length === 0 ? block.subarray(0, read) : Buffer.concat([rest, block.subarray(0, read)]);
        let from = 0;
        for (let end = bytes.indexOf(0x0a, from); end !== -1; end = bytes.indexOf(0x0a, from)) {
          number++;
          if (end > from) yield { raw: bytes.toString('utf8', from, end), number };
          from = end + 1;
        }
        rest = Buffer.from(bytes.subarray(from));
      }
      if (rest.length > 0) yield { raw: rest.toString('utf8'), number: number + 1 };
    } finally {
      closeSync(fd);
    }
  }
  return lines();
}

/**
 * Reads a journal. A cut-short last line (a killed writer) is left out and flagged; any other bad line
 * is a JournalError naming the file and line.
 */
export function readJournal(path: string): JournalContents {
  let lines: Generator<{ raw: string; number: number }>;
  try {
    lines = journalLines(path);
  } catch (cause) {
    throw new JournalError(
      `cannot read journal ${path}: ${(cause as Error).message}; pass the journal-<runId>.jsonl a run wrote to its output folder`,
      { cause },
    );
  }
  const contents: JournalContents = { models: [], calls: [], checks: [], planned: [], tornLastLine: false };
  const known = new Set<string>();
  // One line behind the reader: only the last non-empty line may be torn.
  let held: { raw: string; number: number } | undefined;
  const take = ({ raw, number }: { raw: string; number: number }, last: boolean): void => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      if (last) {
        contents.tornLastLine = true;
        return;
      }
      throw new JournalError(
        `${path} line ${number}: not valid JSON; remove the line or rerun the benchmark`,
      );
    }
    const problem = lineProblem(value, known);
    if (problem !== undefined) {
      throw new JournalError(`${path} line ${number}: ${problem}; remove the line or rerun the benchmark`);
    }
    const line = value as JournalLine;
    if (line.type === 'environment') contents.environment ??= line.environment;
    else if (line.type === 'plan') contents.planned.push(...line.tests);
    else if (line.type === 'model') {
      if (!known.has(line.model.key)) contents.models.push(line.model);
      known.add(line.model.key);
    } else if (line.type === 'call') contents.calls.push({ key: line.key, record: line.record });
    else if (line.type === 'checks') {
      const health = line.clientHealth === undefined ? {} : { clientHealth: line.clientHealth };
      contents.checks.push({ key: line.key, checks: line.checks, ...health });
    } else if (line.type === 'early-stop') {
      const model = contents.models.find((m) => m.key === line.key);
      if (model) model.earlyStop = line.earlyStop;
    } else {
      const model = contents.models.find((m) => m.key === line.key);
      if (model) model.durationEnd = line.durationEnd;
    }
  };
  for (const line of lines) {
    if (held !== undefined) take(held, false);
    held = line;
  }
  if (held !== undefined) take(held, true);
  return contents;
}

/** The first bytes of every call line: the writer serializes `type` first. */
const CALL_LINE_START = Buffer.from('{"type":"call",');

/**
 * How many whole call lines a journal holds, read a block at a time, so counting a long run's
 * journal never holds it in memory (readJournal parses every line; this only counts them).
 */
export function countJournalCalls(path: string): number {
  const size = CALL_LINE_START.length;
  const fd = openSync(path, 'r');
  try {
    const block = Buffer.alloc(1 << 20);
    let calls = 0;
    // The first bytes of the line being read (up to `size`): a line can start in an earlier block.
    let head = Buffer.alloc(0);
    const take = (from: number, to: number): void => {
      if (head.length < size)
        head = Buffer.concat([head, block.subarray(from, Math.min(to, from + size - head.length))]);
    };
    for (let read = readSync(fd, block); read > 0; read = readSync(fd, block)) {
      let from = 0;
      for (let end = block.indexOf(0x0a, from); end !== -1 && end < read; end = block.indexOf(0x0a, from)) {
        take(from, end);
        if (head.equals(CALL_LINE_START)) calls++;
        head = Buffer.alloc(0);
        from = end + 1;
      }
      take(from, read);
    }
    return calls;
  } finally {
    closeSync(fd);
  }
}

/**
 * The whole lines appended to a journal since byte `offset`, for watching a run from another process;
 * a line still being written is left for the next read, a line that does not parse is skipped (the
 * reader only shows progress; `readJournal` is the one that judges). No file yet: nothing.
 */
export function readJournalTail(path: string, offset: number): { lines: JournalLine[]; offset: number } {
  if (!existsSync(path)) return { lines: [], offset };
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { lines: [], offset };
    const buffer = Buffer.alloc(size - offset);
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    const end = buffer.subarray(0, read).lastIndexOf(0x0a);
    if (end === -1) return { lines: [], offset };
    const lines: JournalLine[] = [];
    for (const raw of buffer.subarray(0, end).toString('utf8').split('\n')) {
      try {
        if (raw !== '') lines.push(JSON.parse(raw) as JournalLine);
      } catch {
        // Left to readJournal, which names the line.
      }
    }
    return { lines, offset: offset + end + 1 };
  } finally {
    closeSync(fd);
  }
}
