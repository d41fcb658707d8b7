import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { ClientHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import type { WireStamps } from '../records/call-record.ts';

/**
 * When one attempt's request and response reached each point on the wire, observed through Node's
 * `diagnostics_channel` (`http.client.request.created`, `http2.client.stream.created`) and the
 * request's and socket's own events: no SDK internals are patched and no data listener is added to a
 * stream the SDK reads. An attempt is matched to its call by the headers the SDK's retry middleware
 * puts on every attempt (`amz-sdk-invocation-id`, `amz-sdk-request: attempt=N`).
 *
 * HTTP/1.1: socket assigned, new connection set up (`connect`), request written (`finish`), response
 * headers, last byte read off the socket. HTTP/2: stream written (`finish` of its writable side),
 * response headers, end of the response stream; a session's connection setup is not tied to a stream
 * and so shows in the send time of the call that opened the session.
 */

/** One attempt being timed: stamps filled in on the clock of the call (`now`), ms after `originMs`. */
interface Expected {
  stamps: WireStamps;
  originMs: number;
  now: () => number;
}

const expected = new Map<string, Expected>();
let subscribed = false;

const attemptKey = (invocationId: unknown, attempt: unknown): string =>
  `${String(invocationId)} ${String(attempt)}`;

/**
 * Registers the attempt whose request carries `headers`, so its wire events fill `stamps` (times are
 * ms after `callStartMs`); returns the function that forgets it once the attempt has its response.
 */
export function expectAttempt(
  headers: Record<string, string>,
  stamps: WireStamps,
  callStartMs: number,
  now: () => number,
): () => void {
  subscribeOnce();
  const key = attemptKey(headers['amz-sdk-invocation-id'], headers['amz-sdk-request']);
  expected.set(key, { stamps, originMs: callStartMs, now });
  return () => expected.delete(key);
}

function claim(invocationId: unknown, attempt: unknown): Expected | undefined {
  const key = attemptKey(invocationId, attempt);
  const entry = expected.get(key);
  if (entry !== undefined) expected.delete(key);
  return entry;
}

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('http.client.request.created', (message) => {
    const { request } = message as { request: ClientRequest };
    const entry = claim(request.getHeader('amz-sdk-invocation-id'), request.getHeader('amz-sdk-request'));
    if (entry !== undefined) timeHttp1(request, entry);
  });
  subscribe('http2.client.stream.created', (message) => {
    const { stream, headers } = message as { stream: ClientHttp2Stream; headers: Record<string, unknown> };
    const entry = claim(headers['amz-sdk-invocation-id'], headers['amz-sdk-request']);
    if (entry !== undefined) timeHttp2(stream, entry);
  });
}

function timeHttp1(request: ClientRequest, { stamps, originMs, now }: Expected): void {
  const at = (): number => now() - originMs;
  stamps.protocol = 'http1';
  request.once('socket', (socket: Socket) => {
    stamps.reusedConnection = request.reusedSocket;
    if (socket.connecting) {
      const connectStart = at();
      socket.once('connect', () => {
        stamps.connectMs = at() - connectStart;
      });
    }
  });
  request.once('finish', () => {
    stamps.sentMs = at();
  });
  request.once('response', (response: IncomingMessage) => {
    stamps.headersMs = at();
    // Until more arrives, the last byte came with the headers.
    stamps.lastByteMs = stamps.headersMs;
    // The socket's own data events (the HTTP parser reads them too); listening does not change flow.
    const socket = response.socket;
    const onData = (): void => {
      stamps.lastByteMs = at();
    };
    socket?.on('data', onData);
    response.once('close', () => socket?.off('data', onData));
  });
}

function timeHttp2(stream: ClientHttp2Stream, { stamps, originMs, now }: Expected): void {
  const at = (): number => now() - originMs;
  stamps.protocol = 'http2';
  stream.once('finish', () => {
    stamps.sentMs = at();
  });
  stream.once('response', () => {
    stamps.headersMs = at();
  });
  stream.once('end', () => {
    stamps.lastByteMs = at();
  });
}
