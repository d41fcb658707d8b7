import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  CLI_MAIN,
  childEnv,
  FIXTURE_DATA_ENV,
  type Outcome,
  ROOT,
  run as runChild,
  VITEST,
} from './helpers/subprocess.ts';

/**
 * Bad inputs, tried as a user would: `converse-bench <command>` in a subprocess for settings, flags and
 * files the commands read, and `vitest bench --run` on test/fixtures/hardening/project for the files a
 * bench file reads. Each must fail with ONE line on stderr that names the input (file and line, or
 * option) and the fix, a non-zero exit (2 for the CLI, 1 for Vitest), and no stack frames.
 * The README's table of bad inputs lists these cases.
 */
const PROJECT = join(ROOT, 'test/fixtures/hardening/project');
const BAD = join(ROOT, 'test/fixtures/hardening/bad');
const DATA = join(ROOT, 'test/fixtures/data');
const TMP = mkdtempSync(join(tmpdir(), 'converse-bench-bad-'));

// Generated: binary garbage and a document far over any model's context.
const BINARY = join(TMP, 'dataset-binary.csv');
writeFileSync(BINARY, Buffer.from([0x64, 0x6f, 0x63, 0x0a, 0xff, 0xfe, 0x00, 0x01, 0x9c, 0x80, 0x0a]));
// Corrupt JSON is written here, not committed (the formatter would reject it).
const RUN_CORRUPT = join(TMP, 'run-corrupt.json');
writeFileSync(RUN_CORRUPT, 'not json');
const BUDGETS_CORRUPT = join(TMP, 'budgets-corrupt.json');
writeFileSync(BUDGETS_CORRUPT, '{ not json');
const BUDGETS_MISSPELT = join(TMP, 'budgets-misspelt.json');
writeFileSync(
  BUDGETS_MISSPELT,
  JSON.stringify({ emulator: { 'amazon.nova-micr-v1:0': { p90LatencyMs: 9000 } } }),
);
const BASELINE_CORRUPT = join(TMP, 'run-corrupt.json');
writeFileSync(BASELINE_CORRUPT, '{"schema": "converse-bench/run-record@1", ');
const BUDGETS_BOM = join(TMP, 'budgets-bom.json');
writeFileSync(
  BUDGETS_BOM,
  `\uFEFF${JSON.stringify({ emulator: { 'amazon.nova-micro-v1:0': { maxErrorRate: 0 } } })}`,
);
const PROFILES_BROKEN = join(TMP, 'profiles-broken.json');
writeFileSync(PROFILES_BROKEN, '{');
const PRICES_NEGATIVE = join(TMP, 'prices-negative.json');
writeFileSync(
  PRICES_NEGATIVE,
  JSON.stringify({
    currency: 'USD',
    models: {
      'amazon.nova-micro-v1:0': {
        'us-east-1': {
          standard: {
            input: -1,
            output: 0,
            cacheRead: null,
            cacheWrite: null,
            source: 's',
            read: '2026-12-01',
            verified: false,
          },
        },
      },
    },
  }),
);
// A template that alone makes the request body larger than the emulator's 2 MiB.
const HUGE_TEMPLATE = join(TMP, 'tracking-huge-template.csv');
writeFileSync(
  HUGE_TEMPLATE,
  `model,text_prompt\namazon.nova-micro-v1:0,"${'Be brief. '.repeat(220_000)}{context}"\n`,
);
const HUGE = join(TMP, 'dataset-huge.csv');
writeFileSync(HUGE, `document,referenceResponse\n"${'The council met again. '.repeat(200_000)}",x\n`);

function run(args: string[], env: Record<string, string>, cwd = ROOT): Promise<Outcome> {
  return runChild(process.execPath, args, { cwd, env: childEnv(env), timeout: 60_000 });
}

interface CliCase {
  input: string;
  args: string[];
  env?: Record<string, string>;
  /** The one line, as a pattern: it names the input and says the fix. */
  says: RegExp;
}

const CLI_CASES: CliCase[] = [
  {
    input: 'negative setting',
    args: ['bench', '--num-parallel-calls', '-1'],
    says: /NUM_PARALLEL_CALLS="-1": numParallelCalls must be a whole number >= 1/,
  },
  {
    input: 'zero setting',
    args: ['bench', '--invocations-per-scenario', '0'],
    says: /INVOCATIONS_PER_SCENARIO="0".*>= 1/,
  },
  {
    input: 'NaN setting',
    args: ['bench', '--num-parallel-calls', 'NaN'],
    says: /NUM_PARALLEL_CALLS="NaN".*whole number/,
  },
  {
    input: 'string for a number',
    args: ['bench', '--temperature', 'hot'],
    says: /TEMPERATURE="hot": temperature must be a number from 0 to 1/,
  },
  { input: 'out-of-range setting', args: ['bench', '--top-p', '1.5'], says: /TOP_P="1.5".*from 0 to 1/ },
  {
    input: 'empty flag value',
    args: ['bench', '--num-parallel-calls', ''],
    says: /^converse-bench: --num-parallel-calls "": empty; give a whole number >= 1, or leave the flag out for the default \(1\)$/,
  },
  {
    input: 'empty inline flag value',
    args: ['bench', '--timeout-seconds='],
    says: /^converse-bench: --timeout-seconds "": empty; give a number > 0 and <= 2147483, or leave the flag out for the default \(300\)$/,
  },
  {
    input: 'empty path flag',
    args: ['bench', '--output-dir', ''],
    says: /^converse-bench: --output-dir "": empty; give a path, or leave the flag out for the default \(outputs\)$/,
  },
  {
    input: 'timeout past the longest timer',
    args: ['bench', '--timeout-seconds', '2147484'],
    says: /TIMEOUT_SECONDS="2147484": timeoutSeconds must be a number > 0 and <= 2147483/,
  },
  {
    input: 'maxTokens no model accepts',
    args: ['bench', '--max-tokens', '1e9'],
    says: /MAX_TOKENS="1e9": maxTokens must be a whole number from 1 to 128000/,
  },
  {
    input: 'bench: emulator faults that do not parse',
    args: ['bench', '--emulator-faults', 'bogus'],
    says: /^converse-bench: --emulator-faults: fault "bogus" has an unknown name "bogus"; write e\.g\. throttle/,
  },
  {
    input: 'bench: emulator profiles file missing',
    args: ['bench', '--emulator-profiles-file', join(BAD, 'absent-profiles.json')],
    says: /^converse-bench: .*absent-profiles\.json: cannot be read \(ENOENT/,
  },
  {
    input: 'bench: dataset missing',
    args: ['bench', '--dataset-file', join(BAD, 'absent.csv')],
    says: /^converse-bench: .*absent\.csv: no such file; check the path/,
  },
  {
    input: 'bench: tracking file missing',
    args: ['bench', '--tracking-file', join(BAD, 'absent.csv')],
    says: /^converse-bench: .*absent\.csv: no such file; check the path/,
  },
  {
    input: 'unknown flag',
    args: ['bench', '--no-such-flag'],
    says: /--no-such-flag: unknown option; run `converse-bench bench --help`/,
  },
  {
    input: 'flag without its value',
    args: ['bench', '--timeout-seconds'],
    says: /--timeout-seconds: needs a value/,
  },
  {
    input: 'unknown preset',
    args: ['bench', '--preset', 'nope'],
    says: /--preset nope: unknown preset; choose one of: gate, smoke/,
  },
  {
    input: 'unknown target',
    args: ['bench', '--target', 'mars'],
    says: /TARGET="mars": target must be one of: emulator, bedrock/,
  },
  {
    input: 'unknown environment setting',
    args: ['bench'],
    env: { CONVERSE_BENCH_NUM_PARALEL_CALLS: '4' },
    says: /CONVERSE_BENCH_NUM_PARALEL_CALLS/,
  },
  {
    input: 'unknown command',
    args: ['frobnicate'],
    says: /unknown command "frobnicate"; run `converse-bench --help`/,
  },
  {
    input: 'run record: missing',
    args: ['compare', join(BAD, 'absent.json'), join(BAD, 'run-other-schema.json')],
    says: /absent\.json: no such run record or folder; give a run-\*\.json file/,
  },
  {
    input: 'run record: corrupt (baseline)',
    args: ['compare', RUN_CORRUPT, RUN_CORRUPT],
    says: /run-corrupt\.json: not valid JSON .*; rerun the benchmark or pick another run record/,
  },
  {
    input: 'run record: another schema version',
    args: ['compare', join(BAD, 'run-other-schema.json'), join(BAD, 'run-other-schema.json')],
    says: /run-other-schema\.json: schema converse-bench\/run-record@99, expected converse-bench\/run-record@1; rebuild it/,
  },
  {
    input: 'report: missing run record',
    args: ['report', join(BAD, 'absent.json')],
    says: /absent\.json does not exist; pass a run record file or a folder/,
  },
  {
    input: 'report: corrupt run record',
    args: ['report', RUN_CORRUPT],
    says: /run-corrupt\.json: not valid JSON/,
  },
  {
    input: 'rebuild: missing journal',
    args: ['rebuild', join(BAD, 'absent.jsonl')],
    says: /cannot read journal .*absent\.jsonl: ENOENT.*; pass the journal-<runId>\.jsonl/,
  },
  {
    input: 'rebuild: bad journal line',
    args: ['rebuild', join(BAD, 'journal-bad-line.jsonl')],
    says: /journal-bad-line\.jsonl line 1: .*; remove the line or rerun the benchmark/,
  },
  {
    input: 'rebuild: no journal',
    args: ['rebuild'],
    says: /rebuild: no journal given; pass outputs\/journal-<runId>\.jsonl/,
  },
  {
    input: 'synth: unknown flag',
    args: ['synth', '--documents', '3'],
    says: /synth: unknown flag --documents; run converse-bench synth --help/,
  },
  {
    input: 'emulator: bad port',
    args: ['emulator', '--port', 'abc'],
    says: /--port abc: use a port number from 0 to 65535/,
  },
  {
    input: 'emulator: zero time scale',
    args: ['emulator', '--time-scale', '0'],
    says: /--time-scale 0: use a positive number/,
  },
  {
    input: 'plan: a negative price in the price table',
    args: ['plan', '--prices-file', PRICES_NEGATIVE],
    says: /prices-negative\.json > models > "amazon\.nova-micro-v1:0" > us-east-1 > standard > input: -1 must be a number of US dollars per 1,000 tokens, >= 0, or null when it is not known/,
  },
  {
    input: 'calibrate: a time-scaled run',
    args: [
      'calibrate',
      join(ROOT, 'test/fixtures/run-records/sweep.json'),
      '--out',
      join(TMP, 'calibrated.json'),
    ],
    says: /sweep\.json: run .* ran the emulator at time scale 0\.05: its times are not real; calibrate from a real-time run \(Bedrock, or the emulator at time scale 1\)/,
  },
  {
    input: 'emulator: broken profiles file',
    args: ['emulator', '--profiles', PROFILES_BROKEN],
    says: /profiles-broken\.json: not valid JSON .*; fix the syntax/,
  },
  {
    input: 'emulator: bad fault spec',
    args: ['emulator', '--profiles', join(ROOT, 'data/emulator-profiles.json'), '--fault', 'bogus'],
    says: /fault "bogus" has an unknown name "bogus"; write e\.g\./,
  },
  {
    input: 'tracking: missing file',
    args: ['init', '--tracking', join(BAD, 'absent.csv')],
    says: /absent\.csv: no such file; check the path/,
  },
  {
    input: 'template: no {context}',
    args: ['init', '--tracking', join(BAD, 'tracking-no-context.csv')],
    says: /tracking-no-context\.csv line 2: column "text_prompt": no \{context\} placeholder; add \{context\}/,
  },
  {
    input: 'template: unknown placeholder',
    args: ['init', '--tracking', join(BAD, 'tracking-unknown-placeholder.csv')],
    says: /tracking-unknown-placeholder\.csv line 2: .*unknown placeholder \{audience\}; allowed placeholders: \{context\}/,
  },
  {
    input: 'tracking: missing column',
    args: ['init', '--tracking', join(BAD, 'tracking-missing-column.csv')],
    says: /tracking-missing-column\.csv line 1: missing column "text_prompt" .*; write a header line/,
  },
  {
    input: 'model id: malformed',
    args: ['init', '--tracking', join(BAD, 'tracking-bad-model.csv')],
    says: /tracking-bad-model\.csv line 2: column "model": model "not a model id!" contains whitespace/,
  },
];

/** What a bench file's bad input looks like in Vitest's output: the error's one line, no frames. */
interface BenchCase {
  input: string;
  env: Record<string, string>;
  says: RegExp;
}

const BENCH_CASES: BenchCase[] = [
  {
    input: 'dataset: missing file',
    env: { CONVERSE_BENCH_DATASET_FILE: join(BAD, 'absent.csv') },
    says: /absent\.csv: no such file; check the path/,
  },
  {
    input: 'dataset: wrong delimiter',
    env: { CONVERSE_BENCH_DATASET_FILE: join(DATA, 'dataset-semicolon.csv') },
    says: /dataset-semicolon\.csv line 1: the header is separated by semicolons, not commas; save the file as comma-separated CSV/,
  },
  {
    input: 'dataset: unbalanced quotes',
    env: { CONVERSE_BENCH_DATASET_FILE: join(DATA, 'dataset-unclosed-quote.csv') },
    says: /dataset-unclosed-quote\.csv line \d+: .*quote/,
  },
  {
    input: 'dataset: binary garbage',
    env: { CONVERSE_BENCH_DATASET_FILE: BINARY },
    says: /dataset-binary\.csv.*(UTF-8|binary)/,
  },
  {
    input: 'dataset: huge document',
    env: { CONVERSE_BENCH_DATASET_FILE: HUGE },
    says: /dataset-huge\.csv line 2: .*document/,
  },
  {
    input: 'emulator faults that do not parse (vitest bench directly)',
    env: { CONVERSE_BENCH_EMULATOR_FAULTS: 'bogus' },
    says: /CONVERSE_BENCH_EMULATOR_FAULTS: fault "bogus" has an unknown name "bogus"; write e\.g\. throttle/,
  },
  {
    input: 'emulator profiles file missing (vitest bench directly)',
    env: { CONVERSE_BENCH_EMULATOR_PROFILES_FILE: join(BAD, 'absent-profiles.json') },
    says: /absent-profiles\.json: cannot be read \(ENOENT/,
  },
  {
    input: 'tracking: a template that makes the body exceed 2 MiB',
    env: { CONVERSE_BENCH_TRACKING_FILE: HUGE_TEMPLATE },
    says: /tracking-huge-template\.csv line 2: the prompt template of amazon\.nova-micro-v1:0 with document 1 of .* makes a request body of \d+ bytes, over the emulator's limit of 2097152 \(2 MiB\); shorten the template or the document/,
  },
  {
    input: "maxTokens over the model's own output limit",
    env: { CONVERSE_BENCH_MAX_TOKENS: '20000' },
    says: /maxTokens 20000 is over the output limit of amazon\.nova-micro-v1:0, 10000 tokens \(the emulator catalogue with data\/profiles\.json\): set maxTokens \(CONVERSE_BENCH_MAX_TOKENS or --max-tokens\) to 10000 or less/,
  },
  {
    input: 'tracking: model not in it',
    env: { CONVERSE_BENCH_TRACKING_FILE: join(BAD, 'tracking-other-model.csv') },
    says: /model "amazon\.nova-micro-v1:0" is not in .*tracking-other-model\.csv: add a row/,
  },
  {
    input: 'budgets: corrupt file',
    env: { CONVERSE_BENCH_BUDGETS_FILE: BUDGETS_CORRUPT },
    says: /budgets-corrupt\.json.*JSON/,
  },
  {
    input: 'budgets: missing file',
    env: { CONVERSE_BENCH_BUDGETS_FILE: join(BAD, 'absent-budgets.json') },
    says: /absent-budgets\.json: no such budgets file: create it \(`converse-bench init` writes one\), or set budgetsFile to "none" to run without budgets/,
  },
  {
    input: 'budgets: a model the tracking file does not list',
    env: { CONVERSE_BENCH_BUDGETS_FILE: BUDGETS_MISSPELT },
    says: /budgets-misspelt\.json: emulator > "amazon\.nova-micr-v1:0": no such model in data\/tracking\.csv: did you mean "amazon\.nova-micro-v1:0"\? fix the id or remove the entry/,
  },
  {
    input: 'baseline: corrupt file',
    env: { CONVERSE_BENCH_BASELINE: BASELINE_CORRUPT },
    says: /run-corrupt\.json: not valid JSON \(.*\); rerun the benchmark or pick another run record/,
  },
  {
    input: 'baseline: another schema version',
    env: { CONVERSE_BENCH_BASELINE: join(BAD, 'run-other-schema.json') },
    says: /run-other-schema\.json: schema converse-bench\/run-record@99/,
  },
];

const BENCH_ENV = {
  ...FIXTURE_DATA_ENV,
  CONVERSE_BENCH_OUTPUT_DIR: join(TMP, 'outputs'),
  CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '1',
  CONVERSE_BENCH_WARMUP_CALLS: '0',
  CONVERSE_BENCH_TIME_SCALE: '0.01',
};

/** Node's and Vitest's stack frame lines. */
const FRAME = /^\s+(at |❯ ).*:\d+/m;

describe.concurrent('bad input to a converse-bench command: one line, exit 2', () => {
  test.each(CLI_CASES)(
    '$input',
    async ({ args, env = {}, says }) => {
      const outcome = await run([CLI_MAIN, ...args], env);
      const lines = outcome.stderr.trimEnd().split('\n');
      expect(lines, outcome.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^converse-bench( \w+)?: /);
      expect(lines[0]).toMatch(says);
      expect(outcome.code).toBe(2);
    },
    30_000,
  );
});

describe.concurrent('bad input to a bench file: vitest bench fails with the one-line message first', () => {
  test.each(BENCH_CASES)(
    '$input',
    async ({ input, env, says }) => {
      const outcome = await run([VITEST, 'bench', '--run'], { ...BENCH_ENV, ...env }, PROJECT);
      const output = `${outcome.stdout}\n${outcome.stderr}`;
      expect(outcome.code, output).toBe(1);
      // A failed test of the bench file, not Vitest's banner for an error outside any test.
      expect(output).not.toContain('Unhandled Error');
      const at = output.search(/^\w*Error: /m);
      expect(at, output).toBeGreaterThanOrEqual(0);
      const [line = '', ...rest] = output.slice(at).split('\n');
      expect(line).toMatch(says);
      // No frames of ours; a wrapped library error may still print its own under "Caused by".
      const ours = rest.join('\n').split(/^Caused by: /m)[0] ?? '';
      expect(ours).not.toMatch(FRAME);
      if (/budgets|baseline/.test(input)) expect(output).not.toContain('Caused by');
      // Stopped before any call: no model was measured.
      expect(output).not.toContain('converse-bench wrote:');
    },
    60_000,
  );

  test('a byte-order mark in the budgets file is not bad input: the run passes', async () => {
    const outcome = await run(
      [VITEST, 'bench', '--run'],
      { ...BENCH_ENV, CONVERSE_BENCH_BUDGETS_FILE: BUDGETS_BOM },
      PROJECT,
    );
    expect(outcome.code, outcome.stdout + outcome.stderr).toBe(0);
  }, 60_000);

  test('a byte-order mark is not bad input: the run passes', async () => {
    const outcome = await run(
      [VITEST, 'bench', '--run'],
      { ...BENCH_ENV, CONVERSE_BENCH_DATASET_FILE: join(DATA, 'dataset-bom.csv') },
      PROJECT,
    );
    expect(outcome.code, outcome.stdout + outcome.stderr).toBe(0);
  }, 60_000);
});

describe('npm run bench takes converse-bench flags', () => {
  // npm as the user runs it; npm_execpath when this test itself runs under npm.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];

  test('an unknown flag is one line pointing to the list and to `--` for Vitest options, exit 2', async () => {
    const [file = 'npm', ...args] = npm;
    const outcome = await runChild(file, [...args, 'run', '-s', 'bench', '--', '--frobnicate'], {
      cwd: ROOT,
      env: childEnv(),
      timeout: 60_000,
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe(
      "converse-bench: --frobnicate: unknown option; run `converse-bench bench --help` for the list (Vitest's own options go after `--`)\n",
    );
  }, 60_000);
});
