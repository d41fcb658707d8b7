import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { planCommand, planRun, renderRunPlan } from '../src/cli/plan.ts';
import { DEFAULT_OPTIONS } from '../src/config/defaults.ts';
import { loadDataset } from '../src/data/dataset.ts';
import { renderPrompt } from '../src/data/template.ts';
import { loadTracking } from '../src/data/tracking.ts';
import { startEmulator } from '../src/emulator/index.ts';
import { callModel } from '../src/harness/call.ts';
import { estimatePlan, renderPlanLine } from '../src/plan/estimate.ts';
import type { ResolvedOptions } from '../src/records/options.ts';
import { callSpec, clientAt } from './helpers/calls.ts';
import { childEnv, vitestBench } from './helpers/subprocess.ts';

const PROJECT = resolve(import.meta.dirname, 'fixtures/project');
const MODEL = 'amazon.nova-micro-v1:0';
const FIXTURE_FILES = {
  datasetFile: 'data/documents.csv',
  trackingFile: 'data/tracking.csv',
  emulatorProfilesFile: 'data/profiles.json',
};
const options = (overrides: Partial<ResolvedOptions> = {}): ResolvedOptions => ({
  ...DEFAULT_OPTIONS,
  ...FIXTURE_FILES,
  ...overrides,
});
/** A counter whose sums are easy by hand: one token per character. */
const chars = (text: string): number => text.length;

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('estimatePlan and renderPlanLine', () => {
  test('calls by phase, input tokens summed over each call of its document, output bounded', () => {
    const estimate = estimatePlan({
      modelId: 'm.x-v1:0',
      api: 'converse-stream',
      region: 'eu-west-1',
      promptTemplate: 'Sum: {context}',
      documents: ['abc', 'defgh'],
      options: options({ warmupCalls: 3, experimentCounts: 2, invocationsPerScenario: 2, maxTokens: 100 }),
      count: chars,
    });
    // Prompts are 8 and 10 characters; warmup cycles documents 0, 1, 0; measure 2 x 2 x each document.
    expect(estimate).toEqual({
      modelId: 'm.x-v1:0',
      api: 'converse-stream',
      levels: 1,
      target: 'emulator',
      region: 'eu-west-1',
      warmupCalls: 3,
      measuredCalls: 8,
      inputTokens: 8 + 10 + 8 + 4 * (8 + 10),
      maxOutputTokens: 11 * 100,
      maxTokens: 100,
    });
    expect(renderPlanLine({ ...estimate, inputTokens: 12_345 })).toBe(
      'plan m.x-v1:0 converse-stream: 11 calls (3 warmup + 8 measured) to emulator eu-west-1, ~12,345 input tokens, <= 1,100 output tokens (maxTokens 100)',
    );
  });

  test('input tokens are what the emulator counts for the same prompts', async () => {
    const tracked = loadTracking(join(PROJECT, FIXTURE_FILES.trackingFile))[0];
    const documents = loadDataset(join(PROJECT, FIXTURE_FILES.datasetFile)).documents.map((d) => d.document);
    const template = tracked?.promptTemplate ?? '';
    const emulator = await startEmulator({ port: 0 });
    const bench = clientAt(emulator.url);
    try {
      let served = 0;
      for (const [document, text] of documents.entries()) {
        const record = await callModel(
          bench.client,
          callSpec({
            modelId: MODEL,
            document,
            prompt: renderPrompt(template, text),
            inferenceConfig: { temperature: 0.1, maxTokens: 1, topP: 0.9 },
          }),
        );
        served += record.status === 'ok' ? record.inputTokens : Number.NaN;
      }
      const estimate = estimatePlan({
        modelId: MODEL,
        api: 'converse',
        region: 'us-east-1',
        promptTemplate: template,
        documents,
        options: options({ warmupCalls: 0 }),
      });
      expect(estimate.inputTokens).toBe(served);
    } finally {
      bench.destroy();
      await emulator.close();
    }
  });
});

describe('planRun', () => {
  test('models named by a bench file, every API, totals; a model without one is listed, not run', () => {
    const plan = planRun({
      root: PROJECT,
      options: options({ api: 'both' }),
      benchDir: 'bench',
      count: chars,
    });
    expect(plan.models).toHaveLength(1);
    const [model] = plan.models;
    expect(model?.benchFile).toBe('bench/nova-micro.bench.ts');
    expect(model?.estimates.map((e) => [e.api, e.warmupCalls, e.measuredCalls])).toEqual([
      ['converse', 1, 2],
      ['converse-stream', 1, 2],
    ]);
    expect(plan.total.calls).toBe(6);
    // The default maxTokens, the workshop's 1000, per call.
    expect(plan.total.maxOutputTokens).toBe(6 * 1000);
    expect(plan.overCap).toEqual([]);

    const none = planRun({ root: PROJECT, options: options(), benchDir: 'no-such-dir', count: chars });
    expect(none.models[0]?.estimates).toEqual([]);
    expect(renderRunPlan(none)).toBe(
      `skip ${MODEL}: no bench file names it\ntotal: 0 calls for 0 model(s), ~0 input tokens, <= 0 output tokens, cost <= ~$0 on Bedrock (an estimate: the emulator bills nothing)\n`,
    );
  });

  test('against Bedrock the cap counts a model over all its APIs', () => {
    const plan = planRun({
      root: PROJECT,
      options: options({ target: 'bedrock', api: 'both', maxCalls: 5 }),
      benchDir: 'bench',
      count: chars,
    });
    expect(plan.overCap).toEqual([{ modelId: MODEL, calls: 6 }]);
    expect(renderRunPlan(plan).split('\n').at(-2)).toBe(
      `over maxCalls 5 per model: ${MODEL} (6); the run refuses them without --allow-large-run`,
    );
  });
});

describe('planCommand', () => {
  function capture(): { out: () => string } {
    let text = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      text += String(chunk);
      return true;
    });
    return { out: () => text };
  }

  function inFixture(): void {
    vi.spyOn(process, 'cwd').mockReturnValue(PROJECT);
    vi.stubEnv('CONVERSE_BENCH_DATASET_FILE', FIXTURE_FILES.datasetFile);
    vi.stubEnv('CONVERSE_BENCH_TRACKING_FILE', FIXTURE_FILES.trackingFile);
    vi.stubEnv('CONVERSE_BENCH_TARGET', undefined);
  }

  test('bench flags shape the plan; --json prints the structure; exit 0', async () => {
    inFixture();
    const io = capture();
    const code = await planCommand(['--invocations-per-scenario', '3', '--api', 'converse-stream', '--json']);
    expect(code).toBe(0);
    const plan = JSON.parse(io.out());
    expect(plan.models[0].estimates[0]).toMatchObject({ api: 'converse-stream', measuredCalls: 6 });
    expect(plan.total.calls).toBe(7);
  });

  test('a Bedrock plan over maxCalls: exit 1 and the line that says so; allowed: exit 0', async () => {
    inFixture();
    const io = capture();
    expect(await planCommand(['--target', 'bedrock', '--max-calls', '2'])).toBe(1);
    expect(io.out()).toContain(`over maxCalls 2 per model: ${MODEL} (3); the run refuses them`);
    expect(await planCommand(['--target', 'bedrock', '--max-calls', '2', '--allow-large-run'])).toBe(0);
  });

  test('bad input is a UserError naming the flag', async () => {
    inFixture();
    capture();
    await expect(planCommand(['--bench-dir'])).rejects.toThrow('--bench-dir: needs a folder');
    await expect(planCommand(['--nope'])).rejects.toThrow('--nope: unknown option');
    await expect(planCommand(['--', '--shard=1/2'])).rejects.toThrow('plan takes no Vitest options');
  });
});

describe('CONVERSE_BENCH_DRY_RUN in benchModel', () => {
  test('prints the same plan line as `converse-bench plan`, makes no call, exits 0', {
    timeout: 60_000,
  }, async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'converse-bench-dry-run-'));
    const env = childEnv({
      CONVERSE_BENCH_DRY_RUN: 'true',
      CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '2',
      CONVERSE_BENCH_DATASET_FILE: FIXTURE_FILES.datasetFile,
      CONVERSE_BENCH_TRACKING_FILE: FIXTURE_FILES.trackingFile,
      CONVERSE_BENCH_EMULATOR_PROFILES_FILE: FIXTURE_FILES.emulatorProfilesFile,
      CONVERSE_BENCH_OUTPUT_DIR: outDir,
    });
    const { code, stdout, stderr } = await vitestBench(PROJECT, env);
    const run = { code, output: stdout + stderr };
    expect(run.code, run.output).toBe(0);
    const expected = renderPlanLine(
      planRun({ root: PROJECT, options: options({ invocationsPerScenario: 2 }), benchDir: 'bench' }).models[0]
        ?.estimates[0] as Parameters<typeof renderPlanLine>[0],
    );
    expect(run.output).toContain(`${expected}\n`);
    expect(run.output).toMatch(/1 skipped/);
    expect(readdirSync(outDir).filter((f) => f.startsWith('journal-'))).toEqual([]);
  });
});
