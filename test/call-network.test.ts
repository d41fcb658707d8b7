import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest';
import { callModel } from '../src/harness/call.ts';
import type { BenchClient } from '../src/harness/client.ts';
import { callSpec, clientAt } from './helpers/calls.ts';

// A server that drops every connection as soon as a request arrives: what the SDK sees when a
// connection is reset (nock's replyWithError never settles the SDK's HTTP/1.1 handler).
let server: Server;
let bench: BenchClient;
let requests = 0;

beforeAll(async () => {
  server = createServer((request) => {
    requests++;
    request.socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  bench = clientAt(`http://127.0.0.1:${port}`, { retryAttempts: 3 });
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  bench.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const spec = callSpec();

test.each(['converse', 'converse-stream'] as const)(
  '%s: a dropped connection is kind network, retried, no status',
  async (api) => {
    // The standard strategy's jitter: 0.1 x the 50 ms base, then 0.1 x 100 ms: 5 + 10 ms.
    vi.spyOn(Math, 'random').mockReturnValue(0.1);
    requests = 0;
    const record = await callModel(bench.client, { ...spec, api });
    expect(record).toMatchObject({
      status: 'error',
      errorKind: 'network',
      errorMessage: 'socket hang up',
      attempts: 3,
      retryDelayMs: 15,
    });
    expect(requests).toBe(3);
    expect(record.attemptMs).toHaveLength(3);
    expect(record).not.toHaveProperty('httpStatus');
    expect(record).not.toHaveProperty('requestId');
  },
);

test.each(['converse', 'converse-stream'] as const)(
  "%s: a proxy's HTML error page is kind http with its status, not a SyntaxError",
  async (api) => {
    const proxy = createServer((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>\n<body><h1>502 Bad Gateway</h1></body>\n</html>\n');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    const client = clientAt(`http://127.0.0.1:${port}`, { retryAttempts: 1 });
    try {
      const record = await callModel(client.client, { ...spec, api });
      expect(record).toMatchObject({
        status: 'error',
        errorKind: 'http',
        httpStatus: 502,
        errorMessage: `HTTP 502 (text/html), not a Bedrock answer: Unexpected token '<', "<html> <bo"... is not valid JSON`,
      });
    } finally {
      client.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  },
);
