import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { expect, test } from 'vitest';
import { BENCH_PROJECT_DATA_ENV, oneModelProject } from './helpers/project.ts';
import { CLI_MAIN, childEnv, ROOT, run, VITEST } from './helpers/subprocess.ts';

const MODEL = 'amazon.nova-micro-v1:0';

/**
 * A bench file whose Vitest worker is killed (as the kernel's out-of-memory killer does) once three
 * calls are in the journal: the worker sends the reporter nothing, the journal has every call made.
 */
function crashingProject(outDir: string): string {
  const dir = oneModelProject('converse-bench-crash-', MODEL);
  writeFileSync(
    join(dir, 'bench/model.bench.ts'),
    [
      "import { readdirSync, readFileSync } from 'node:fs';",
      `import { benchModel } from ${JSON.stringify(join(ROOT, 'src/vitest/bench-model.ts'))};`,
      `benchModel(${JSON.stringify(MODEL)});`,
      `const out = ${JSON.stringify(outDir)};`,
      'setInterval(() => {',
      "  const name = readdirSync(out).find((file) => file.startsWith('journal-'));",
      "  const text = name === undefined ? '' : readFileSync(out + '/' + name, 'utf8');",
      '  const calls = text.split(\'{"type":"call"\').length - 1;',
      "  if (calls >= 3) process.kill(process.pid, 'SIGKILL');",
      '}, 5).unref();',
      '',
    ].join('\n'),
  );
  return dir;
}

test('a crashed Vitest worker: one line saying the journal holds the calls, then rebuild makes the outputs', {
  timeout: 120_000,
}, async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'converse-bench-crash-out-'));
  const dir = crashingProject(outDir);
  const env = childEnv({
    ...BENCH_PROJECT_DATA_ENV,
    CONVERSE_BENCH_OUTPUT_DIR: outDir,
    CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '50',
    CONVERSE_BENCH_NUM_PARALLEL_CALLS: '2',
  });
  const bench = await run(process.execPath, [VITEST, 'bench', '--run'], { cwd: dir, env, timeout: 90_000 });
  expect(bench.code).toBe(1);
  const journalName = readdirSync(outDir).find((file) => file.startsWith('journal-')) as string;
  const journal = join(outDir, journalName);
  const journaled = readFileSync(journal, 'utf8').split('{"type":"call"').length - 1;
  expect(journaled).toBeGreaterThanOrEqual(3);
  expect(readdirSync(outDir).filter((file) => file.startsWith('run-'))).toEqual([]);
  expect(bench.stderr).toContain(
    `converse-bench: the journal holds ${journaled} calls, the outputs 0 (a Vitest worker crashed or was killed?): rebuild them with \`converse-bench rebuild ${journal}\`\n`,
  );
  const rebuilt = await run(process.execPath, [CLI_MAIN, 'rebuild', journal], {
    cwd: dir,
    env,
    timeout: 60_000,
  });
  expect(rebuilt.code, rebuilt.stderr).toBe(0);
  // Every journaled call is a row: the measured ones in the model's CSV, the warmup in its own.
  const csvs = readdirSync(outDir).filter((file) => file.includes('document_summarization_'));
  expect(csvs).toHaveLength(2);
  const rows = csvs.flatMap((csv) => parse(readFileSync(join(outDir, csv), 'utf8'), { columns: true }));
  expect(rows).toHaveLength(journaled);
  const record = JSON.parse(
    readFileSync(join(outDir, readdirSync(outDir).find((f) => f.startsWith('run-')) as string), 'utf8'),
  );
  expect(record.context.interrupted).toBe(true);
});
