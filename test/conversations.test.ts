import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../src/config/defaults.ts';
import { loadConversations } from '../src/data/conversations.ts';
import { loadDataset } from '../src/data/dataset.ts';
import { promptFingerprint } from '../src/data/template.ts';
import { loadTracking } from '../src/data/tracking.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { summarize } from '../src/emulator/summarizer.ts';
import { countTokens } from '../src/emulator/tokenizer.ts';
import { callModel } from '../src/harness/call.ts';
import type { BenchClient } from '../src/harness/client.ts';
import { estimatePlan } from '../src/plan/estimate.ts';
import type { CallRecord, OkCall } from '../src/records/call-record.ts';
import { toCsvRow } from '../src/report/rows.ts';
import { summarizeCalls } from '../src/summary/summarize-calls.ts';
import { callSpec, clientAt, okCallOf } from './helpers/calls.ts';

// System prompts from the tracking file and multi-turn conversations from a JSON-lines dataset, sent
// through the unmodified SDK over real HTTP to the emulator.
const FIXTURE = 'test/fixtures/conversations/support.jsonl';

let emulator: RunningEmulator;
let bench: BenchClient;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  bench = clientAt(emulator.url);
});

afterAll(async () => {
  bench.destroy();
  await emulator.close();
});

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'conversations-')), name);
  writeFileSync(path, content);
  return path;
}

describe('the conversation dataset', () => {
  it('reads a conversation per line: the last user turn is the document, the turns before it the history', () => {
    const dataset = loadDataset(FIXTURE);
    expect(dataset.documents).toEqual([
      {
        index: 0,
        line: 1,
        document:
          'Last Monday. The tracking page says it left the depot on Tuesday. Nothing has changed since.',
        referenceResponse: 'Apologize and open a trace for order 1042.',
        history: [
          { role: 'user', texts: ['My order 1042 has not arrived.'] },
          { role: 'assistant', texts: ['Sorry to hear that. When did you place it?'] },
        ],
      },
      {
        index: 1,
        line: 3,
        document: 'Summarize: The council approved the new park on Monday. Work starts in May.',
        referenceResponse: '',
        history: [],
      },
    ]);
    expect(dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConversations(FIXTURE).fingerprint).toBe(dataset.fingerprint);
  });

  const user = (text: string) => ({ role: 'user', content: [{ text }] });
  const assistant = (text: string) => ({ role: 'assistant', content: [{ text }] });
  it.each([
    ['{"messages": [', /^.+\.jsonl line 1: is not JSON \(.+\); write one JSON object per line$/],
    ['[]', 'line 1: must be a JSON object with "messages" and optionally "referenceResponse"'],
    [
      '{"messages": []}',
      'line 1: "messages" must be a non-empty list of { "role", "content": [{ "text" }] }',
    ],
    [
      JSON.stringify({ messages: [user('a')], id: 3 }),
      'line 1: "id" is not a field of a conversation; allowed: messages, referenceResponse',
    ],
    [
      JSON.stringify({ messages: [user('a')], referenceResponse: 3 }),
      'line 1: "referenceResponse" must be a text',
    ],
    [
      JSON.stringify({ messages: [assistant('a')] }),
      'line 1: messages[0] is from assistant, expected user: a conversation starts with a user turn and alternates user and assistant',
    ],
    [
      JSON.stringify({ messages: [user('a'), user('b')] }),
      'line 1: messages[1] is from user, expected assistant',
    ],
    [
      JSON.stringify({ messages: [user('a'), assistant('b')] }),
      'line 1: messages[1] is from assistant; end the conversation with the user turn the model answers',
    ],
    [
      JSON.stringify({ messages: [{ role: 'system', content: [{ text: 'a' }] }] }),
      'line 1: messages[0].role must be "user" or "assistant"',
    ],
    [
      JSON.stringify({ messages: [{ role: 'user', content: 'a' }] }),
      'line 1: messages[0].content must be a non-empty list of { "text": "..." } blocks',
    ],
    [
      JSON.stringify({ messages: [{ role: 'user', content: [{ image: {} }] }] }),
      'line 1: messages[0].content[0] must be { "text": "..." }: only text content is supported',
    ],
    [
      JSON.stringify({ messages: [user('  ')] }),
      'line 1: messages[0].content[0].text is blank; Bedrock refuses a blank text block',
    ],
    ['\n\n', 'has no conversations; write one JSON object per line with "messages"'],
  ])('refuses %s in one line', (content, message) => {
    const path = file('bad.jsonl', content);
    expect(() => loadDataset(path)).toThrow(message);
  });

  it('names the line of a bad conversation', () => {
    const path = file('lines.jsonl', `${JSON.stringify({ messages: [user('a')] })}\n\n{"messages": 1}\n`);
    expect(() => loadDataset(path)).toThrow(`${path} line 3: "messages" must be a non-empty list`);
  });
});

describe('system prompts', () => {
  it('come from the tracking file, per row, as written; an empty cell is none', () => {
    const path = file(
      'tracking.csv',
      'model,text_prompt,system_prompt\namazon.nova-micro-v1:0,"Summarize: {context}",You are a terse assistant.\namazon.nova-lite-v1:0,"Summarize: {context}",\n',
    );
    const [micro, lite] = loadTracking(path);
    expect(micro?.systemPrompt).toBe('You are a terse assistant.');
    expect(lite).not.toHaveProperty('systemPrompt');
  });

  it('change the prompt fingerprint, which stays as it was without one', () => {
    const template = 'Summarize: {context}';
    expect(promptFingerprint(template)).toBe(promptFingerprint(template, undefined));
    expect(promptFingerprint(template, 'Be terse.')).not.toBe(promptFingerprint(template));
    expect(promptFingerprint(template, 'Be terse.')).not.toBe(promptFingerprint(template, 'Be brief.'));
  });
});

describe('through the unmodified SDK to the emulator', () => {
  it('sends the system prompt and every earlier turn, and the model answers the last user turn', async () => {
    const [conversation] = loadDataset(FIXTURE).documents;
    if (conversation === undefined) throw new Error('no conversation');
    const system = 'You are a support agent.';
    for (const api of ['converse', 'converse-stream'] as const) {
      const record = await callModel(
        bench.client,
        callSpec({
          api,
          system,
          history: conversation.history ?? [],
          priorTurns: 2,
          prompt: conversation.document,
          inferenceConfig: { temperature: 0.7, maxTokens: 1000, topP: 0.9 },
        }),
      );
      expect(record).toMatchObject({ status: 'ok', priorTurns: 2, text: summarize(conversation.document) });
      const sent = [system, ...(conversation.history ?? []).flatMap((t) => t.texts), conversation.document];
      expect((record as OkCall).inputTokens).toBe(sent.reduce((sum, text) => sum + countTokens(text), 0));
    }
  });
});

const okCall = okCallOf;

describe('the plan', () => {
  it('counts the system prompt and the earlier turns in the input tokens', () => {
    const estimate = estimatePlan({
      modelId: 'm',
      api: 'converse',
      region: 'us-east-1',
      promptTemplate: 'S: {context}',
      documents: ['abc', 'de'],
      system: 'sys',
      histories: [['hello', 'hi'], []],
      options: { ...DEFAULT_OPTIONS, warmupCalls: 0 },
      count: (text) => text.length,
    });
    // (3 + 'S: abc' 6 + 5 + 2) + (3 + 'S: de' 5)
    expect(estimate.inputTokens).toBe(16 + 8);
  });
});

describe('in the CSV and the summary', () => {
  it('holds the last user turn in document and the turns before it in prior_turns', () => {
    const documents = [{ document: 'Last Monday.', referenceResponse: 'Trace it.' }];
    const row = toCsvRow(okCall({ priorTurns: 2 }), { transport: 'http1', documents, redactTexts: false });
    expect(row.document).toBe('Last Monday.');
    expect(row.prior_turns).toBe(2);
    // After the tool columns; the cost columns come last.
    expect(Object.keys(row).slice(-3)).toEqual(['prior_turns', 'cost_usd', 'cost_basis']);
    expect(toCsvRow(okCall({}), { transport: 'http1', documents, redactTexts: false }).prior_turns).toBe(0);
  });

  it('gives the mean number of earlier turns per model, for conversation datasets only', () => {
    const records: CallRecord[] = [okCall({ priorTurns: 2 }), okCall({ priorTurns: 4 }), okCall({})];
    expect(summarizeCalls(records).priorTurnsMean).toBe(2);
    expect(summarizeCalls([okCall({})])).not.toHaveProperty('priorTurnsMean');
  });
});
