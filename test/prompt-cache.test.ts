import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConverseInput } from '../src/emulator/converse-request.ts';
import { parseConverseBody } from '../src/emulator/converse-request.ts';
import { fixedPlanner, type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { createPlanner } from '../src/emulator/planner.ts';
import { loadProfiles } from '../src/emulator/profiles.ts';
import { CACHE_TTL_MS, createPromptCache } from '../src/emulator/prompt-cache.ts';
import { countTokens, loadTokenizer } from '../src/emulator/tokenizer.ts';
import { buildInput, callModel, nonceText } from '../src/harness/call.ts';
import type { BenchClient } from '../src/harness/client.ts';
import type { Api, CallRecord, PromptCache } from '../src/records/call-record.ts';
import { cacheClass } from '../src/records/metrics.ts';
import { callSpec, clientAt, sdkClient } from './helpers/calls.ts';

const PROMPT = 'Summarize this document: the cat sat on the mat. The dog sat on the log. Both slept.';
const SYSTEM = 'You are a careful summarizer of incident reports.';

/** A fake monotonic clock: the cache reads it, the test moves it. */
function fakeClock(start = 1000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** A request body as the SDK serializes it, parsed as the emulator does. */
const parsed = (body: unknown): ConverseInput => parseConverseBody(JSON.stringify(body));
const userWithCachePoint = (text: string, cachePoint: Record<string, unknown> = { type: 'default' }) =>
  parsed({ messages: [{ role: 'user', content: [{ text }, { cachePoint }] }] });

beforeAll(() => {
  loadTokenizer();
});

describe('the harness request', () => {
  it('sends no cachePoint with promptCache off', () => {
    expect(buildInput(callSpec({ prompt: PROMPT })).messages).toEqual([
      { role: 'user', content: [{ text: PROMPT }] },
    ]);
  });

  it.each([
    ['on', { type: 'default' }],
    ['5m', { type: 'default', ttl: '5m' }],
    ['1h', { type: 'default', ttl: '1h' }],
  ] as const)('promptCache %s: a cachePoint after the prompt, %j', (promptCache, cachePoint) => {
    const input = buildInput(callSpec({ prompt: PROMPT, promptCache }));
    expect(input.messages).toEqual([{ role: 'user', content: [{ text: PROMPT }, { cachePoint }] }]);
    expect(input.system).toBeUndefined();
  });

  it('with a system prompt, the system prompt has a cachePoint of its own, and a nonce starts it', () => {
    const input = buildInput(
      callSpec({ prompt: PROMPT, system: SYSTEM, promptCache: '1h', cacheBust: true, cacheNonce: 'n-1' }),
    );
    expect(input.system).toEqual([
      { text: nonceText('n-1') },
      { text: SYSTEM },
      { cachePoint: { type: 'default', ttl: '1h' } },
    ]);
    expect(input.messages).toEqual([
      { role: 'user', content: [{ text: PROMPT }, { cachePoint: { type: 'default', ttl: '1h' } }] },
    ]);
  });

  it('without a system prompt, the nonce is the first block of the user message', () => {
    const input = buildInput(callSpec({ prompt: PROMPT, cacheBust: true, cacheNonce: 'n-2' }));
    expect(input.messages).toEqual([
      { role: 'user', content: [{ text: 'Request nonce: n-2' }, { text: PROMPT }] },
    ]);
  });

  it('in a conversation, the nonce starts the first turn (where the prefix starts), the cachePoint ends the last', () => {
    const history = [
      { role: 'user' as const, texts: ['Hello'] },
      { role: 'assistant' as const, texts: ['Hi.'] },
    ];
    const input = buildInput(
      callSpec({ prompt: PROMPT, history, promptCache: 'on', cacheBust: true, cacheNonce: 'n-3' }),
    );
    expect(input.messages).toEqual([
      { role: 'user', content: [{ text: 'Request nonce: n-3' }, { text: 'Hello' }] },
      { role: 'assistant', content: [{ text: 'Hi.' }] },
      { role: 'user', content: [{ text: PROMPT }, { cachePoint: { type: 'default' } }] },
    ]);
  });
});

describe('the emulator prompt cache (fake clock)', () => {
  const tokens = countTokens(PROMPT);

  it('writes a new prefix, reads it within its TTL, and writes it again once expired', () => {
    const clock = fakeClock();
    const cache = createPromptCache({ now: clock.now });
    const input = userWithCachePoint(PROMPT);
    const first = cache.lookup('m', input);
    expect(first?.use).toEqual({
      readTokens: 0,
      writeTokens: tokens,
      details: [{ ttl: '5m', inputTokens: tokens }],
    });
    first?.commit(200);
    clock.advance(200);
    const second = cache.lookup('m', input);
    expect(second?.use).toEqual({ readTokens: tokens, writeTokens: 0, details: [] });
    second?.commit(50);
    // A read resets the TTL: 5 minutes from the read, not from the write.
    clock.advance(CACHE_TTL_MS['5m'] - 1);
    const third = cache.lookup('m', input);
    expect(third?.use.readTokens).toBe(tokens);
    third?.commit(50);
    clock.advance(CACHE_TTL_MS['5m']);
    expect(cache.lookup('m', input)?.use).toEqual({
      readTokens: 0,
      writeTokens: tokens,
      details: [{ ttl: '5m', inputTokens: tokens }],
    });
  });

  it('keeps a 1-hour entry past 5 minutes, until its hour is up', () => {
    const clock = fakeClock();
    const cache = createPromptCache({ now: clock.now });
    const input = userWithCachePoint(PROMPT, { type: 'default', ttl: '1h' });
    cache.lookup('m', input)?.commit(0);
    clock.advance(30 * 60_000);
    expect(cache.lookup('m', input)?.use.readTokens).toBe(tokens);
    // Not refreshed by a commit this time: the entry expires an hour after the read at 30 minutes.
    clock.advance(60 * 60_000);
    expect(cache.lookup('m', input)?.use).toMatchObject({ readTokens: 0, writeTokens: tokens });
  });

  it('runs TTLs at the time scale: at 0.01 a 5-minute entry lives 3 s', () => {
    const clock = fakeClock();
    const cache = createPromptCache({ now: clock.now, timeScale: 0.01 });
    const input = userWithCachePoint(PROMPT);
    cache.lookup('m', input)?.commit(0);
    clock.advance(2999);
    expect(cache.lookup('m', input)?.use.readTokens).toBe(tokens);
    clock.advance(3000);
    expect(cache.lookup('m', input)?.use.readTokens).toBe(0);
  });

  it('keeps one cache per model and prefix; a prefix is readable only once its prefill is done', () => {
    const clock = fakeClock();
    const cache = createPromptCache({ now: clock.now });
    const input = userWithCachePoint(PROMPT);
    cache.lookup('model-a', input)?.commit(300);
    // Arrives while the first call is still prefilling: a write too.
    clock.advance(100);
    expect(cache.lookup('model-a', input)?.use.writeTokens).toBe(tokens);
    expect(cache.lookup('model-b', input)?.use.writeTokens).toBe(tokens);
    expect(cache.lookup('model-a', userWithCachePoint(`${PROMPT} More.`))?.use.readTokens).toBe(0);
    clock.advance(200);
    expect(cache.lookup('model-a', input)?.use.readTokens).toBe(tokens);
  });

  it('reads the longest cached prefix and writes the rest, per TTL (1h before 5m)', () => {
    const clock = fakeClock();
    const cache = createPromptCache({ now: clock.now });
    const system = parsed({
      system: [{ text: SYSTEM }, { cachePoint: { type: 'default', ttl: '1h' } }],
      messages: [{ role: 'user', content: [{ text: 'first question' }] }],
    });
    cache.lookup('m', system)?.commit(0);
    const both = parsed({
      system: [{ text: SYSTEM }, { cachePoint: { type: 'default', ttl: '1h' } }],
      messages: [{ role: 'user', content: [{ text: PROMPT }, { cachePoint: { type: 'default' } }] }],
    });
    expect(cache.lookup('m', both)?.use).toEqual({
      readTokens: countTokens(SYSTEM),
      writeTokens: tokens,
      details: [{ ttl: '5m', inputTokens: tokens }],
    });
    const fresh = createPromptCache({ now: clock.now });
    expect(fresh.lookup('m', both)?.use.details).toEqual([
      { ttl: '1h', inputTokens: countTokens(SYSTEM) },
      { ttl: '5m', inputTokens: tokens },
    ]);
  });

  it('has nothing to say about a request without cache points', () => {
    const cache = createPromptCache({ now: fakeClock().now });
    expect(cache.lookup('m', parsed({ messages: [{ role: 'user', content: [{ text: PROMPT }] }] }))).toBe(
      undefined,
    );
  });

  it('drops the oldest entry beyond maxEntries', () => {
    const clock = fakeClock();
    const cache = createPromptCache({ now: clock.now, maxEntries: 2 });
    for (const text of ['one two', 'three four', 'five six'])
      cache.lookup('m', userWithCachePoint(text))?.commit(0);
    expect(cache.size()).toBe(2);
    expect(cache.lookup('m', userWithCachePoint('one two'))?.use.readTokens).toBe(0);
    expect(cache.lookup('m', userWithCachePoint('five six'))?.use.readTokens).toBe(countTokens('five six'));
  });
});

describe('cached prefixes shorten time to first token (planner)', () => {
  it('a token read from the cache costs a tenth of its prefill: TTFT lower by 0.9 x perInputTokenMs each', () => {
    const profiles = loadProfiles('data/emulator-profiles.json');
    const request = {
      modelId: 'amazon.nova-pro-v1:0',
      api: 'converse-stream' as const,
      latencyMode: 'standard' as const,
      serviceTier: 'default' as const,
      inputTokens: 2000,
      outputTokens: 10,
      headers: {},
      receivedMs: 0,
    };
    // Same seed, same request index: the same draws, so the difference is the cache's alone.
    const uncached = createPlanner({ profiles })(request);
    const cached = createPlanner({ profiles })({ ...request, cacheReadTokens: 1800 });
    // Nova Pro's profile: perInputTokenMs 0.05.
    expect(uncached.ttftMs - cached.ttftMs).toBeCloseTo(0.05 * 1800 * 0.9, 9);
    expect(cached.interTokenMs).toEqual(uncached.interTokenMs);
  });
});

describe('through the unmodified SDK over HTTP', () => {
  const clock = fakeClock();
  let emulator: RunningEmulator;
  let bench: BenchClient;

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      planner: fixedPlanner({ ttftMs: 0, tokensPerSecond: 10_000 }),
      promptCache: createPromptCache({ now: clock.now }),
    });
    bench = clientAt(emulator.url);
  });

  afterAll(async () => {
    bench.destroy();
    await emulator.close();
  });

  const call = (api: Api, prompt: string, promptCache: PromptCache, nonce?: string): Promise<CallRecord> =>
    callModel(
      bench.client,
      callSpec({
        api,
        prompt,
        promptCache,
        ...(nonce === undefined ? {} : { cacheBust: true, cacheNonce: nonce }),
      }),
    );

  describe.each(['converse', 'converse-stream'] as const)('%s', (api) => {
    const prompt = `${api}: ${PROMPT}`;
    const tokens = countTokens(prompt);

    it('the first call writes, the next within the TTL reads, one after the TTL writes again', async () => {
      const first = await call(api, prompt, '5m');
      expect(first).toMatchObject({
        status: 'ok',
        promptCache: '5m',
        cacheReadTokens: 0,
        cacheWriteTokens: tokens,
      });
      expect(cacheClass(first)).toBe('write');
      // The usage's inputTokens leave the cached tokens out, as Bedrock's do.
      expect(first.status === 'ok' && first.inputTokens).toBe(0);
      clock.advance(60_000);
      const second = await call(api, prompt, '5m');
      expect(second).toMatchObject({ status: 'ok', cacheReadTokens: tokens, cacheWriteTokens: 0 });
      expect(cacheClass(second)).toBe('read');
      clock.advance(CACHE_TTL_MS['5m']);
      const third = await call(api, prompt, '5m');
      expect(cacheClass(third)).toBe('write');
    });

    it('a nonce makes every call a write: nothing is read', async () => {
      const records = [await call(api, prompt, 'on', 'a'), await call(api, prompt, 'on', 'b')];
      expect(records.map(cacheClass)).toEqual(['write', 'write']);
      expect(records[1]).toMatchObject({
        cacheBust: true,
        cacheReadTokens: 0,
        cacheWriteTokens: countTokens(nonceText('b')) + tokens,
      });
    });

    it('without cachePoints the usage has no cache fields: class none', async () => {
      const record = await call(api, prompt, 'off');
      expect(record.status === 'ok' && record.cacheReadTokens).toBeUndefined();
      expect(cacheClass(record)).toBe('none');
    });
  });

  it('reports cacheDetails per TTL in the Converse usage, and the ground truth counts the cache tokens', async () => {
    const client = sdkClient(emulator.url, 'http1');
    const text = `details: ${PROMPT}`;
    const output = await client.send(
      new ConverseCommand({
        modelId: 'amazon.nova-micro-v1:0',
        messages: [{ role: 'user', content: [{ text }, { cachePoint: { type: 'default', ttl: '1h' } }] }],
      }),
    );
    const tokens = countTokens(text);
    expect(output.usage).toEqual({
      inputTokens: 0,
      outputTokens: output.usage?.outputTokens,
      totalTokens: tokens + (output.usage?.outputTokens ?? 0),
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: tokens,
      cacheDetails: [{ ttl: '1h', inputTokens: tokens }],
    });
    const truth = emulator.groundTruthFor(output.$metadata.requestId ?? '');
    expect(truth).toMatchObject({ inputTokens: tokens, cacheReadTokens: 0, cacheWriteTokens: tokens });
    client.destroy();
  });

  it('refuses a cache point Bedrock would refuse: 400 ValidationException naming the field', async () => {
    const response = await fetch(`${emulator.url}/model/amazon.nova-micro-v1:0/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: [
          { role: 'user', content: [{ text: PROMPT }, { cachePoint: { type: 'default', ttl: '2h' } }] },
        ],
      }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(((await response.json()) as { message: string }).message).toBe(
      "1 validation error detected: Value '2h' at 'messages.0.content.1.cachePoint.ttl' failed to satisfy constraint: Member must satisfy enum value set: [5m, 1h]",
    );
  });
});
