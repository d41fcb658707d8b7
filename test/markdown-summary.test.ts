import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { compareCommand } from '../src/cli/compare.ts';
import { markdownCell } from '../src/format/markdown.ts';
import type { RunRecord } from '../src/records/run-record.ts';
import { renderAnnotations, renderRunMarkdown } from '../src/report/markdown-summary.ts';
import { fixturePath, hostileFixture, loadFixture } from './fixtures/run-records/load.ts';

describe('markdownCell', () => {
  test('escapes what would end a cell or start markup; newlines become spaces', () => {
    expect(markdownCell('a|b`c`*d*_e_<f>[g]\\h')).toBe('a\\|b\\`c\\`\\*d\\*\\_e\\_\\<f\\>\\[g\\]\\\\h');
    expect(markdownCell('one\r\ntwo\nthree')).toBe('one two three');
  });
});

describe('renderRunMarkdown', () => {
  test('a model id with | and backticks stays inside its cell', () => {
    const run = hostileFixture('evil|`id`', 'x');
    const row = renderRunMarkdown(run)
      .split('\n')
      .find((line) => line.startsWith('| evil'));
    expect(row?.startsWith('| evil\\|\\`id\\` | ')).toBe(true);
    // Unescaped pipes delimit exactly the 13 columns.
    expect(row?.split(/(?<!\\)\|/).length).toBe(17);
  });

  test('extended thinking and tool use: a line per model, as the console prints it', () => {
    const run = loadFixture('run-main');
    const model = run.models[0];
    const latency = model?.summary.latencyMs;
    if (model === undefined || latency === undefined) throw new Error('no model');
    const at = (p50: number, p90: number) => ({ ...latency, p50, p90, median: p50 });
    model.options = { ...model.options, reasoningBudget: 2048 };
    model.summary = {
      ...model.summary,
      firstReasoningMs: at(612, 740),
      reasoningPhaseMs: at(5928, 6100),
      ttftMs: at(6500, 9651),
      reasoningTokensEstimate: { ...at(350, 400), mean: 349.94 },
      toolUseCalls: model.summary.ok,
      toolUseStartMs: at(367, 420),
      toolInputMs: at(1323, 1500),
    };
    model.toolConfigFingerprint = 'abcdef012345';
    const lines = renderRunMarkdown(run).split('\n');
    expect(lines).toContain(
      `- ${markdownCell(model.key)}: reasoning (budget 2048): first reasoning delta P50 0.612 s, P90 0.740 s; reasoning to first text P50 5.928 s; TTFT (first text) P90 9.651 s; reasoning tokens (estimate) mean 349.9`,
    );
    expect(lines).toContain(
      `- ${markdownCell(model.key)}: tool use (tools abcdef012345): ${model.summary.ok} of ${model.summary.ok} ok calls stopped for tool\\_use; tool call start P50 0.367 s, P90 0.420 s; complete input P50 1.323 s, P90 1.500 s`,
    );
    expect(renderRunMarkdown(loadFixture('run-main'))).not.toContain('reasoning (budget');
  });

  test('title counts failed checks; each check a row', () => {
    const run = loadFixture('run-main');
    const model = run.models[0];
    if (model === undefined) throw new Error('no model');
    model.checks = [
      { name: 'budget p90 latencyMs', status: 'fail', line: 'P90 2.31 s > budget 2.00 s over 40 calls' },
      { name: 'regression p90 latencyMs', status: 'inconclusive', line: 'x1.05 (0.9..1.2)' },
    ];
    for (const other of run.models.slice(1)) other.checks = [];
    const text = renderRunMarkdown(run);
    expect(text.startsWith('### Latency benchmark: 1 check(s) failed\n')).toBe(true);
    expect(text).toContain(
      `| ${markdownCell(model.key)} | budget p90 latencyMs | **FAIL** | P90 2.31 s \\> budget 2.00 s over 40 calls |`,
    );
    expect(text).toContain(`| ${markdownCell(model.key)} | regression p90 latencyMs | inconclusive |`);
  });
});

describe('renderAnnotations (GitHub workflow commands)', () => {
  test('::error per failed check, ::warning per inconclusive; properties escape , and :, data %, CR, LF', () => {
    const run: RunRecord = loadFixture('run-main');
    for (const model of run.models) model.checks = [];
    const model = run.models[0];
    if (model === undefined) throw new Error('no model');
    model.modelId = 'arn:aws:bedrock:us-east-1:123:x,y';
    model.checks = [
      { name: 'budget p90', status: 'fail', line: '100% over\nsecond line\r' },
      { name: 'regression p90', status: 'inconclusive', line: 'needs 300 calls' },
      { name: 'budget errors', status: 'pass', line: 'ok' },
    ];
    expect(renderAnnotations(run)).toEqual([
      `::error title=arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ax%2Cy ${model.api}%3A budget p90::100%25 over%0Asecond line%0D`,
      `::warning title=arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ax%2Cy ${model.api}%3A regression p90::needs 300 calls`,
    ]);
  });
});

describe('converse-bench compare', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function capture(): { out: () => string; err: () => string } {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
    return { out: () => out, err: () => err };
  }

  /** run-main with every latency multiplied: a run that regressed (factor > 1.1) or did not. */
  function scaled(factor: number): string {
    const run = loadFixture('run-main');
    run.context.startedAt = '2026-12-01T00:00:00.000Z';
    for (const model of run.models) {
      for (const call of model.calls) {
        if (call.latencyMs !== undefined) call.latencyMs *= factor;
        if (call.ttftMs !== undefined) call.ttftMs *= factor;
      }
    }
    const path = join(mkdtempSync(join(tmpdir(), 'compare-cmd-')), 'run-20261201-000000.json');
    writeFileSync(path, JSON.stringify(run));
    return path;
  }

  test('the same run: exit 0, JSON with every model and metric', async () => {
    const io = capture();
    const code = await compareCommand([fixturePath('run-main'), scaled(1), '--json']);
    expect(code).toBe(0);
    const comparison = JSON.parse(io.out());
    expect(comparison.incompatibilities).toEqual([]);
    expect(comparison.models.length).toBe(loadFixture('run-main').models.length);
    const verdicts = comparison.models.flatMap((m: { metrics: { verdict: string }[] }) =>
      m.metrics.map((x) => x.verdict),
    );
    expect(verdicts).not.toContain('regressed');
  });

  test('every call twice as slow, but about 30 calls a model: too few for 9 tests, exit 0, says so', async () => {
    const io = capture();
    const code = await compareCommand([fixturePath('run-main'), scaled(2), '--markdown']);
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^### Latency comparison: inconclusive\n/);
    expect(io.out()).toMatch(/\| P90 \| [\d.]+ (ms|s) \| [\d.]+ (ms|s) \| x2\.000 \| .* \| inconclusive \(/);
    expect(io.out()).toContain(
      "30 calls a side are too few to judge P90 at this run's level (5% / 9 tests); 33 would",
    );
    expect(io.out()).toMatch(
      /\*\*verdict: inconclusive: 0 of \d+ checks regressed, .*\(9 tests as one family, Holm at 5%\)\*\*\n/,
    );
  });

  test('bad input: UserErrors (exit 2 through main) naming the fix', async () => {
    capture();
    await expect(compareCommand([fixturePath('run-main')])).rejects.toThrow(
      'compare needs a baseline and a candidate',
    );
    await expect(
      compareCommand([fixturePath('run-main'), scaled(1), '--json', '--markdown']),
    ).rejects.toThrow('--json and --markdown: choose one');
    await expect(compareCommand([fixturePath('run-main'), scaled(1), '--tolerance', 'x'])).rejects.toThrow(
      '--tolerance x: must be a number from 0 to 10',
    );
    await expect(compareCommand(['/nonexistent/run.json', scaled(1)])).rejects.toThrow('no such run record');
    await expect(compareCommand([fixturePath('run-main'), fixturePath('run-branch')])).rejects.toThrow(
      /runs are not comparable|no such/,
    );
  });
});
