import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  type ToolConfiguration,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/config/resolve.ts';
import { loadToolConfig } from '../src/data/tool-config.ts';
import { summarize } from '../src/emulator/summarizer.ts';
import { exampleInput } from '../src/emulator/tools.ts';
import { callModel } from '../src/harness/call.ts';
import { reasoningProblem } from '../src/harness/reasoning-fields.ts';
import { modelKey } from '../src/load/sweep.ts';
import type { CallRecord, OkCall } from '../src/records/call-record.ts';
import type { ToolConfigJson } from '../src/records/tool-config.ts';
import { toCsvRow } from '../src/report/rows.ts';
import { summarizeCalls } from '../src/summary/summarize-calls.ts';
import { callSpec, okCallOf } from './helpers/calls.ts';
import { emulatorForFile } from './helpers/emulator.ts';

// Tool use through the unmodified SDK over real HTTP to the emulator: a Converse toolConfig from a
// file, the stop reason tool_use, and the times to the tool call's start and to its complete input.
const FIXTURE = 'test/fixtures/tools/record-summary.json';
const PROMPT =
  'Summarize: The council approved the new park on Monday. Work starts in May. The park will have a pond and a playground.';
const SUMMARY = summarize(PROMPT);
const EXPECTED_INPUT = {
  summary: SUMMARY,
  title: SUMMARY.split(' ').slice(0, 3).join(' '),
  sentences: 2,
  tone: 'neutral',
  keywords: [SUMMARY.split(' ').slice(0, 3).join(' '), SUMMARY.split(' ').slice(0, 3).join(' ')],
  urgent: true,
};

const shared = emulatorForFile();
const tools = loadToolConfig(FIXTURE);
const auto: ToolConfigJson = { tools: tools.config.tools, toolChoice: { auto: {} } };

function badFile(content: string): () => unknown {
  const dir = mkdtempSync(join(tmpdir(), 'tools-'));
  const path = join(dir, 'tools.json');
  writeFileSync(path, content);
  return () => loadToolConfig(path, 'data/tools.json');
}

describe('the tool configuration file', () => {
  it('loads a Converse toolConfig with a fingerprint', () => {
    expect(tools.config.toolChoice).toEqual({ tool: { name: 'record_summary' } });
    expect(tools.config.tools[0]?.toolSpec.name).toBe('record_summary');
    expect(tools.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(loadToolConfig(FIXTURE).fingerprint).toBe(tools.fingerprint);
  });

  it.each([
    ['{', /^data\/tools\.json: is not JSON \(.+\); write a Converse toolConfig object$/],
    ['[]', 'data/tools.json: $ must be an object with "tools" (and optionally "toolChoice")'],
    ['{"tools":[]}', 'data/tools.json: $.tools must be a non-empty list of { "toolSpec": ... }'],
    [
      '{"tools":[],"tool_choice":{}}',
      'data/tools.json: $.tool_choice is not a field here; allowed: tools, toolChoice',
    ],
    [
      '{"tools":[{"toolSpec":{"name":"has space","inputSchema":{"json":{"type":"object"}}}}]}',
      'data/tools.json: $.tools[0].toolSpec.name must be 1 to 64 letters, digits, _ or -',
    ],
    [
      '{"tools":[{"toolSpec":{"name":"a","inputSchema":{"type":"object"}}}]}',
      'data/tools.json: $.tools[0].toolSpec.inputSchema must be { "json": <a JSON schema object> }',
    ],
    [
      '{"tools":[{"toolSpec":{"name":"a","inputSchema":{"json":{"type":"string"}}}}]}',
      'data/tools.json: $.tools[0].toolSpec.inputSchema.json.type must be "object": a tool takes an object as its input',
    ],
    [
      '{"tools":[{"toolSpec":{"name":"a","inputSchema":{"json":{"type":"object"}}}},{"toolSpec":{"name":"a","inputSchema":{"json":{"type":"object"}}}}]}',
      'data/tools.json: $.tools[1].toolSpec.name "a" is given twice; tool names must be unique',
    ],
    [
      '{"tools":[{"toolSpec":{"name":"a","inputSchema":{"json":{"type":"object"}}}}],"toolChoice":{"tool":{"name":"b"}}}',
      'data/tools.json: $.toolChoice.tool.name "b" is not one of the tools (a)',
    ],
    [
      '{"tools":[{"toolSpec":{"name":"a","inputSchema":{"json":{"type":"object"}}}}],"toolChoice":"any"}',
      'data/tools.json: $.toolChoice must be one of { "auto": {} }, { "any": {} }, { "tool": { "name": ... } }',
    ],
  ])('refuses %s in one line', (content, message) => {
    expect(badFile(content)).toThrow(message);
  });

  it('refuses a missing file in one line', () => {
    expect(() => loadToolConfig('/nonexistent/tools.json', 'data/tools.json')).toThrow(
      'data/tools.json: cannot be read; check the path of toolConfigFile',
    );
  });

  it('is a setting: none by default, a path from a bench file or the environment', () => {
    expect(resolveOptions().toolConfigFile).toBeUndefined();
    expect(
      resolveOptions({ env: { CONVERSE_BENCH_TOOL_CONFIG_FILE: 'data/tools.json' } }).toolConfigFile,
    ).toBe('data/tools.json');
    expect(resolveOptions({ file: { toolConfigFile: 'a.json' } }).toolConfigFile).toBe('a.json');
  });

  it("refuses Claude's extended thinking with a forced tool, before any call", () => {
    const sampling = { temperature: 1, topP: 1, maxTokens: 4096 };
    expect(reasoningProblem('anthropic.claude-sonnet-4-20250514-v1:0', 2048, sampling, true)).toBe(
      "reasoningBudget 2048: Claude's extended thinking does not allow a toolChoice that forces tool use (any or tool); use toolChoice auto, or set reasoningBudget off",
    );
    expect(
      reasoningProblem('anthropic.claude-sonnet-4-20250514-v1:0', 2048, sampling, false),
    ).toBeUndefined();
  });
});

describe('the emulator, through the unmodified SDK', () => {
  it('makes an input valid for the schema from the document', () => {
    expect(exampleInput(tools.config.tools[0]?.toolSpec.inputSchema.json ?? {}, SUMMARY)).toEqual(
      EXPECTED_INPUT,
    );
  });

  it('streams a forced tool call as Bedrock does: contentBlockStart.start.toolUse, input fragments, stop', async () => {
    const output = await shared.sdk.send(
      new ConverseStreamCommand({
        modelId: 'amazon.nova-lite-v1:0',
        messages: [{ role: 'user', content: [{ text: PROMPT }] }],
        toolConfig: tools.config as ToolConfiguration,
      }),
    );
    const events: ConverseStreamOutput[] = [];
    for await (const event of output.stream ?? []) events.push(event);
    const kinds = events.map((e) => {
      if (e.contentBlockStart?.start?.toolUse !== undefined)
        return `start@${e.contentBlockStart.contentBlockIndex}`;
      if (e.contentBlockDelta?.delta?.toolUse !== undefined)
        return `input@${e.contentBlockDelta.contentBlockIndex}`;
      if (e.contentBlockDelta?.delta?.text !== undefined) return 'text';
      if (e.contentBlockStop !== undefined) return `stop@${e.contentBlockStop.contentBlockIndex}`;
      return Object.keys(e)[0];
    });
    expect(kinds.filter((k, i) => k !== kinds[i - 1])).toEqual([
      'messageStart',
      'start@0',
      'input@0',
      'stop@0',
      'messageStop',
      'metadata',
    ]);
    const start = events.find((e) => e.contentBlockStart)?.contentBlockStart?.start?.toolUse;
    expect(start?.name).toBe('record_summary');
    expect(start?.toolUseId).toMatch(/^tooluse_[A-Za-z0-9_-]{22}$/);
    const input = events.map((e) => e.contentBlockDelta?.delta?.toolUse?.input ?? '').join('');
    expect(JSON.parse(input)).toEqual(EXPECTED_INPUT);
    expect(events.find((e) => e.messageStop)?.messageStop?.stopReason).toBe('tool_use');
  });

  it('answers Converse with a sentence and a toolUse block under toolChoice auto', async () => {
    const output = await shared.sdk.send(
      new ConverseCommand({
        modelId: 'amazon.nova-lite-v1:0',
        messages: [{ role: 'user', content: [{ text: PROMPT }] }],
        toolConfig: auto as ToolConfiguration,
      }),
    );
    expect(output.stopReason).toBe('tool_use');
    const content = output.output?.message?.content ?? [];
    expect(content[0]?.text).toBe('I will call record_summary with the summary.');
    expect(content[1]?.toolUse).toMatchObject({ name: 'record_summary', input: EXPECTED_INPUT });
  });

  it('refuses a toolChoice naming no listed tool, as Bedrock does', async () => {
    const send = shared.sdk.send(
      new ConverseCommand({
        modelId: 'amazon.nova-lite-v1:0',
        messages: [{ role: 'user', content: [{ text: PROMPT }] }],
        toolConfig: {
          tools: tools.config.tools,
          toolChoice: { tool: { name: 'other' } },
        } as ToolConfiguration,
      }),
    );
    await expect(send).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'The tool other named in toolChoice is not in toolConfig.tools. Name one of the tools.',
    });
  });

  it('refuses Claude thinking with a forced tool, as Bedrock does', async () => {
    const send = shared.sdk.send(
      new ConverseCommand({
        modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
        messages: [{ role: 'user', content: [{ text: PROMPT }] }],
        inferenceConfig: { temperature: 1, topP: 1, maxTokens: 4096 },
        additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } },
        toolConfig: tools.config as ToolConfiguration,
      }),
    );
    await expect(send).rejects.toMatchObject({
      message:
        'The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use.',
    });
  });
});

describe('recorded per call', () => {
  const spec = (api: 'converse' | 'converse-stream', config: ToolConfigJson) =>
    callSpec({
      api,
      prompt: PROMPT,
      tools: tools.fingerprint,
      toolConfig: config,
      inferenceConfig: { temperature: 0.7, maxTokens: 1000, topP: 0.9 },
    });

  it('streamed: stop reason tool_use, the tool call start, then its complete input', async () => {
    const record = await callModel(shared.bench.client, spec('converse-stream', tools.config));
    expect(record).toMatchObject({
      status: 'ok',
      stopReason: 'tool_use',
      tools: tools.fingerprint,
      toolCalls: 1,
      toolName: 'record_summary',
      toolInputParsed: true,
      text: '',
    });
    expect(record.toolUseStartMs).toBeGreaterThan(0);
    expect(record.toolInputMs).toBeGreaterThan(record.toolUseStartMs ?? Number.POSITIVE_INFINITY);
    // No text delta: TTFT is the first visible text, and there was none.
    expect(record.ttftMs).toBeUndefined();
  });

  it('streamed with auto: the sentence first (TTFT), then the tool call', async () => {
    const record = await callModel(shared.bench.client, spec('converse-stream', auto));
    expect(record).toMatchObject({
      status: 'ok',
      stopReason: 'tool_use',
      toolCalls: 1,
      toolInputParsed: true,
    });
    expect((record as OkCall).text).toBe('I will call record_summary with the summary.');
    expect(record.toolUseStartMs).toBeGreaterThan(record.ttftMs ?? Number.POSITIVE_INFINITY);
  });

  it('Converse: the tool call without stream timings', async () => {
    const record = await callModel(shared.bench.client, spec('converse', tools.config));
    expect(record).toMatchObject({
      status: 'ok',
      stopReason: 'tool_use',
      toolCalls: 1,
      toolName: 'record_summary',
      toolInputParsed: true,
    });
    expect(record).not.toHaveProperty('toolUseStartMs');
    expect(record).not.toHaveProperty('toolInputMs');
  });

  it('an input cut short by maxTokens is a tool call whose input did not parse', async () => {
    const record = await callModel(shared.bench.client, {
      ...spec('converse-stream', tools.config),
      inferenceConfig: { temperature: 0.7, maxTokens: 12, topP: 0.9 },
    });
    expect(record).toMatchObject({
      status: 'ok',
      stopReason: 'max_tokens',
      toolCalls: 1,
      toolInputParsed: false,
    });
    expect(record).not.toHaveProperty('toolInputMs');
  });

  it('without tools nothing is recorded about them', async () => {
    const record = await callModel(shared.bench.client, callSpec({ api: 'converse-stream', prompt: PROMPT }));
    for (const field of [
      'tools',
      'toolCalls',
      'toolName',
      'toolInputParsed',
      'toolUseStartMs',
      'toolInputMs',
    ]) {
      expect(record).not.toHaveProperty(field);
    }
  });
});

const okCall = (over: Partial<OkCall>): OkCall =>
  okCallOf({
    api: 'converse-stream',
    tools: 'abcdef012345',
    stopReason: 'tool_use',
    text: '',
    toolCalls: 1,
    toolName: 'record_summary',
    toolInputParsed: true,
    ...over,
  });

describe('in the CSV and the summary', () => {
  const records: CallRecord[] = [
    okCall({ toolUseStartMs: 200, toolInputMs: 800 }),
    okCall({ toolUseStartMs: 400, toolInputMs: 600 }),
    okCall({ stopReason: 'end_turn', toolCalls: undefined, toolName: undefined, toolInputParsed: undefined }),
  ];

  it('adds the tool columns after the reasoning ones', () => {
    const row = toCsvRow(records[0] as CallRecord, { transport: 'http1', documents: [], redactTexts: false });
    const columns = Object.keys(row);
    const at = columns.indexOf('reasoning_tokens_estimate') + 1;
    expect(columns.slice(at, at + 6)).toEqual([
      'tool_config',
      'tool_calls',
      'tool_name',
      'tool_use_start_ms',
      'tool_input_ms',
      'tool_input_parsed',
    ]);
    expect(columns.slice(at, at + 6).map((c) => row[c as keyof typeof row])).toEqual([
      'abcdef012345',
      1,
      'record_summary',
      200,
      800,
      'true',
    ]);
    expect(row.stop_reason).toBe('tool_use');
  });

  it('counts tool_use stops and summarizes the tool timings per model', () => {
    const summary = summarizeCalls(records);
    expect(summary.toolUseCalls).toBe(2);
    expect(summary.toolUseStartMs).toMatchObject({ n: 2, mean: 300, min: 200, max: 400 });
    expect(summary.toolInputMs).toMatchObject({ n: 2, mean: 700, min: 600, max: 800 });
    expect(summarizeCalls([okCall({ tools: undefined })])).not.toHaveProperty('toolUseCalls');
  });

  it('keys a model by its tool configuration, so the gate never compares two', () => {
    expect(modelKey('m', 'converse', 'standard', undefined, { tools: 'abcdef012345' })).toBe(
      'm|converse|standard|tools=abcdef012345',
    );
  });
});
