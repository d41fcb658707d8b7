import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { benchFileNames, GENERATED_MARKER, initCommand, renderBenchFile } from '../src/cli/init.ts';
import { GITIGNORE, VITEST_CONFIG, WORKFLOW } from '../src/cli/scaffold.ts';
import { loadBudgets } from '../src/gate/budgets.ts';
import { ROOT } from './helpers/subprocess.ts';

const TRACKING = [
  'model,text_prompt,role',
  'amazon.nova-micro-v1:0,"Summarize: {context}",candidate',
  'us.amazon.nova-lite-v1:0,"Summarize: {context}",candidate',
  'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0,"{context}",candidate',
  '',
].join('\n');

interface Project {
  dir: string;
  io: { stdout: (t: string) => void; stderr: (t: string) => void };
  out: string[];
  err: string[];
}

/** An empty project folder; `files` are written into it first. */
function project(files: Record<string, string> = {}): Project {
  const dir = mkdtempSync(join(tmpdir(), 'converse-bench-init-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const out: string[] = [];
  const err: string[] = [];
  return { dir, out, err, io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t) } };
}

const read = (p: Project, path: string): string => readFileSync(join(p.dir, path), 'utf8');
const repoFile = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

describe('converse-bench init in an empty project', () => {
  test('scaffolds data/ from the examples, bench files, vitest.config.ts, scripts, .gitignore and the workflow', async () => {
    const p = project({ 'package.json': '{ "name": "team-app", "version": "1.0.0" }\n' });
    expect(await initCommand([], p.io, p.dir)).toBe(0);
    const lines = p.out.join('').split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'wrote data/evaluation_tracking.csv (the example)',
      'wrote data/document_sample_10.csv (the example)',
      'wrote data/budgets.json (the example)',
    ]);
    // The example tracking file's 7 models, one bench file each, as this repository's own bench/ holds.
    const benchFiles = readdirSync(join(p.dir, 'bench')).sort();
    expect(benchFiles).toEqual(readdirSync(join(ROOT, 'bench')).sort());
    expect(lines.slice(3, 10).sort()).toEqual(benchFiles.map((f) => `wrote bench/${f}`));
    expect(lines.slice(10)).toEqual([
      'wrote vitest.config.mts',
      'wrote package.json (added scripts: bench, bench:gate)',
      'wrote .gitignore',
      'wrote .github/workflows/latency.yml',
      'next: npm run bench',
      '',
    ]);
    for (const file of ['data/evaluation_tracking.csv', 'data/document_sample_10.csv', 'data/budgets.json']) {
      expect(read(p, file)).toBe(repoFile(file));
    }
    for (const file of benchFiles) expect(read(p, `bench/${file}`)).toBe(repoFile(`bench/${file}`));
    expect(read(p, 'vitest.config.mts')).toBe(VITEST_CONFIG);
    expect(JSON.parse(read(p, 'package.json'))).toEqual({
      name: 'team-app',
      version: '1.0.0',
      scripts: { bench: 'vitest bench --run', 'bench:gate': 'converse-bench gate' },
    });
    expect(read(p, '.gitignore')).toBe(GITIGNORE);
    const workflow = parse(read(p, '.github/workflows/latency.yml'));
    expect(workflow.env).toEqual({ CI_GATE_PRESET: 'gate' });
    expect(workflow.jobs.gate.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      expect.stringContaining('gh run download'),
      'npx converse-bench gate',
      expect.stringContaining('gh pr comment'),
    ]);
    expect(read(p, '.github/workflows/latency.yml')).toBe(WORKFLOW);
  });

  test('re-running changes nothing', async () => {
    const p = project({ 'package.json': '{}\n' });
    await initCommand([], p.io, p.dir);
    p.out.length = 0;
    expect(await initCommand([], p.io, p.dir)).toBe(0);
    const lines = p.out.join('').trimEnd().split('\n');
    expect(lines.filter((line) => !line.startsWith('unchanged ') && !line.startsWith('next: '))).toEqual([]);
    expect(lines).toHaveLength(3 + 7 + 4 + 1);
  });

  test("the user's own data files through flags, copied into data/", async () => {
    const p = project({ 'mine/tracking.csv': TRACKING, 'package.json': '{}\n' });
    expect(await initCommand(['--tracking', 'mine/tracking.csv'], p.io, p.dir)).toBe(0);
    expect(p.out[0]).toBe('wrote data/evaluation_tracking.csv (mine/tracking.csv)\n');
    expect(read(p, 'data/evaluation_tracking.csv')).toBe(TRACKING);
    expect(readdirSync(join(p.dir, 'bench')).sort()).toEqual([
      'amazon.nova-micro-v1-0.bench.ts',
      'us.amazon.nova-lite-v1-0.bench.ts',
      'us.anthropic.claude-3-5-haiku-20241022-v1-0.bench.ts',
    ]);
    expect(read(p, 'bench/amazon.nova-micro-v1-0.bench.ts')).toBe(
      [
        '// Generated by `converse-bench init` from data/evaluation_tracking.csv; re-running it rewrites this file.',
        "// Options: benchModel({ model: 'amazon.nova-micro-v1:0', numParallelCalls: 4 }); budgets: data/budgets.json.",
        "import { benchModel } from 'converse-bench';",
        '',
        "benchModel('amazon.nova-micro-v1:0');",
        '',
      ].join('\n'),
    );
    // Your own models and no budgets of yours: a starter budgets file for them, valid for the gate.
    expect(p.out).toContain(
      'wrote data/budgets.json: an error budget per model of your tracking file; add latency limits\n',
    );
    const budgets = loadBudgets(join(p.dir, 'data/budgets.json'));
    expect(budgets.emulator).toEqual({
      'amazon.nova-micro-v1:0': { mode: 'point', maxErrorRate: 0 },
      'us.amazon.nova-lite-v1:0': { mode: 'point', maxErrorRate: 0 },
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0':
        {
          mode: 'point',
          maxErrorRate: 0,
        },
    });
  });

  test('a missing file given by flag: one line naming the flag, nothing written', async () => {
    const p = project();
    await expect(initCommand(['--dataset', 'nope.csv'], p.io, p.dir)).rejects.toThrow(
      /^init --dataset nope\.csv: no such file; give the path of your own dataset file$/,
    );
    expect(readdirSync(p.dir)).toEqual([]);
  });

  test('a bad tracking file given by flag: the error names it, nothing written', async () => {
    const p = project({ 'mine.csv': 'model,role\namazon.nova-micro-v1:0,candidate\n' });
    await expect(initCommand(['--tracking', 'mine.csv'], p.io, p.dir)).rejects.toThrow(
      /mine\.csv line 1: missing column "text_prompt"/,
    );
    expect(readdirSync(p.dir)).toEqual(['mine.csv']);
  });
});

describe('converse-bench init never overwrites what it did not generate', () => {
  test("the user's vitest.config.ts, .gitignore, scripts and data are kept, and init says what to add", async () => {
    const userConfig = "import { defineConfig } from 'vitest/config';\nexport default defineConfig({});\n";
    const p = project({
      'vitest.config.ts': userConfig,
      '.gitignore': 'node_modules\n',
      'package.json': '{"scripts":{"bench":"node my-bench.js"}}',
      'data/evaluation_tracking.csv': TRACKING,
      '.github/workflows/latency.yml': 'name: mine\n',
    });
    expect(await initCommand([], p.io, p.dir)).toBe(0);
    const out = p.out.join('');
    expect(out).toContain(
      'kept data/evaluation_tracking.csv: it exists (the example not copied; replace it yourself)\n',
    );
    expect(out).toContain(
      [
        'kept vitest.config.ts: not generated by init; add converse-bench to it:',
        "    import { converseBench } from 'converse-bench/vitest';",
        '    export default defineConfig({ plugins: [converseBench()], ... });',
      ].join('\n'),
    );
    expect(out).toContain(
      'kept script "bench" in package.json: it is "node my-bench.js" (converse-bench\'s: "vitest bench --run")\n',
    );
    expect(out).toContain('wrote package.json (added scripts: bench:gate)\n');
    expect(out).toContain('kept .gitignore: add the line outputs/ to it\n');
    expect(out).toContain(
      'kept .github/workflows/latency.yml: no generated marker (delete it to regenerate)\n',
    );
    expect(read(p, 'vitest.config.ts')).toBe(userConfig);
    expect(read(p, '.gitignore')).toBe('node_modules\n');
    expect(read(p, 'data/evaluation_tracking.csv')).toBe(TRACKING);
    expect(read(p, '.github/workflows/latency.yml')).toBe('name: mine\n');
    expect(JSON.parse(read(p, 'package.json')).scripts).toEqual({
      bench: 'node my-bench.js',
      'bench:gate': 'converse-bench gate',
    });
  });

  test('a config that already uses converseBench() and a .gitignore that ignores outputs/ are left silent', async () => {
    const p = project({
      'vite.config.js': 'export default { plugins: [converseBench({ include: ["b/*.bench.ts"] })] };\n',
      '.gitignore': '/outputs/\n',
      'package.json': '{}',
    });
    await initCommand([], p.io, p.dir);
    const out = p.out.join('');
    expect(out).toContain('kept vite.config.js: not generated by init; it uses converseBench() already\n');
    expect(readdirSync(p.dir)).not.toContain('vitest.config.mts');
    expect(out).toContain('kept .gitignore: it ignores outputs/ already\n');
  });

  test('bench files: generated ones rewritten, hand-written ones kept, stale generated ones removed', async () => {
    const p = project({ 'data/evaluation_tracking.csv': TRACKING, 'package.json': '{}' });
    await initCommand([], p.io, p.dir);
    const bench = join(p.dir, 'bench');
    writeFileSync(join(bench, 'us.amazon.nova-lite-v1-0.bench.ts'), "// tuned by hand\nbenchModel('x');\n");
    writeFileSync(join(bench, 'gone.bench.ts'), `${GENERATED_MARKER} from old.csv\n`);
    writeFileSync(join(bench, 'mine.bench.ts'), '// my own\n');
    p.out.length = 0;
    expect(await initCommand([], p.io, p.dir)).toBe(0);
    const benchLines = p.out
      .join('')
      .split('\n')
      .filter((line) => line.includes('bench/'));
    expect(benchLines).toEqual([
      'unchanged bench/amazon.nova-micro-v1-0.bench.ts',
      'kept bench/us.amazon.nova-lite-v1-0.bench.ts: no generated marker (delete it to regenerate)',
      'unchanged bench/us.anthropic.claude-3-5-haiku-20241022-v1-0.bench.ts',
      'removed bench/gone.bench.ts: its model is no longer in data/evaluation_tracking.csv',
      'kept bench/mine.bench.ts: not generated, not in data/evaluation_tracking.csv',
    ]);
    expect(read(p, 'bench/us.amazon.nova-lite-v1-0.bench.ts')).toBe("// tuned by hand\nbenchModel('x');\n");
    expect(readdirSync(bench)).not.toContain('gone.bench.ts');
  });
});

describe('converse-bench init flags and names', () => {
  test('bad flags: one line on stderr, exit 2; --help: usage on stdout', async () => {
    const p = project();
    expect(await initCommand(['--nope'], p.io, p.dir)).toBe(2);
    expect(p.err.join('')).toMatch(
      /^converse-bench init: Unknown option '--nope'.*; run `converse-bench init --help` for the flags\n$/,
    );
    expect(await initCommand(['--help'], p.io, p.dir)).toBe(0);
    expect(p.out.join('')).toMatch(/^usage: converse-bench init/);
  });

  test('file names: safe, and distinct when two ids would collide', () => {
    const names = benchFileNames(['a.b-v1:0', 'a.b-v1/0', 'Meta.Llama3']);
    expect(names.get('Meta.Llama3')).toBe('meta.llama3.bench.ts');
    expect(names.get('a.b-v1:0')).toMatch(/^a\.b-v1-0-[0-9a-f]{8}\.bench\.ts$/);
    expect(names.get('a.b-v1:0')).not.toBe(names.get('a.b-v1/0'));
    expect(renderBenchFile('m', './x.ts', 't.csv')).toContain("benchModel('m');");
  });
});
