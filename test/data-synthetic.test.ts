import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { synthCommand } from '../src/cli/synth.ts';
import { loadDataset } from '../src/data/dataset.ts';
import { writeDatasetCsv } from '../src/data/dataset-csv.ts';
import { SyntheticOptionsError } from '../src/data/errors.ts';
import { generateDataset } from '../src/data/synthetic.ts';

const tmp = mkdtempSync(join(tmpdir(), 'converse-bench-synth-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('generateDataset', () => {
  test('same seed, same bytes; another seed, other documents', () => {
    const a = writeDatasetCsv(generateDataset({ seed: 42, count: 5, words: [50, 400] }));
    const b = writeDatasetCsv(generateDataset({ seed: 42, count: 5, words: [50, 400] }));
    const c = writeDatasetCsv(generateDataset({ seed: 43, count: 5, words: [50, 400] }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  test('a fixed word count is exact for every document', () => {
    for (const target of [4, 5, 9, 16, 17, 20, 21, 150, 1000]) {
      const rows = generateDataset({ seed: target, count: 20, words: target });
      expect(rows.map((r) => words(r.document))).toEqual(Array(20).fill(target));
    }
  });

  test('a word range is respected and used', () => {
    const counts = generateDataset({ seed: 7, count: 200, words: [200, 2000] }).map((r) => words(r.document));
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...counts)).toBeLessThanOrEqual(2000);
    expect(new Set(counts).size).toBeGreaterThan(150);
  });

  test('English-looking prose: capitalized sentences, paragraphs, and a 2-3 sentence summary', () => {
    const [row] = generateDataset({ seed: 1, count: 1, words: 300 });
    expect(row).toBeDefined();
    const { document, referenceResponse } = row as { document: string; referenceResponse: string };
    expect(document).toMatch(/^[A-Z]/);
    expect(document.endsWith('.')).toBe(true);
    expect(document.split('\n\n').length).toBeGreaterThan(1);
    for (const sentence of document.split(/(?<=\.)\s+/)) expect(sentence).toMatch(/^[A-Z][a-z-]*,? .*\.$/);
    expect(referenceResponse).toMatch(/^This [a-z]+ covers .+\. It reports that the .+\./);
    expect(referenceResponse.split(/(?<=\.)\s+/).length).toBe(3);
  });

  test('bad options name the option', () => {
    expect(() => generateDataset({ seed: -1, count: 1, words: 10 })).toThrow(
      new SyntheticOptionsError('seed', '-1 is not an integer from 0 to 4294967295'),
    );
    expect(() => generateDataset({ seed: 1, count: 0, words: 10 })).toThrow(
      'count: 0 is not an integer from 1 to 10000',
    );
    expect(() => generateDataset({ seed: 1, count: 1, words: 3 })).toThrow(
      'words: 3 is not an integer from 4 to 25000',
    );
    expect(() => generateDataset({ seed: 1, count: 1, words: [10, 5] })).toThrow(
      'words: range 10-5 has its minimum above its maximum',
    );
  });
});

describe('writeDatasetCsv', () => {
  test('round-trips through loadDataset, quoting commas, quotes and newlines', () => {
    const rows = [
      { document: 'Plain text, with a comma.', referenceResponse: 'He said "fine".' },
      { document: 'Two\nlines', referenceResponse: 'Ok' },
    ];
    const csv = writeDatasetCsv(rows);
    expect(csv).toBe(
      'document,referenceResponse\n"Plain text, with a comma.","He said ""fine""."\n"Two\nlines",Ok\n',
    );
    const path = join(tmp, 'round-trip.csv');
    writeFileSync(path, csv);
    const loaded = loadDataset(path).documents;
    expect(loaded.map(({ document, referenceResponse }) => ({ document, referenceResponse }))).toEqual(rows);
  });

  test('guards spreadsheet formulas', () => {
    expect(writeDatasetCsv([{ document: '=HYPERLINK("x")', referenceResponse: '+1' }])).toBe(
      'document,referenceResponse\n"\'=HYPERLINK(""x"")",\'+1\n',
    );
  });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) },
    out,
    err,
  };
}

describe('synthCommand', () => {
  test('prints the CSV to stdout; same flags, same bytes', async () => {
    const first = capture();
    const second = capture();
    expect(await synthCommand(['--seed', '3', '--count', '4', '--words', '30-60'], first.io)).toBe(0);
    expect(await synthCommand(['--seed=3', '--count=4', '--words=30-60'], second.io)).toBe(0);
    expect(first.out.join('')).toBe(second.out.join(''));
    expect(first.err).toEqual([]);
    expect(first.out.join('')).toBe(writeDatasetCsv(generateDataset({ seed: 3, count: 4, words: [30, 60] })));
  });

  test('--out writes a file that loadDataset accepts, creating folders', async () => {
    const { io, out, err } = capture();
    const path = join(tmp, 'nested', 'synthetic.csv');
    expect(await synthCommand(['--count', '3', '--words', '500', '--out', path], io)).toBe(0);
    expect(out).toEqual([]);
    expect(err).toEqual([`converse-bench synth: wrote 3 documents to ${path}\n`]);
    const dataset = loadDataset(path);
    expect(dataset.documents.map((d) => words(d.document))).toEqual([500, 500, 500]);
    expect(readFileSync(path, 'utf8')).toBe(
      writeDatasetCsv(generateDataset({ seed: 1, count: 3, words: 500 })),
    );
  });

  test('defaults: seed 1, ten documents of 150 to 1,500 words', async () => {
    const { io, out } = capture();
    expect(await synthCommand([], io)).toBe(0);
    expect(out.join('')).toBe(writeDatasetCsv(generateDataset({ seed: 1, count: 10, words: [150, 1500] })));
  });

  test('--help prints usage to stdout', async () => {
    const { io, out } = capture();
    expect(await synthCommand(['--help'], io)).toBe(0);
    expect(out.join('')).toMatch(/^usage: converse-bench synth /);
  });

  test.each([
    [['--bogus'], 'unknown flag --bogus; run converse-bench synth --help for the flags'],
    [['--count'], '--count needs a value, e.g. --count 10; run converse-bench synth --help'],
    [['--count', 'ten'], '--count "ten" is not a whole number; write e.g. --count 10'],
    [['--seed', '-5'], '--seed needs a value, e.g. --seed 10; run converse-bench synth --help'],
    [
      ['--words', '200..2000'],
      '--words "200..2000" is not a number or range; write e.g. --words 500 or --words 200-2000',
    ],
    [['--words', '3'], '--words: 3 is not an integer from 4 to 25000'],
    [['--words', '900-100'], '--words: range 900-100 has its minimum above its maximum'],
    [['--count', '0'], '--count: 0 is not an integer from 1 to 10000'],
    [['--out', ''], '--out is empty; give a file path, e.g. --out data/synthetic.csv'],
    [['extra'], 'unexpected argument extra; every value goes after its flag, e.g. --count 10'],
  ])('%j: one line on stderr, exit code 2', async (args, message) => {
    const { io, out, err } = capture();
    expect(await synthCommand(args, io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([`converse-bench synth: ${message}\n`]);
  });
});
