import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedPlanner, type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { type CallSpec, callModel } from '../src/harness/call.ts';
import type { BenchClient } from '../src/harness/client.ts';
import type { OkCall } from '../src/records/call-record.ts';
import { interTokenMs } from '../src/records/metrics.ts';
import { toCsvRow } from '../src/report/rows.ts';
import { summarizeCalls } from '../src/summary/summarize-calls.ts';
import { callSpec, clientAt } from './helpers/calls.ts';
import { childEnv, FIXTURE_DATA_ENV, vitestBench } from './helpers/subprocess.ts';

/**
 * ConverseStream through the real SDK and the emulator: TTFT is timed from before `send()`, not from
 * the response headers (which the emulator sends with messageStart at once); figures agree with the
 * emulator's ground truth; a single-token answer has no ITL anywhere (empty cell, absent field).
 */
const SCHEDULED_TTFT_MS = 150;
// Node timers may fire up to 1 ms early by the high-resolution clock (see call-emulator.test.ts).
const TIMER_SLACK_MS = 1;

let emulator: RunningEmulator;
let bench: BenchClient;

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    planner: fixedPlanner({ ttftMs: SCHEDULED_TTFT_MS, tokensPerSecond: 2000 }),
  });
  bench = clientAt(emulator.url);
});

afterAll(async () => {
  bench.destroy();
  await emulator.close();
});

const spec = (maxTokens: number): CallSpec =>
  callSpec({
    api: 'converse-stream',
    prompt:
      'The river flooded the lower town twice this spring. Engineers built a new wall along the bank. ' +
      'The council will pay for it from the reserve fund. Residents asked for an early warning system.',
    inferenceConfig: { temperature: 0.1, maxTokens, topP: 0.9 },
  });

describe('ConverseStream timing', () => {
  test('TTFT counts from before send(): at least the scheduled TTFT, though headers came first', async () => {
    // When the SDK's send() resolves for a stream: its deserialize step returns with the headers.
    let headersAtMs: number | undefined;
    bench.client.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        headersAtMs = performance.now();
        return out;
      },
      { step: 'deserialize', name: 'test-headers-at' },
    );
    try {
      const record = (await callModel(bench.client, spec(64))) as OkCall;
      expect(record.status).toBe('ok');
      const ttft = record.ttftMs as number;
      expect(ttft).toBeGreaterThanOrEqual(SCHEDULED_TTFT_MS - TIMER_SLACK_MS);
      // Headers (with messageStart) were read before the first text delta could be.
      expect((headersAtMs as number) - record.startMs).toBeLessThan(ttft);

      const truth = emulator.groundTruthFor(record.requestId as string);
      expect(truth).toMatchObject({
        api: 'converse-stream',
        outcome: 'completed',
        scheduledTtftMs: SCHEDULED_TTFT_MS,
      });
      // Recomputed from the emulator's stamps: the client cannot see the first token before it was written,
      // nor the last byte before it was sent.
      const t = truth as Required<typeof truth & object>;
      expect(record.outputTokens).toBe(t.outputTokens);
      expect(record.inputTokens).toBe(t.inputTokens);
      expect(ttft).toBeGreaterThanOrEqual(t.firstTokenMs - t.receivedMs - TIMER_SLACK_MS);
      expect(record.latencyMs).toBeGreaterThanOrEqual(t.lastByteMs - t.receivedMs - TIMER_SLACK_MS);
      expect(record.latencyMs).toBeGreaterThanOrEqual(t.scheduledTotalMs - TIMER_SLACK_MS);
      expect(interTokenMs(record)).toBe((record.latencyMs - ttft) / (record.outputTokens - 1));
    } finally {
      bench.client.middlewareStack.remove('test-headers-at');
    }
  });

  test('maxTokens 1: one token, ITL and output speed undefined: empty CSV cells, absent from the summary', async () => {
    const record = (await callModel(bench.client, spec(1))) as OkCall;
    expect(record).toMatchObject({ status: 'ok', outputTokens: 1, stopReason: 'max_tokens', deltas: 1 });
    expect(record.ttftMs).toBeGreaterThanOrEqual(SCHEDULED_TTFT_MS - TIMER_SLACK_MS);
    const row = toCsvRow(record, { transport: 'http1', documents: [], redactTexts: true });
    expect([row.itl_ms, row.output_tokens_per_s]).toEqual(['', '']);
    expect(row.ttft_ms).toBe(record.ttftMs);
    const summary = summarizeCalls([record, record]);
    expect(summary.ttftMs?.n).toBe(2);
    expect('itlMs' in summary).toBe(false);
    expect('outputTokensPerSecond' in summary).toBe(false);
    expect(JSON.parse(JSON.stringify(summary)).itlMs).toBeUndefined();
  });
});

describe('api both and a TTFT budget, through vitest bench on the fixture project', () => {
  test('Converse and ConverseStream side by side in one run; a TTFT P90 budget under the TTFT fails it', {
    timeout: 120_000,
  }, async () => {
    const project = resolve(import.meta.dirname, 'fixtures/project');
    const out = mkdtempSync(join(tmpdir(), 'streaming-both-'));
    const budgets = join(out, 'budgets.json');
    // The fixture profile's TTFT is 800 ms, at real time (a time-scaled run gets no latency verdict):
    // 400 ms cannot hold.
    writeFileSync(budgets, JSON.stringify({ emulator: { 'amazon.nova-micro-v1:0': { ttftP90Ms: 400 } } }));
    const env = childEnv({
      CONVERSE_BENCH_API: 'both',
      CONVERSE_BENCH_BUDGETS_FILE: budgets,
      ...FIXTURE_DATA_ENV,
      CONVERSE_BENCH_OUTPUT_DIR: out,
    });
    const { code, stdout, stderr } = await vitestBench(project, env);
    const run = { code, output: stdout + stderr };
    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(
      /amazon\.nova-micro-v1:0 converse-stream: budget p90 ttftMs failed: .*> budget 400\.0 ms/,
    );
    const record = JSON.parse(
      readFileSync(join(out, readdirSync(out).find((f) => /^run-.*\.json$/.test(f)) as string), 'utf8'),
    );
    const byApi = Object.fromEntries(
      record.models.map((m: { api: string; calls: unknown[]; summary: Record<string, unknown> }) => [
        m.api,
        m,
      ]),
    );
    expect(Object.keys(byApi).sort()).toEqual(['converse', 'converse-stream']);
    expect(byApi.converse.calls).toHaveLength(5);
    expect(byApi['converse-stream'].calls).toHaveLength(5);
    expect(byApi.converse.summary.ttftMs).toBeUndefined();
    expect(byApi['converse-stream'].summary.ttftMs.p90).toBeGreaterThanOrEqual(800 - TIMER_SLACK_MS);
    // The Converse test held its (absent) TTFT budget: only the stream failed.
    expect(run.output).not.toMatch(/amazon\.nova-micro-v1:0 converse: budget/);
  });
});
