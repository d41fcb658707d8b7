import http2 from 'node:http2';
import net from 'node:net';
import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlanRequest,
  type ResponsePlan,
  type RunningEmulator,
  startEmulator,
} from '../src/emulator/index.ts';
import { sdkClient } from './helpers/calls.ts';

// Short deadlines so the test is quick; each case waits far longer than them before calling a
// connection left open, so a busy machine can delay a close but not turn a pass into a fail.
const TIMEOUTS = { headersMs: 200, requestMs: 400, idleMs: 200 };
const GENEROUS_MS = 3_000;

/**
 * Answers hold back well past every deadline: 1.2 s of silence before the first token (what a stall
 * fault does on the wire), then 12 tokens 100 ms apart.
 */
const slowAnswer = (request: PlanRequest): ResponsePlan => ({
  ttftMs: 1200,
  interTokenMs: new Array<number>(Math.max(0, request.outputTokens - 1)).fill(100),
  latencyModeServed: 'standard',
  serviceTierServed: 'default',
  reportedLatencyMs: 1200 + 100 * Math.max(0, request.outputTokens - 1),
});

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ planner: slowAnswer, connectionTimeouts: TIMEOUTS });
});
afterAll(() => emulator.close());

/** Opens a TCP connection, writes `bytes`, and resolves with whether the server closed it in time. */
function closedByServer(bytes: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(emulator.port, '127.0.0.1', () => socket.write(bytes));
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, GENEROUS_MS);
    socket.on('error', () => {});
    socket.resume();
    socket.once('close', () => {
      clearTimeout(giveUp);
      resolve(true);
    });
  });
}

const headers = 'POST /model/amazon.nova-micro-v1:0/converse HTTP/1.1\r\nHost: e\r\n';

describe('the emulator closes connections that keep it waiting', () => {
  it.each([
    ['before the protocol sniff (no byte)', ''],
    ['with a partial HTTP/2 preface', 'PRI * HTTP/2.0\r\n'],
    ['with partial HTTP/1.1 headers', headers],
    ['with a partial body', `${headers}content-type: application/json\r\ncontent-length: 100\r\n\r\n{"mess`],
    ['idle after an answer (keep-alive)', 'GET /_emulator/health HTTP/1.1\r\nHost: e\r\n\r\n'],
  ])('%s', async (_name, bytes) => {
    expect(await closedByServer(bytes)).toBe(true);
  });

  it('an idle HTTP/2 session after an answer', async () => {
    const session = http2.connect(emulator.url);
    const closed = new Promise<boolean>((resolve) => {
      const giveUp = setTimeout(() => resolve(false), GENEROUS_MS);
      session.once('close', () => {
        clearTimeout(giveUp);
        resolve(true);
      });
    });
    session.on('error', () => {});
    const request = session.request({ ':path': '/_emulator/health' });
    request.resume();
    request.end();
    expect(await closed).toBe(true);
  });
});

describe('the deadlines never cut an answer in progress', () => {
  const input = {
    modelId: 'amazon.nova-micro-v1:0',
    messages: [{ role: 'user' as const, content: [{ text: 'One. Two. Three. Four. Five. Six.' }] }],
    inferenceConfig: { maxTokens: 12 },
  };

  it.each(['http1', 'http2'] as const)(
    '%s: a silent wait and a long generation finish',
    async (transport) => {
      const client = sdkClient(emulator.url, transport, { maxAttempts: 1 });
      const whole = await client.send(new ConverseCommand(input));
      expect(whole.stopReason).toBeDefined();
      const stream = await client.send(new ConverseStreamCommand(input));
      let stop: string | undefined;
      for await (const event of stream.stream ?? []) stop ??= event.messageStop?.stopReason;
      expect(stop).toBeDefined();
      client.destroy();
    },
  );
});
