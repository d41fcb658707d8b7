import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OkCall } from '../src/records/call-record.ts';
import { countJournalCalls, JournalError, openJournal, readJournal } from '../src/report/journal.ts';
import {
  CANDIDATE_ID,
  ENVIRONMENT,
  errorCall,
  modelInfo,
  okCall,
  SOURCE_ID,
  streamedCall,
} from './fixtures/report-records.ts';

const dir = mkdtempSync(join(tmpdir(), 'journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = modelInfo(SOURCE_ID, 'converse', { role: 'source' });
const candidate = modelInfo(CANDIDATE_ID, 'converse-stream');

describe('journal', () => {
  it('writes the environment, each model once before its calls, then calls and checks as they come', async () => {
    const path = join(dir, 'nested', 'journal-run-1.jsonl');
    const journal = openJournal(path, { environment: ENVIRONMENT });
    journal.append(okCall(), source);
    journal.append(streamedCall(), candidate);
    journal.append(errorCall({ partialText: 'half' }), source);
    journal.appendChecks(source, [{ name: 'budget p90 latencyMs', status: 'pass', line: 'ok' }]);
    await journal.close();
    await journal.close();
    const types = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types).toEqual(['environment', 'model', 'call', 'model', 'call', 'call', 'checks']);
    expect(readJournal(path)).toEqual({
      environment: ENVIRONMENT,
      models: [source, candidate],
      calls: [
        { key: source.key, record: okCall() },
        { key: candidate.key, record: streamedCall() },
        { key: source.key, record: errorCall({ partialText: 'half' }) },
      ],
      checks: [{ key: source.key, checks: [{ name: 'budget p90 latencyMs', status: 'pass', line: 'ok' }] }],
      planned: [],
      tornLastLine: false,
    });
    expect(() => journal.append(okCall(), source)).toThrow(JournalError);
  });

  it('keeps texts out for a model run with redactTexts', async () => {
    const path = join(dir, 'redacted.jsonl');
    const model = modelInfo(SOURCE_ID, 'converse', {}, { redactTexts: true });
    const journal = openJournal(path);
    journal.append(okCall({ text: 'secret answer' }), model);
    journal.append(errorCall({ partialText: 'secret part' }), model);
    await journal.close();
    expect(readFileSync(path, 'utf8')).not.toContain('secret');
    const [ok, failed] = readJournal(path).calls;
    expect(ok?.record).toEqual(okCall({ text: '' }));
    expect(failed?.record).toEqual(errorCall());
  });

  it('leaves out a torn last line and says so', async () => {
    const path = join(dir, 'torn.jsonl');
    const journal = openJournal(path);
    journal.append(okCall(), source);
    journal.append(okCall({ invocation: 1 }), source);
    await journal.close();
    appendFileSync(path, '{"type":"call","key":"anthropic.claude');
    const contents = readJournal(path);
    expect(contents.tornLastLine).toBe(true);
    expect(contents.calls.map(({ record }) => record.invocation)).toEqual([0, 1]);
  });

  it('names the file and line of any other corrupt line', async () => {
    const path = join(dir, 'corrupt.jsonl');
    const journal = openJournal(path);
    journal.append(okCall(), source);
    await journal.close();
    appendFileSync(path, 'not json\n');
    appendFileSync(path, `${JSON.stringify({ type: 'call', key: source.key, record: okCall() })}\n`);
    expect(() => readJournal(path)).toThrow(JournalError);
    expect(() => readJournal(path)).toThrow(
      `${path} line 3: not valid JSON; remove the line or rerun the benchmark`,
    );
  });

  it('refuses a call of a model it has not seen, and unknown line types', () => {
    const orphan = join(dir, 'orphan.jsonl');
    writeFileSync(
      orphan,
      `${JSON.stringify({ type: 'call', key: 'm|converse|standard', record: okCall() })}\n`,
    );
    expect(() => readJournal(orphan)).toThrow(
      `${orphan} line 1: call line for model "m|converse|standard" before its model line`,
    );
    const odd = join(dir, 'odd.jsonl');
    writeFileSync(odd, '{"type":"gossip"}\n\n');
    expect(() => readJournal(odd)).toThrow(`${odd} line 1: unknown line type "gossip"`);
    expect(() => readJournal(join(dir, 'absent.jsonl'))).toThrow(
      /^cannot read journal .*absent\.jsonl: ENOENT/,
    );
  });

  it('keeps every completed line when the writer is killed with SIGKILL', () => {
    const path = join(dir, 'killed.jsonl');
    const script = `
      import { openJournal } from ${JSON.stringify(resolve('src/report/journal.ts'))};
      import { modelInfo, okCall } from ${JSON.stringify(resolve('test/fixtures/report-records.ts'))};
      const journal = openJournal(${JSON.stringify(path)});
      const model = modelInfo('m', 'converse');
      for (let i = 0; i < 200; i++) journal.append(okCall({ modelId: 'm', invocation: i }), model);
      process.kill(process.pid, 'SIGKILL');
    `;
    const scriptPath = join(dir, 'killed-writer.ts');
    writeFileSync(scriptPath, script);
    expect(() => execFileSync(process.execPath, [scriptPath], { stdio: 'pipe' })).toThrow();
    const contents = readJournal(path);
    expect(contents.calls).toHaveLength(200);
    expect(contents.calls.at(-1)?.record.invocation).toBe(199);
  });
});

describe('a long journal', () => {
  it('reads and counts a long journal a block at a time: lines and characters cut by a block end are read whole', async () => {
    const path = join(dir, 'journal-count.jsonl');
    const journal = openJournal(path, { environment: ENVIRONMENT });
    // About 3 MB: lines, and multi-byte characters, that start in one 1 MiB block and end in the next.
    const texts = Array.from({ length: 3000 }, (_, i) => 'é🙂x'.repeat(i % 300));
    for (const [i, text] of texts.entries()) journal.append(okCall({ text }), i % 2 ? source : candidate);
    journal.appendChecks(source, [{ name: 'budget p90 latencyMs', status: 'pass', line: 'ok' }]);
    await journal.close();
    const read = readJournal(path);
    expect(read.calls.map((call) => (call.record as OkCall).text)).toEqual(texts);
    expect(read.checks).toHaveLength(1);
    expect(countJournalCalls(path)).toBe(3000);
    appendFileSync(path, '{"type":"call","key":"cut sh');
    expect(countJournalCalls(path)).toBe(3000);
    expect(readJournal(path)).toMatchObject({ tornLastLine: true, calls: { length: 3000 } });
  });
});

describe('journal writes are checked', () => {
  it('continues a short write until the line is whole', async () => {
    const path = join(dir, 'short-writes.jsonl');
    // The kernel may take fewer bytes than asked (a signal, a pipe, a nearly full disk): 7 at a time.
    const journal = openJournal(path, {
      fs: {
        writeSync: (fd, buffer, offset) => writeSync(fd, buffer, offset, Math.min(7, buffer.length - offset)),
      },
    });
    journal.append(okCall(), source);
    journal.append(errorCall(), source);
    await journal.close();
    expect(journal.failure).toBeUndefined();
    expect(readJournal(path).calls).toEqual([
      { key: source.key, record: okCall() },
      { key: source.key, record: errorCall() },
    ]);
  });

  it('a full disk: the cut line is taken back, journaling stops with one line, the file stays readable', async () => {
    const path = join(dir, 'full-disk.jsonl');
    // Room for the model line, two calls and 10 bytes of a third.
    const reference = join(dir, 'reference.jsonl');
    const whole = openJournal(reference);
    for (let i = 0; i < 2; i++) whole.append(okCall({ document: i }), source);
    await whole.close();
    let budget = readFileSync(reference).length + 10;
    // Writes up to `budget` bytes in all, then fails as a full disk does.
    const fullAfter = (fd: number, buffer: Buffer, offset: number): number => {
      if (budget === 0) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      const n = writeSync(fd, buffer, offset, Math.min(budget, buffer.length - offset));
      budget -= n;
      return n;
    };
    const journal = openJournal(path, { fs: { writeSync: fullAfter } });
    for (let i = 0; i < 5; i++) journal.append(okCall({ document: i }), source);
    await journal.close();
    const kept = readJournal(path);
    expect(kept.tornLastLine).toBe(false);
    expect(kept.calls.map((call) => call.record.document)).toEqual([0, 1]);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
    expect(journal.failure).toBe(
      `journal ${path} stopped at ${readFileSync(path).length} bytes: cannot write to output folder ${dir} (ENOSPC); the disk is full: free some space, or pass --output-dir (CONVERSE_BENCH_OUTPUT_DIR) a folder on another disk`,
    );
  });

  it('a journal that cannot be opened: one line naming the folder and the fix', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => openJournal(join(file, 'journal-1.jsonl'))).toThrow(
      `cannot open journal ${join(file, 'journal-1.jsonl')}: cannot write to output folder ${file} (EEXIST); it or a folder above it is a file: pass --output-dir (CONVERSE_BENCH_OUTPUT_DIR) a folder`,
    );
  });
});
