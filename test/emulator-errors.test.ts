import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Fault, fixedPlanner, type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { UserError } from '../src/errors.ts';
import { sdkClient } from './helpers/calls.ts';

const base = fixedPlanner({ ttftMs: 1, tokensPerSecond: 1000 });
/** What the test planner does next: a fault to plan, or an error to throw. */
let next: { fault?: Fault; throws?: Error } = {};

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    maxBodyBytes: 4096,
    planner: (request) => {
      if (next.throws) throw next.throws;
      return { ...base(request), ...(next.fault ? { fault: next.fault } : {}) };
    },
  });
});
afterAll(() => emulator.close());

const TEXT = 'Rivers carry water to the sea. The sea is salty and wide. Fish live in rivers and the sea.';

function input(overrides: Partial<ConverseCommandInput> = {}): ConverseCommandInput {
  return {
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    messages: [{ role: 'user', content: [{ text: TEXT }] }],
    ...overrides,
  };
}

/** The error the SDK throws, or a failure when the call succeeds. */
async function rejection(c: BedrockRuntimeClient, request: ConverseCommandInput) {
  try {
    await c.send(new ConverseCommand(request));
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number; attempts?: number } };
    return {
      name: e.name,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
      attempts: e.$metadata?.attempts,
    };
  }
  throw new Error('expected the call to fail');
}

const INVALID_MODEL = 'The provided model identifier is invalid.';

describe.each(['http1', 'http2'] as const)('emulator errors over %s', (transport) => {
  let c: BedrockRuntimeClient;
  beforeAll(() => {
    c = sdkClient(emulator.url, transport);
    next = {};
  });
  afterAll(() => c.destroy());

  test.each<[string, Partial<ConverseCommandInput>, string]>([
    [
      'no messages',
      { messages: [] },
      "Value '[]' at 'messages' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [
      'first message from the assistant',
      { messages: [{ role: 'assistant', content: [{ text: 'Hi' }] }] },
      'A conversation must start with a user message.',
    ],
    [
      'two user turns in a row',
      {
        messages: [
          { role: 'user', content: [{ text: 'Hi' }] },
          { role: 'user', content: [{ text: 'Again' }] },
        ],
      },
      'A conversation must alternate between user and assistant roles.',
    ],
    [
      'blank text',
      { messages: [{ role: 'user', content: [{ text: '  ' }] }] },
      'The text field in the ContentBlock object at messages.0.content.0 is blank.',
    ],
    [
      'temperature above 1',
      { inferenceConfig: { temperature: 1.5 } },
      "Value '1.5' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1",
    ],
    [
      'topP below 0',
      { inferenceConfig: { topP: -0.1 } },
      "Value '-0.1' at 'inferenceConfig.topP' failed to satisfy constraint: Member must have value greater than or equal to 0",
    ],
    [
      'maxTokens below 1',
      { inferenceConfig: { maxTokens: 0 } },
      "Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      "maxTokens over the model's limit",
      { inferenceConfig: { maxTokens: 4097 } },
      'The maximum tokens you requested exceeds the model limit of 4096.',
    ],
    ['a model of an unknown provider', { modelId: 'acme.gigantic-v9:0' }, INVALID_MODEL],
    ['a malformed model id', { modelId: 'Not A Model!' }, INVALID_MODEL],
    [
      'an ARN of an unknown kind',
      { modelId: 'arn:aws:bedrock:us-east-1:123456789012:custom-model/x.y/abc' },
      INVALID_MODEL,
    ],
  ])('%s: 400 ValidationException', async (_case, overrides, message) => {
    const error = await rejection(c, input(overrides));
    expect(error).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(error.message).toContain(message);
  });

  test('maxTokens at the model limit is accepted', async () => {
    await expect(
      c.send(new ConverseCommand(input({ inferenceConfig: { maxTokens: 4096 } }))),
    ).resolves.toBeDefined();
  });

  test('a model the account cannot use: 403 AccessDeniedException', async () => {
    const error = await rejection(c, input({ modelId: 'us.anthropic.claude-no-access-v1:0' }));
    expect(error).toEqual({
      name: 'AccessDeniedException',
      status: 403,
      attempts: 1,
      message: "You don't have access to the model with the specified model ID.",
    });
  });

  test('a body over the size limit: 413 ValidationException', async () => {
    const error = await rejection(
      c,
      input({ messages: [{ role: 'user', content: [{ text: 'word '.repeat(2000) }] }] }),
    );
    expect(error).toMatchObject({ name: 'ValidationException', status: 413 });
    expect(error.message).toContain('4096-byte limit');
  });

  test.each([
    ['ThrottlingException', 429],
    ['ModelNotReadyException', 429],
    ['ServiceUnavailableException', 503],
    ['InternalServerException', 500],
    ['ModelTimeoutException', 408],
    ['ModelErrorException', 424],
    ['ResourceNotFoundException', 404],
  ])('a planned %s (%i) surfaces as that SDK exception', async (errorType, status) => {
    next = { fault: { kind: 'http-error', status, errorType, message: `Planned ${errorType}.` } };
    try {
      const error = await rejection(c, input());
      expect(error).toEqual({ name: errorType, status, attempts: 1, message: `Planned ${errorType}.` });
    } finally {
      next = {};
    }
    const entry = emulator.groundTruth().at(-1);
    expect(entry).toMatchObject({ status, errorType, fault: 'http-error', outcome: 'completed' });
  });

  test('a planner user error (a bad fault header) is a 400; a planner bug is a 500', async () => {
    next = { throws: new UserError('header x-emulator-fault: fault "bogus" is unknown') };
    const user = await rejection(c, input());
    next = { throws: new TypeError('planner bug') };
    const bug = await rejection(c, input());
    next = {};
    expect(user).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(user.message).toBe(
      'The emulator could not plan this request: header x-emulator-fault: fault "bogus" is unknown',
    );
    expect(bug).toMatchObject({ name: 'InternalServerException', status: 500, message: 'planner bug' });
  });
});

describe('errors only raw HTTP can provoke', () => {
  async function post(path: string, body: string, method = 'POST') {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      ...(method === 'POST' ? { body } : {}),
    });
    return {
      status: response.status,
      type: response.headers.get('x-amzn-errortype'),
      id: response.headers.get('x-amzn-requestid'),
      body: (await response.json()) as { message: string },
    };
  }
  const path = '/model/amazon.nova-lite-v1%3A0/converse';

  test('a body that is not JSON: 400 SerializationException', async () => {
    const answer = await post(path, '{"messages": [');
    expect(answer).toMatchObject({ status: 400, type: 'SerializationException' });
    expect(answer.body.message).toMatch(/^The request body is not valid JSON: /);
    expect(answer.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.each([
    ['messages as a string', { messages: 'hello' }, "Value at 'messages' must be a list, not a string."],
    [
      'maxTokens as a string',
      { messages: [{ role: 'user', content: [{ text: 'Hi' }] }], inferenceConfig: { maxTokens: 'ten' } },
      "Value at 'inferenceConfig.maxTokens' must be an integer, not a string.",
    ],
    [
      'an unknown role',
      { messages: [{ role: 'bot', content: [{ text: 'Hi' }] }] },
      "Value 'bot' at 'messages.0.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]",
    ],
    [
      'an image block',
      { messages: [{ role: 'user', content: [{ image: {} }] }] },
      "The emulator supports only text content blocks; found 'image' at messages.0.content.0.",
    ],
  ])('%s: 400 ValidationException', async (_case, body, message) => {
    const answer = await post(path, JSON.stringify(body));
    expect(answer).toMatchObject({ status: 400, type: 'ValidationException' });
    expect(answer.body.message).toContain(message);
  });

  test('an unknown route: 404; a wrong method: 405', async () => {
    expect(await post('/model/amazon.nova-lite-v1%3A0/invoke', '{}')).toMatchObject({
      status: 404,
      type: 'UnknownOperationException',
    });
    const wrongMethod = await post(path, '', 'GET');
    expect(wrongMethod).toMatchObject({ status: 405, type: 'MethodNotAllowedException' });
    expect(wrongMethod.body.message).toBe(
      'Method GET is not allowed on /model/amazon.nova-lite-v1%3A0/converse. Send the request with POST.',
    );
    expect((await post('/_emulator/health', '{}')).status).toBe(405);
  });
});
