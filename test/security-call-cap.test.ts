import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { planRun } from '../src/cli/plan.ts';
import { DEFAULT_OPTIONS } from '../src/config/defaults.ts';
import { estimatePlan } from '../src/plan/estimate.ts';
import type { ResolvedOptions } from '../src/records/options.ts';
import { CLI_MAIN, childEnv, FIXTURE_DATA_ENV, run, vitestBench } from './helpers/subprocess.ts';

/**
 * The Bedrock call cap counts a model's whole plan, every API, every sweep level, warmups included,
 * by counting rather than building it, in `plan` and in a bench run before its first call (issue 16,
 * item 8). The fixture project has one model and 2 documents.
 */
const PROJECT = resolve(import.meta.dirname, 'fixtures/project');
const MODEL = 'amazon.nova-micro-v1:0';
const options = (overrides: Partial<ResolvedOptions> = {}): ResolvedOptions => ({
  ...DEFAULT_OPTIONS,
  datasetFile: 'data/documents.csv',
  trackingFile: 'data/tracking.csv',
  ...overrides,
});

let server: Server;
let endpoint = '';
let requests = 0;
beforeAll(async () => {
  server = createServer((request, response) => {
    requests++;
    request.resume();
    response.writeHead(500).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
});

describe('plan counts every sweep level', () => {
  test('40 invocations x 2 documents + 1 warmup, at 3 concurrency levels, both APIs: 6 x 81 calls', () => {
    const sweep = { kind: 'concurrency' as const, levels: [4, 8, 16] };
    const plan = planRun({
      root: PROJECT,
      options: options({ target: 'bedrock', api: 'both', invocationsPerScenario: 40, sweep, maxCalls: 400 }),
      benchDir: 'bench',
      count: (text) => text.length,
    });
    expect(plan.total.calls).toBe(2 * 3 * 81);
    expect(plan.overCap).toEqual([{ modelId: MODEL, calls: 486 }]);
  });

  test('a plan of 1e15 invocations is counted, not built (building it runs out of memory)', () => {
    const estimate = estimatePlan({
      modelId: MODEL,
      api: 'converse',
      region: 'us-east-1',
      promptTemplate: 'Sum: {context}',
      documents: ['abc', 'defgh'],
      options: options({ warmupCalls: 3, invocationsPerScenario: 1e15, maxTokens: 10 }),
      count: (text) => text.length,
    });
    // Prompts of 8 and 10 characters; warmup cycles documents 0, 1, 0.
    expect(estimate).toMatchObject({
      warmupCalls: 3,
      measuredCalls: 2e15,
      inputTokens: 8 + 10 + 8 + 1e15 * 18,
      maxOutputTokens: (3 + 2e15) * 10,
    });
  });

  test('`converse-bench plan --invocations-per-scenario 1e15` prints the plan and exits 0', async () => {
    const outcome = await run(process.execPath, [CLI_MAIN, 'plan', '--invocations-per-scenario', '1e15'], {
      cwd: PROJECT,
      env: childEnv(FIXTURE_DATA_ENV),
      timeout: 30_000,
    });
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain(
      '2,000,000,000,000,001 calls (1 warmup + 2,000,000,000,000,000 measured)',
    );
  });

  test('`plan --target bedrock --invocations-per-scenario 40 --sweep concurrency:4,8,16` is over maxCalls 200', async () => {
    const outcome = await run(
      process.execPath,
      [
        CLI_MAIN,
        'plan',
        '--target',
        'bedrock',
        '--invocations-per-scenario',
        '40',
        '--sweep',
        'concurrency:4,8,16',
        '--max-calls',
        '200',
      ],
      { cwd: PROJECT, env: childEnv({ ...FIXTURE_DATA_ENV, AWS_REGION: 'us-east-1' }), timeout: 30_000 },
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain(
      `plan ${MODEL} converse x 3 sweep levels: 243 calls (3 warmup + 240 measured)`,
    );
    expect(outcome.stdout).toContain(
      `over maxCalls 200 per model: ${MODEL} (243); the run refuses them without --allow-large-run`,
    );
  });
});

describe('a bench run refuses before its first call', () => {
  async function bench(extra: Record<string, string>) {
    requests = 0;
    const outcome = await vitestBench(
      PROJECT,
      childEnv({
        ...FIXTURE_DATA_ENV,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDCAPTEST',
        AWS_SECRET_ACCESS_KEY: 'cap-test-secret',
        CONVERSE_BENCH_TARGET: 'bedrock',
        CONVERSE_BENCH_ENDPOINT: endpoint,
        CONVERSE_BENCH_OUTPUT_DIR: mkdtempSync(join(tmpdir(), 'converse-bench-cap-')),
        ...extra,
      }),
      60_000,
    );
    return { ...outcome, output: outcome.stdout + outcome.stderr };
  }

  test('a sweep over maxCalls across its levels: every level refused, no request sent', {
    timeout: 90_000,
  }, async () => {
    // 81 calls per level: under the cap of 200 one level at a time, 243 over all three.
    const run = await bench({
      CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '40',
      CONVERSE_BENCH_SWEEP: 'concurrency:4,8,16',
      CONVERSE_BENCH_MAX_CALLS: '200',
    });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain(
      `${MODEL}: 243 calls against Bedrock exceed maxCalls 200 (every API, every sweep level, warmups included)`,
    );
    expect(requests).toBe(0);
  });

  test('1e15 invocations: refused at once, no plan built, no request sent', { timeout: 90_000 }, async () => {
    const run = await bench({ CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '1e15' });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain(`${MODEL}: 2000000000000001 calls against Bedrock exceed maxCalls 500`);
    expect(requests).toBe(0);
  });
});
