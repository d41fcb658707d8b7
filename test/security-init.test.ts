import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { renderBenchFile } from '../src/cli/init.ts';
import { checkModelId } from '../src/data/model-id.ts';
import { baseModelId } from '../src/emulator/models.ts';
import { mulberry32, type Random } from '../src/stats/random.ts';
import { BENCH_PROJECT_DATA_ENV, benchProject } from './helpers/project.ts';
import { CLI_MAIN, childEnv, ROOT, run, runOk, VITEST } from './helpers/subprocess.ts';

/**
 * Code injection through `converse-bench init` (issue 16, item 1): a model id is external text that
 * ends up inside generated TypeScript. The tracking loader accepts only what Bedrock accepts as a
 * model id, and the bench file is generated with a serializer, so no id, however written, is code.
 */
const TMP = mkdtempSync(join(tmpdir(), 'converse-bench-init-security-'));

/** Pieces that break out of a string literal, a comment or a template literal, or are not ASCII. */
const HOSTILE = [
  "'",
  '"',
  '`',
  '\\',
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '${',
  '}',
  '*/',
  ';',
  '(',
  ')',
  ' ',
  '\t',
  '\0',
  'é',
  '😀',
  '\ud800',
  "');require('node:fs').writeFileSync('PWNED','x');('",
];
const VALID = [
  'amazon.nova-micro-v1:0',
  'us.amazon.nova-lite-v1:0',
  'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0',
  'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0',
];

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** A string of 1-6 pieces, hostile ones and plain letters. */
function fuzzText(random: Random): string {
  let text = '';
  const pieces = 1 + Math.floor(random() * 6);
  for (let i = 0; i < pieces; i++) text += random() < 0.6 ? pick(random, HOSTILE) : pick(random, VALID);
  return text;
}

/** A valid id with a hostile piece spliced in somewhere. */
function spliced(random: Random): string {
  const id = pick(random, VALID);
  const at = Math.floor(random() * (id.length + 1));
  return `${id.slice(0, at)}${pick(random, HOSTILE)}${id.slice(at)}`;
}

describe('model ids are what Bedrock accepts', () => {
  test('the reported ARN with a quote in it is refused', () => {
    const id =
      "arn:aws:bedrock:us-east-1::foundation-model/x');require('node:fs').writeFileSync('PWNED','x');('y";
    const check = checkModelId(id);
    expect(check).toEqual({
      ok: false,
      problem:
        'has the character "\'" at position 46, which Bedrock does not accept in an ARN (letters, digits and . : / _ - only)',
    });
  });

  test('600 ids with a hostile piece spliced in are all refused, each problem one line', () => {
    const random = mulberry32(16);
    for (let i = 0; i < 600; i++) {
      const id = spliced(random);
      const check = checkModelId(id);
      expect(check.ok, JSON.stringify(id)).toBe(false);
      if (!check.ok) expect(check.problem).not.toMatch(/[\n\r\u2028\u2029]/);
    }
  });

  test('ids longer than 2048 characters are refused', () => {
    const id = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${'a'.repeat(2048)}`;
    expect(checkModelId(id)).toEqual({
      ok: false,
      problem: `has ${id.length} characters; Bedrock accepts at most 2048`,
    });
  });
});

describe('renderBenchFile serializes, never pastes', () => {
  test('for 300 fuzzed ids and tracking paths, the generated module calls benchModel with exactly the id, and nothing else runs', async () => {
    const dir = join(TMP, 'render');
    mkdirSync(dir, { recursive: true });
    const calls: unknown[][] = [];
    (globalThis as { __benchModelCalls?: unknown[][] }).__benchModelCalls = calls;
    writeFileSync(
      join(dir, 'stub.ts'),
      'export function benchModel(...args: unknown[]): void {\n  (globalThis as any).__benchModelCalls.push(args);\n}\n',
    );
    const random = mulberry32(7);
    for (let i = 0; i < 300; i++) {
      const id = fuzzText(random);
      const tracking = fuzzText(random);
      const text = renderBenchFile(id, './stub.ts', tracking);
      // The marker, the options comment, the import, a blank line, the call: no line break added.
      expect(text.split(/\r\n|\r|\n|\u2028|\u2029/), JSON.stringify(id)).toHaveLength(6);
      const file = join(dir, `fuzz-${i}.ts`);
      writeFileSync(file, text);
      calls.length = 0;
      await import(pathToFileURL(file).href);
      expect(calls, JSON.stringify(id)).toEqual([[id]]);
    }
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    expect(existsSync(join(ROOT, 'PWNED'))).toBe(false);
  });

  test('the generated files type-check against the real benchModel', { timeout: 60_000 }, async () => {
    const dir = join(TMP, 'typecheck');
    mkdirSync(dir, { recursive: true });
    const random = mulberry32(11);
    const benchModel = join(ROOT, 'src/vitest/bench-model.ts');
    for (let i = 0; i < 40; i++) {
      writeFileSync(
        join(dir, `fuzz-${i}.bench.ts`),
        renderBenchFile(fuzzText(random), benchModel, fuzzText(random)),
      );
    }
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(ROOT, 'tsconfig.json'),
        compilerOptions: { typeRoots: [join(ROOT, 'node_modules/@types')] },
        // src/ too: its module augmentations (Vitest's provided context, artifacts) are part of the types.
        include: ['*.ts', join(ROOT, 'src')],
      }),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const outcome = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
      env: childEnv(),
      timeout: 60_000,
    });
    expect(outcome.stdout + outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
  });
});

describe('init and bench on a tracking file', () => {
  const project = (name: string, tracking: string): string => benchProject(join(TMP, name), tracking);

  test('the reported injection: init refuses with one line and exit 2, writes nothing, runs nothing', async () => {
    const dir = project(
      'pwned',
      [
        'model,text_prompt',
        `"arn:aws:bedrock:us-east-1::foundation-model/x');require('node:fs').writeFileSync('PWNED','x');('y","Summarize: {context}"`,
        '',
      ].join('\n'),
    );
    const outcome = await run(process.execPath, [CLI_MAIN, 'init'], {
      cwd: dir,
      env: childEnv(),
      timeout: 30_000,
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe(
      `converse-bench: ${join(dir, 'data/evaluation_tracking.csv')} line 2: column "model": model ` +
        `"arn:aws:bedrock:us-east-1::foundation-model/x');require('node:fs').writeFileSync('PWNED','x');('y" ` +
        `has the character "'" at position 46, which Bedrock does not accept in an ARN (letters, digits and . : / _ - only)\n`,
    );
    expect(existsSync(join(dir, 'bench')) ? readdirSync(join(dir, 'bench')) : []).toEqual([]);
    const bench = await run(process.execPath, [VITEST, 'bench', '--run'], {
      cwd: dir,
      env: childEnv(),
      timeout: 60_000,
    });
    expect(bench.code).not.toBe(0);
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
  });

  test('ids of every accepted form go through init and vitest bench unchanged', {
    timeout: 120_000,
  }, async () => {
    const random = mulberry32(3);
    const suffix = (): string => Math.floor(random() * 36 ** 4).toString(36);
    const ids = [
      `amazon.nova-${suffix()}-v1:0`,
      `us.amazon.nova-${suffix()}-v2:0`,
      `arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-${suffix()}-v1:0`,
      `arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.amazon.nova-${suffix()}-v1:0`,
    ];
    const dir = project(
      'accepted',
      ['model,text_prompt', ...ids.map((id) => `${id},"Summarize: {context}"`), ''].join('\n'),
    );
    await runOk(process.execPath, [CLI_MAIN, 'init', '--import', join(ROOT, 'src/vitest/bench-model.ts')], {
      cwd: dir,
      env: childEnv(),
      timeout: 30_000,
    });
    // Made-up models: the emulator serves them once its profile file adds them to its catalogue.
    const shipped = JSON.parse(readFileSync(join(ROOT, 'data/emulator-profiles.json'), 'utf8'));
    const catalogue = Object.fromEntries(ids.map((id) => [baseModelId(id), { maxOutputTokens: 4096 }]));
    writeFileSync(join(dir, 'profiles.json'), JSON.stringify({ default: shipped.default, catalogue }));
    const outDir = join(dir, 'outputs');
    await runOk(process.execPath, [VITEST, 'bench', '--run'], {
      cwd: dir,
      env: childEnv({
        ...BENCH_PROJECT_DATA_ENV,
        CONVERSE_BENCH_EMULATOR_PROFILES_FILE: join(dir, 'profiles.json'),
        CONVERSE_BENCH_TIME_SCALE: '0.01',
        CONVERSE_BENCH_WARMUP_CALLS: '0',
        CONVERSE_BENCH_OUTPUT_DIR: outDir,
      }),
      timeout: 110_000,
    });
    const runFile = readdirSync(outDir).find((f) => f.startsWith('run-') && f.endsWith('.json')) as string;
    const record = JSON.parse(readFileSync(join(outDir, runFile), 'utf8')) as {
      models: { modelId: string; summary: { ok: number } }[];
    };
    expect(record.models.map((m) => m.modelId).sort()).toEqual([...ids].sort());
    // Every call of every model reached the emulator and was answered: 2 documents each.
    expect(record.models.map((m) => m.summary.ok)).toEqual([2, 2, 2, 2]);
  });
});
