import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputWriteError, type SinkFs, writeOutputs } from '../src/report/sink.ts';

const root = mkdtempSync(join(tmpdir(), 'report-sink-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const folder = (name: string): string => join(root, name);

const NODE: SinkFs = {
  mkdirSync: fs.mkdirSync,
  writeFileSync: fs.writeFileSync,
  linkSync: fs.linkSync,
  copyFileSync: fs.copyFileSync,
  rmSync: fs.rmSync,
};

/** A file system whose `call` fails with `code` (after writing half of the text, for writeFileSync). */
function failing(call: keyof SinkFs, code: string): SinkFs {
  const fault = (): never => {
    throw Object.assign(new Error(`${code}: injected`), { code });
  };
  if (call !== 'writeFileSync') return { ...NODE, [call]: fault };
  return {
    ...NODE,
    writeFileSync: ((path: string, content: string) => {
      fs.writeFileSync(path, content.slice(0, content.length / 2));
      fault();
    }) as SinkFs['writeFileSync'],
  };
}

describe('writeOutputs never overwrites', () => {
  it('a second run with the same names gets a suffix, and the first keeps its files', () => {
    const dir = folder('same-second');
    const first = writeOutputs(dir, [{ name: 'run-20261201-100000.json', content: 'first' }]);
    const second = writeOutputs(dir, [{ name: 'run-20261201-100000.json', content: 'second' }]);
    const third = writeOutputs(dir, [{ name: 'run-20261201-100000.json', content: 'third' }]);
    expect([first, second, third].map((paths) => paths.map((p) => p.slice(dir.length + 1)))).toEqual([
      ['run-20261201-100000.json'],
      ['run-20261201-100000-2.json'],
      ['run-20261201-100000-3.json'],
    ]);
    expect(readFileSync(join(dir, 'run-20261201-100000.json'), 'utf8')).toBe('first');
    expect(readFileSync(join(dir, 'run-20261201-100000-2.json'), 'utf8')).toBe('second');
    expect(readdirSync(dir).sort()).toEqual([
      'run-20261201-100000-2.json',
      'run-20261201-100000-3.json',
      'run-20261201-100000.json',
    ]);
  });
});

describe('output folder faults: one line naming the folder and the fix, no debris', () => {
  const files = [
    { name: 'a.csv', content: 'x'.repeat(1000) },
    { name: 'b.log', content: 'y'.repeat(1000) },
  ];

  it('a file given as the output folder', () => {
    const path = folder('a-file');
    writeFileSync(path, 'not a folder');
    expect(() => writeOutputs(path, files)).toThrow(
      new OutputWriteError(
        `cannot write to output folder ${path} (EEXIST); it or a folder above it is a file: pass --output-dir (CONVERSE_BENCH_OUTPUT_DIR) a folder`,
      ),
    );
  });

  it('a read-only folder', () => {
    const dir = folder('read-only');
    expect(() => writeOutputs(dir, files, failing('mkdirSync', 'EROFS'))).toThrow(
      `cannot write to output folder ${dir} (EROFS); it is not writable: pass --output-dir (CONVERSE_BENCH_OUTPUT_DIR) a writable folder`,
    );
  });

  it('a full disk: the half-written temporary file is removed', () => {
    const dir = folder('full');
    fs.mkdirSync(dir);
    expect(() => writeOutputs(dir, files, failing('writeFileSync', 'ENOSPC'))).toThrow(
      `cannot write to output folder ${dir} (ENOSPC); the disk is full: free some space, or pass --output-dir (CONVERSE_BENCH_OUTPUT_DIR) a folder on another disk`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a file system without hard links: an exclusive copy, still never over a taken name', () => {
    const dir = folder('no-links');
    const noLinks = failing('linkSync', 'EPERM');
    writeOutputs(dir, [{ name: 'a.csv', content: 'one' }], noLinks);
    writeOutputs(dir, [{ name: 'a.csv', content: 'two' }], noLinks);
    expect(readdirSync(dir).sort()).toEqual(['a-2.csv', 'a.csv']);
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('one');
  });

  it('a failure while publishing leaves no temporary file either', () => {
    const dir = folder('publish');
    expect(() => writeOutputs(dir, files, failing('linkSync', 'EIO'))).toThrow(OutputWriteError);
    expect(readdirSync(dir)).toEqual([]);
  });
});
