import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { expect, test } from 'vitest';
import { countTokens } from '../src/emulator/tokenizer.ts';
import type { RunRecord } from '../src/records/run-record.ts';
import { BENCH_PROJECT_DATA_ENV, oneModelProject } from './helpers/project.ts';
import { CLI_MAIN, childEnv, ROOT, run } from './helpers/subprocess.ts';

// Extended thinking, tool use, a system prompt and a conversation dataset in one bench project run as
// a user's (converse-bench bench), against the embedded emulator: what reaches the CSV and the summary.
const CLAUDE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const MICRO = 'amazon.nova-micro-v1:0';

function project(): string {
  const dir = oneModelProject('converse-bench-features-', CLAUDE);
  writeFileSync(
    join(dir, 'data/evaluation_tracking.csv'),
    `model,text_prompt,system_prompt\n${CLAUDE},"Summarize: {context}",Answer only from the document.\n${NOVA},"Summarize: {context}",\n${MICRO},"{context}",You are a support agent.\n`,
  );
  mkdirSync(join(dir, 'data'), { recursive: true });
  copyFileSync(join(ROOT, 'test/fixtures/tools/record-summary.json'), join(dir, 'data/tools.json'));
  copyFileSync(join(ROOT, 'test/fixtures/conversations/support.jsonl'), join(dir, 'data/chats.jsonl'));
  const entry = JSON.stringify(join(ROOT, 'src/vitest/bench-model.ts'));
  const bench = (name: string, options: string): void =>
    writeFileSync(
      join(dir, 'bench', `${name}.bench.ts`),
      `import { benchModel } from ${entry};\nbenchModel(${options});\n`,
    );
  bench(
    'claude',
    `{ model: '${CLAUDE}', reasoningBudget: 2048, temperature: 1, topP: 1, maxTokens: 4096, datasetFile: 'data/documents.csv' }`,
  );
  bench('nova', `{ model: '${NOVA}', toolConfigFile: 'data/tools.json', datasetFile: 'data/documents.csv' }`);
  bench('micro', `{ model: '${MICRO}', datasetFile: 'data/chats.jsonl' }`);
  return dir;
}

function csvOf(outDir: string, model: string): Record<string, string>[] {
  const name = readdirSync(outDir).find(
    (f) => f.startsWith(`document_summarization_${model.replaceAll(':', '-')}_`) && f.endsWith('.csv'),
  );
  if (name === undefined) throw new Error(`no CSV for ${model}`);
  return parse(readFileSync(join(outDir, name), 'utf8'), { columns: true }) as Record<string, string>[];
}

test('each feature reaches the CSV, the run record and the console summary', {
  timeout: 240_000,
}, async () => {
  const dir = project();
  const outDir = mkdtempSync(join(tmpdir(), 'converse-bench-features-out-'));
  const { CONVERSE_BENCH_DATASET_FILE: _unset, ...data } = BENCH_PROJECT_DATA_ENV;
  const env = childEnv({
    ...data,
    CONVERSE_BENCH_OUTPUT_DIR: outDir,
    CONVERSE_BENCH_DELAY_BETWEEN_CALLS: '0',
  });
  const outcome = await run(process.execPath, [CLI_MAIN, 'bench', '--api', 'converse-stream', '--quiet'], {
    cwd: dir,
    env,
    timeout: 200_000,
  });
  expect(outcome.stderr).not.toContain('Error');
  expect(outcome.code).toBe(0);

  const claude = csvOf(outDir, CLAUDE);
  expect(claude).toHaveLength(2);
  for (const row of claude) {
    expect(row.reasoning_budget).toBe('2048');
    expect(Number(row.first_reasoning_ms)).toBeGreaterThan(0);
    expect(Number(row.ttft_ms)).toBeGreaterThan(Number(row.first_reasoning_ms));
    expect(Number(row.reasoning_phase_ms)).toBeCloseTo(
      Number(row.ttft_ms) - Number(row.first_reasoning_ms),
      9,
    );
    expect(Number(row.reasoning_tokens_estimate)).toBeGreaterThan(0);
    expect(Number(row.model_output_tokens)).toBe(
      Number(row.reasoning_tokens_estimate) + countTokens(row.model_response ?? ''),
    );
    expect(row.prior_turns).toBe('0');
  }
  const nova = csvOf(outDir, NOVA);
  for (const row of nova) {
    expect(row).toMatchObject({
      stop_reason: 'tool_use',
      tool_calls: '1',
      tool_name: 'record_summary',
      tool_input_parsed: 'true',
    });
    expect(row.tool_config).toMatch(/^[0-9a-f]{12}$/);
    expect(Number(row.tool_input_ms)).toBeGreaterThan(Number(row.tool_use_start_ms));
    expect(row.ttft_ms).toBe('');
  }
  const micro = csvOf(outDir, MICRO);
  expect(micro.map((row) => [row.document, row.prior_turns])).toEqual([
    ['Last Monday. The tracking page says it left the depot on Tuesday. Nothing has changed since.', '2'],
    ['Summarize: The council approved the new park on Monday. Work starts in May.', '0'],
  ]);

  const recordName = readdirSync(outDir).find((f) => f.startsWith('run-') && f.endsWith('.json')) as string;
  const record = JSON.parse(readFileSync(join(outDir, recordName), 'utf8')) as RunRecord;
  const byId = (id: string) => record.models.find((m) => m.modelId === id);
  expect(byId(CLAUDE)?.key).toBe(`${CLAUDE}|converse-stream|standard|reasoning=2048`);
  expect(byId(CLAUDE)?.summary.reasoningTokensEstimate?.n).toBe(2);
  expect(byId(NOVA)?.summary).toMatchObject({
    toolUseCalls: 2,
    toolInputMs: { n: 2 },
    toolUseStartMs: { n: 2 },
  });
  expect(byId(NOVA)?.toolConfigFingerprint).toBe(nova[0]?.tool_config);
  expect(byId(MICRO)?.summary.priorTurnsMean).toBe(1);
  expect(outcome.stdout).toContain('    reasoning (budget 2048): first reasoning delta P50 ');
  expect(outcome.stdout).toMatch(
    / {4}tool use \(tools [0-9a-f]{12}\): 2 of 2 ok calls stopped for tool_use; tool call start P50 /,
  );
  expect(outcome.stdout).toContain('    conversations: 1.0 turns before the answered one (mean)');
});
