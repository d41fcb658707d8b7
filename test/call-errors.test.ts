import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../src/config/errors.ts';
import { isUserError } from '../src/errors.ts';
import { callModel } from '../src/harness/call.ts';
import { FakeClock } from '../src/harness/clock.ts';
import {
  ClientOptionsError,
  classifyError,
  errorMessageOf,
  MAX_ERROR_MESSAGE,
} from '../src/harness/errors.ts';
import { callIdentity, callSpec } from './helpers/calls.ts';

const named = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name }, extra);

describe('classifyError', () => {
  test.each([
    [named('ThrottlingException', 'Rate exceeded', { $fault: 'client' }), 'ThrottlingException'],
    [named('ModelStreamErrorException', 'stopped', { $fault: 'client' }), 'ModelStreamErrorException'],
    [named('InternalServerException', 'oops', { $fault: 'server' }), 'InternalServerException'],
    [named('Error', 'socket hang up', { code: 'ECONNRESET' }), 'network'],
    [named('Error', 'connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }), 'network'],
    [named('Error', 'aborted'), 'network'],
    [
      named('Error', 'HTTP/2 stream is abnormally aborted in mid-communication with result code 2.'),
      'network',
    ],
    [named('TimeoutError', 'Stream timed out because of no activity for 100 ms'), 'network'],
    [named('Error', 'Truncated event message received.'), 'stream'],
    [named('Error', 'The message checksum (1) did not match the expected value of 2'), 'stream'],
    [
      named(
        'Error',
        'The prelude checksum specified in the message (1) does not match the calculated CRC32 checksum (2)',
      ),
      'stream',
    ],
    [named('Error', 'Reported message length does not match received message length'), 'stream'],
    [named('Error', 'Deserialization failed', { cause: named('Error', 'socket hang up') }), 'network'],
    [named('SyntaxError', 'Unexpected token < in JSON'), 'SyntaxError'],
    ['a string', 'Error'],
  ])('%s -> %s', (error, kind) => {
    expect(classifyError(error)).toBe(kind);
  });
});

describe('errorMessageOf', () => {
  test('one line', () => {
    expect(errorMessageOf(new Error('first line\n  Deserialization error: second\tline'))).toBe(
      'first line Deserialization error: second line',
    );
  });

  test(`capped at ${MAX_ERROR_MESSAGE} characters`, () => {
    const message = errorMessageOf(new Error('x'.repeat(1000)));
    expect(message).toBe(`${'x'.repeat(MAX_ERROR_MESSAGE - 3)}...`);
  });

  test('an empty message falls back to the kind', () => {
    expect(errorMessageOf(named('ThrottlingException', '', { $fault: 'client' }))).toBe(
      'ThrottlingException',
    );
  });
});

describe('callModel with a fake clock', () => {
  const spec = callSpec({
    modelId: 'm',
    phase: 'warmup',
    prompt: 'p',
    inferenceConfig: { temperature: 0, maxTokens: 1, topP: 1 },
    timeoutMs: 1_000,
    scheduledStartMs: 990,
  });

  test('the deadline fires exactly at timeoutMs, aborting send(), and the record says timeout', async () => {
    const clock = new FakeClock(1_000);
    let signal: AbortSignal | undefined;
    // A client whose send() never answers until aborted, as a hung connection.
    const client = {
      send: (_command: unknown, options: { abortSignal: AbortSignal }) => {
        signal = options.abortSignal;
        return new Promise(() => {});
      },
    } as unknown as BedrockRuntimeClient;
    const pending = callModel(client, spec, clock);
    await clock.advance(999);
    expect(signal?.aborted).toBe(false);
    await clock.advance(1);
    expect(signal?.aborted).toBe(true);
    expect(await pending).toEqual({
      ...callIdentity({ modelId: 'm', phase: 'warmup' }),
      timestamp: expect.any(String),
      startMs: 1_000,
      latencyMs: 1_000,
      attempts: 0,
      retryDelayMs: 0,
      attemptMs: [],
      scheduledStartMs: 990,
      queueDelayMs: 10,
      status: 'error',
      errorKind: 'timeout',
      errorMessage: 'deadline passed',
    });
  });

  test('an already interrupted run makes no call wait: kind aborted', async () => {
    const clock = new FakeClock();
    const client = {
      send: (_command: unknown, options: { abortSignal: AbortSignal }) =>
        new Promise((_, reject) => {
          if (options.abortSignal.aborted) reject(named('AbortError', 'Request aborted'));
        }),
    } as unknown as BedrockRuntimeClient;
    const record = await callModel(client, { ...spec, signal: AbortSignal.abort() }, clock);
    expect(record).toMatchObject({ status: 'error', errorKind: 'aborted', latencyMs: 0 });
    expect(clock.pending).toBe(0);
  });
});

describe('user errors', () => {
  test('ConfigError and ClientOptionsError are user errors (the CLI prints them without a stack)', () => {
    expect(isUserError(new ConfigError('x'))).toBe(true);
    expect(isUserError(new ClientOptionsError('x'))).toBe(true);
    expect(new ConfigError('x').name).toBe('ConfigError');
    expect(new ClientOptionsError('x').name).toBe('ClientOptionsError');
  });
});
