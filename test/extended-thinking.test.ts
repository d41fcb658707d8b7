import {
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/config/resolve.ts';
import { summarize } from '../src/emulator/summarizer.ts';
import { countTokens } from '../src/emulator/tokenizer.ts';
import { callModel } from '../src/harness/call.ts';
import { reasoningProblem, reasoningRequestFields } from '../src/harness/reasoning-fields.ts';
import { modelKey } from '../src/load/sweep.ts';
import type { CallRecord, OkCall } from '../src/records/call-record.ts';
import { interTokenMs, outputTokensPerSecond, reasoningPhaseMs } from '../src/records/metrics.ts';
import { toCsvRow } from '../src/report/rows.ts';
import { withoutTexts } from '../src/report/without-texts.ts';
import { summarizeCalls } from '../src/summary/summarize-calls.ts';
import { withReasoningEstimate } from '../src/vitest/reasoning-estimate.ts';
import { callSpec, okCallOf } from './helpers/calls.ts';
import { emulatorForFile } from './helpers/emulator.ts';

// Extended thinking through the unmodified SDK over real HTTP to the emulator: Claude's
// `thinking.budget_tokens` and Nova 2's `reasoningConfig`, sent in additionalModelRequestFields.
const CLAUDE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const NOVA_2 = 'us.amazon.nova-2-lite-v1:0';
const PROMPT =
  'Summarize: The council approved the new park on Monday. Work starts in May. The park will have a pond and a playground.';
/** The answer is the one the model gives without thinking: the emulator's summary of the prompt. */
const ANSWER = summarize(PROMPT);
const THINKING_CONFIG = { temperature: 1, maxTokens: 4096, topP: 1 };

const shared = emulatorForFile();

describe('the request', () => {
  it('carries each family its own fields, and nothing when off', () => {
    expect(reasoningRequestFields(CLAUDE, 2048)).toEqual({
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    expect(reasoningRequestFields(NOVA_2, 'medium')).toEqual({
      reasoningConfig: { type: 'enabled', maxReasoningEffort: 'medium' },
    });
    expect(reasoningRequestFields(CLAUDE, 'off')).toBeUndefined();
  });

  it('refuses unsupported families and combinations in one line', () => {
    const ok = { temperature: 1, topP: 1, maxTokens: 4096 };
    expect(reasoningProblem('amazon.nova-lite-v1:0', 2048, ok)).toBe(
      'reasoningBudget 2048: extended thinking is supported for Anthropic Claude (3.7 Sonnet, Claude 4 and later) and Amazon Nova 2 models only; set reasoningBudget off for this model',
    );
    expect(reasoningProblem('anthropic.claude-3-5-haiku-20241022-v1:0', 2048, ok)).toContain(
      'supported for Anthropic Claude (3.7 Sonnet',
    );
    expect(reasoningProblem(NOVA_2, 2048, ok)).toBe(
      'reasoningBudget 2048: Amazon Nova 2 takes an effort, not a token budget; set reasoningBudget to low, medium or high',
    );
    expect(reasoningProblem(CLAUDE, 'low', ok)).toBe(
      'reasoningBudget low: Anthropic Claude takes a token budget (budget_tokens), not an effort; set reasoningBudget to a whole number >= 1024',
    );
    expect(reasoningProblem(CLAUDE, 4096, ok)).toBe(
      'reasoningBudget 4096 must be below maxTokens 4096 (Claude counts thinking in max_tokens); raise maxTokens or lower the budget',
    );
    expect(reasoningProblem(CLAUDE, 2048, { ...ok, temperature: 0.7, topP: 0.9 })).toBe(
      'extended thinking on Claude needs temperature 1 and topP from 0.95 to 1 (temperature 0.7, topP 0.9 set); set temperature 1 and topP 1',
    );
    expect(reasoningProblem(CLAUDE, 2048, ok)).toBeUndefined();
    expect(
      reasoningProblem(
        'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-20250514-v1:0',
        2048,
        ok,
      ),
    ).toBeUndefined();
    expect(reasoningProblem('amazon.nova-lite-v1:0', 'off', ok)).toBeUndefined();
  });

  it('is a setting: off by default, a budget or an effort from the environment, one line otherwise', () => {
    expect(resolveOptions().reasoningBudget).toBe('off');
    expect(resolveOptions({ env: { CONVERSE_BENCH_REASONING_BUDGET: '4096' } }).reasoningBudget).toBe(4096);
    expect(resolveOptions({ env: { CONVERSE_BENCH_REASONING_BUDGET: 'high' } }).reasoningBudget).toBe('high');
    expect(resolveOptions({ file: { reasoningBudget: 2048 } }).reasoningBudget).toBe(2048);
    expect(() => resolveOptions({ env: { CONVERSE_BENCH_REASONING_BUDGET: '500' } })).toThrow(
      'CONVERSE_BENCH_REASONING_BUDGET="500": reasoningBudget must be off, a whole number of tokens from 1024 to 128000 (Anthropic Claude), or low, medium or high (Amazon Nova 2)',
    );
    expect(() =>
      resolveOptions({ file: { reasoningBudget: 'max' as never }, where: 'bench/x.bench.ts' }),
    ).toThrow('bench/x.bench.ts: reasoningBudget="max": reasoningBudget must be off');
  });
});

describe('the emulator, through the unmodified SDK', () => {
  it('streams reasoning text deltas, then the signature, then the text in the next block', async () => {
    const output = await shared.sdk.send(
      new ConverseStreamCommand({
        modelId: CLAUDE,
        messages: [{ role: 'user', content: [{ text: PROMPT }] }],
        inferenceConfig: THINKING_CONFIG,
        additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } },
      }),
    );
    const events: ConverseStreamOutput[] = [];
    for await (const event of output.stream ?? []) events.push(event);
    const kinds = events.map((e) => {
      const delta = e.contentBlockDelta?.delta;
      if (delta?.reasoningContent?.text !== undefined)
        return `reasoning@${e.contentBlockDelta?.contentBlockIndex}`;
      if (delta?.reasoningContent?.signature !== undefined) return 'signature';
      if (delta?.text !== undefined) return `text@${e.contentBlockDelta?.contentBlockIndex}`;
      if (e.contentBlockStop !== undefined) return `stop@${e.contentBlockStop.contentBlockIndex}`;
      return Object.keys(e)[0];
    });
    const collapsed = kinds.filter((k, i) => k !== kinds[i - 1]);
    expect(collapsed).toEqual([
      'messageStart',
      'reasoning@0',
      'signature',
      'stop@0',
      'text@1',
      'stop@1',
      'messageStop',
      'metadata',
    ]);
    const reasoning = events.map((e) => e.contentBlockDelta?.delta?.reasoningContent?.text ?? '').join('');
    const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? '').join('');
    const usage = events.at(-1)?.metadata?.usage;
    // Thinking is output: it counts in outputTokens with the text.
    expect(usage?.outputTokens).toBe(countTokens(reasoning) + countTokens(text));
  });

  it('answers Converse with a reasoningContent block before the text block', async () => {
    const output = await shared.sdk.send(
      new ConverseCommand({
        modelId: NOVA_2,
        messages: [{ role: 'user', content: [{ text: PROMPT }] }],
        inferenceConfig: { temperature: 0.7, maxTokens: 1000, topP: 0.9 },
        additionalModelRequestFields: { reasoningConfig: { type: 'enabled', maxReasoningEffort: 'low' } },
      }),
    );
    const content = output.output?.message?.content ?? [];
    expect(content).toHaveLength(2);
    const thought = content[0]?.reasoningContent?.reasoningText;
    expect(thought?.text).toMatch(/^The user wants a summary\./);
    expect(thought?.signature).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(content[1]?.text).toBe(ANSWER);
  });

  it.each([
    [
      { temperature: 0.7, maxTokens: 4096, topP: 1 },
      '`temperature` may only be set to 1 when thinking is enabled',
    ],
    [
      { temperature: 1, maxTokens: 4096, topP: 0.9 },
      '`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled',
    ],
    [
      { temperature: 1, maxTokens: 2048, topP: 1 },
      '`max_tokens` must be greater than `thinking.budget_tokens`',
    ],
  ])('refuses Claude thinking with %o as Bedrock does', async (inferenceConfig, message) => {
    const send = shared.sdk.send(
      new ConverseCommand({
        modelId: CLAUDE,
        messages: [{ role: 'user', content: [{ text: PROMPT }] }],
        inferenceConfig,
        additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } },
      }),
    );
    await expect(send).rejects.toMatchObject({
      name: 'ValidationException',
      message: `The model returned the following errors: ${message}`,
    });
  });

  it("refuses a family's reasoning field on another family's model, as Bedrock does", async () => {
    const record = await callModel(
      shared.bench.client,
      callSpec({
        modelId: 'amazon.nova-lite-v1:0',
        prompt: PROMPT,
        reasoningBudget: 2048,
        inferenceConfig: THINKING_CONFIG,
      }),
    );
    expect(record).toMatchObject({
      status: 'error',
      errorKind: 'ValidationException',
      errorMessage: 'The model returned the following errors: extraneous key [thinking] is not permitted',
    });
  });
});

describe('recorded per call', () => {
  it.each(['converse-stream', 'converse'] as const)(
    '%s: reasoning text, its timing when streamed, and TTFT at the first text',
    async (api) => {
      const record = await callModel(
        shared.bench.client,
        callSpec({
          modelId: CLAUDE,
          api,
          prompt: PROMPT,
          reasoningBudget: 2048,
          inferenceConfig: THINKING_CONFIG,
        }),
      );
      expect(record.status).toBe('ok');
      const ok = record as OkCall;
      expect(ok.reasoningBudget).toBe(2048);
      expect(ok.reasoningText).toMatch(/^The user wants a summary\./);
      expect(ok.text).toBe(ANSWER);
      expect(ok.outputTokens).toBe(countTokens(ok.reasoningText ?? '') + countTokens(ok.text));
      if (api === 'converse-stream') {
        expect(ok.firstReasoningMs).toBeGreaterThan(0);
        expect(ok.ttftMs).toBeGreaterThan(ok.firstReasoningMs ?? Number.POSITIVE_INFINITY);
        expect(reasoningPhaseMs(ok)).toBe((ok.ttftMs ?? 0) - (ok.firstReasoningMs ?? 0));
      } else {
        expect(ok.firstReasoningMs).toBeUndefined();
        expect(reasoningPhaseMs(ok)).toBeUndefined();
      }
      const counted = withReasoningEstimate(ok) as OkCall;
      expect(counted.reasoningTokensEstimate).toBe(countTokens(ok.reasoningText ?? ''));
      expect(withoutTexts(counted)).not.toHaveProperty('reasoningText');
      expect(withoutTexts(counted)).toMatchObject({
        reasoningTokensEstimate: counted.reasoningTokensEstimate,
      });
    },
  );

  it('leaves calls without reasoning as they were', async () => {
    const record = await callModel(shared.bench.client, callSpec({ prompt: PROMPT, api: 'converse-stream' }));
    expect(record).not.toHaveProperty('reasoningBudget');
    expect(record).not.toHaveProperty('firstReasoningMs');
    expect(record).not.toHaveProperty('reasoningText');
    expect(withReasoningEstimate(record)).toBe(record);
  });
});

const okCall = (over: Partial<OkCall>): OkCall =>
  okCallOf({ api: 'converse-stream', reasoningBudget: 2048, outputTokens: 200, ...over });

describe('in the CSV and the summary', () => {
  const records: CallRecord[] = [
    okCall({ firstReasoningMs: 100, ttftMs: 400, reasoningTokensEstimate: 150 }),
    okCall({ firstReasoningMs: 200, ttftMs: 300, reasoningTokensEstimate: 170 }),
  ];

  it('adds the reasoning columns after the earlier ones', () => {
    const row = toCsvRow(records[0] as CallRecord, { transport: 'http1', documents: [], redactTexts: false });
    const columns = Object.keys(row);
    const at = columns.indexOf('connection_reused') + 1;
    expect(columns.slice(at, at + 4)).toEqual([
      'reasoning_budget',
      'first_reasoning_ms',
      'reasoning_phase_ms',
      'reasoning_tokens_estimate',
    ]);
    expect(columns.slice(at, at + 4).map((c) => row[c as keyof typeof row])).toEqual([2048, 100, 300, 150]);
    const off = toCsvRow({ ...okCall({}), reasoningBudget: undefined } as unknown as CallRecord, {
      transport: 'http1',
      documents: [],
      redactTexts: false,
    });
    expect([
      off.reasoning_budget,
      off.first_reasoning_ms,
      off.reasoning_phase_ms,
      off.reasoning_tokens_estimate,
    ]).toEqual(['off', '', '', '']);
  });

  it('times ITL and output speed from the first reasoning delta: reasoning tokens are output', () => {
    const call = okCall({ firstReasoningMs: 100, ttftMs: 400, latencyMs: 900, outputTokens: 201 });
    expect(interTokenMs(call)).toBe(800 / 200);
    expect(outputTokensPerSecond(call)).toBe(200 / 0.8);
    const plain = okCall({ reasoningBudget: undefined, ttftMs: 400, latencyMs: 900, outputTokens: 201 });
    expect(interTokenMs(plain)).toBe(500 / 200);
  });

  it('summarizes time to first reasoning, reasoning to first text and the estimate per model', () => {
    const summary = summarizeCalls(records);
    expect(summary.firstReasoningMs).toMatchObject({ n: 2, mean: 150, min: 100, max: 200, p90: 190 });
    expect(summary.reasoningPhaseMs).toMatchObject({ n: 2, mean: 200, min: 100, max: 300 });
    expect(summary.reasoningTokensEstimate).toMatchObject({ n: 2, mean: 160 });
    expect(summary.ttftMs).toMatchObject({ min: 300, max: 400 });
    expect(summarizeCalls([okCall({})])).not.toHaveProperty('firstReasoningMs');
  });

  it('keys a model by its budget, so the gate never compares two budgets', () => {
    expect(modelKey('m', 'converse', 'standard', undefined, { reasoningBudget: 2048 })).toBe(
      'm|converse|standard|reasoning=2048',
    );
    expect(
      modelKey('m', 'converse', 'standard', undefined, { serviceTier: 'priority', reasoningBudget: 'low' }),
    ).toBe('m|converse|standard|priority|reasoning=low');
    expect(modelKey('m', 'converse', 'standard')).toBe('m|converse|standard');
  });
});
