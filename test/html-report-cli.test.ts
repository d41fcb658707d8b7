import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reportCommand, runRecordPaths } from '../src/cli/report.ts';
import { fixturePath } from './fixtures/run-records/load.ts';

const FIXTURES = new URL('fixtures/run-records/', import.meta.url).pathname.replace(/\/$/, '');

describe('converse-bench report', () => {
  let dir: string;
  let stdout: string[];
  let stderr: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'converse-bench-report-'));
    stdout = [];
    stderr = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one HTML file from two run records and prints its path', async () => {
    const out = join(dir, 'nested', 'report.html');
    const code = await reportCommand([
      fixturePath('run-main'),
      fixturePath('run-branch'),
      '--out',
      out,
      '--title',
      'A/B',
    ]);
    expect(code).toBe(0);
    expect(stderr).toEqual([]);
    expect(stdout).toEqual([`${out}\n`]);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>A/B</title>');
    expect(html).toContain('Comparison of 2 runs, 5 models in 6 series');
    expect(html).toContain('echarts');
  });

  it('expands a folder to its run-*.json files in name order', () => {
    expect(runRecordPaths([FIXTURES])).toEqual([
      join(FIXTURES, 'run-branch.json'),
      join(FIXTURES, 'run-main.json'),
      join(FIXTURES, 'run-many-models.json'),
      join(FIXTURES, 'run-stream-only.json'),
    ]);
  });

  it('prints its usage with --help', async () => {
    expect(await reportCommand(['--help'])).toBe(0);
    expect(stdout.join('')).toMatch(/^usage: converse-bench report/);
  });

  it.each([
    [[], 'report: no run record given; pass outputs/run-<timestamp>.json or a folder of them'],
    [['--out'], 'report: --out needs a value, e.g. --out outputs/report.html'],
    [['--bogus', 'x.json'], 'report: unknown option --bogus; see converse-bench report --help'],
    [['missing.json'], 'report: missing.json does not exist; pass a run record file or a folder of them'],
  ])('refuses %j with one line and exit code 2', async (args, message) => {
    expect(await reportCommand(args)).toBe(2);
    expect(stderr).toEqual([`converse-bench: ${message}\n`]);
    expect(stdout).toEqual([]);
  });

  it('names a file that is not a run record, and the fix', async () => {
    const bad = join(dir, 'run-bad.json');
    writeFileSync(bad, '{"schema":"converse-bench/run-record@0"}');
    expect(await reportCommand([bad, '--out', join(dir, 'r.html')])).toBe(2);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(
      new RegExp(`^converse-bench: ${bad}: schema converse-bench/run-record@0, expected`),
    );
  });

  it('names a folder without run records', async () => {
    expect(await reportCommand([dir])).toBe(2);
    expect(stderr).toEqual([
      `converse-bench: report: folder ${dir} holds no run-*.json; pass run record files by name\n`,
    ]);
  });
});
