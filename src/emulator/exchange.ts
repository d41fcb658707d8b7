import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { WireProtocol } from './ground-truth.ts';

/**
 * One request and its response, over HTTP/1.1 or HTTP/2 alike, with an abort signal that fires when
 * the client goes away before the response finished or the emulator shuts down (`cancel()`).
 *
 * The exchange holds no listener on anything that outlives it: the server keeps the exchanges in
 * flight in a set and cancels them at shutdown. (A listener per request on one shutdown signal, or
 * `AbortSignal.any`, kept every request reachable and slowed the emulator with each request served.)
 */
export class Exchange {
  readonly protocol: WireProtocol;
  readonly request: IncomingMessage | Http2ServerRequest;
  readonly signal: AbortSignal;
  private readonly response: ServerResponse | Http2ServerResponse;
  private readonly gone = new AbortController();
  /** Settles once the last write has left for the socket. */
  private flushed: Promise<void> = Promise.resolve();

  constructor(
    request: IncomingMessage | Http2ServerRequest,
    response: ServerResponse | Http2ServerResponse,
    onClose: (exchange: Exchange) => void,
  ) {
    this.request = request;
    this.response = response;
    this.protocol = request.httpVersionMajor === 2 ? 'http2' : 'http1';
    this.signal = this.gone.signal;
    response.once('close', () => {
      if (!response.writableFinished) this.gone.abort();
      onClose(this);
    });
  }

  /** The emulator is shutting down: cut an answer in flight, so the client sees a failure, not a stream that merely ends. */
  cancel(): void {
    if (this.response.writableFinished) return;
    this.gone.abort();
    this.drop();
  }

  get method(): string {
    return this.request.method ?? 'GET';
  }

  get url(): string {
    return this.request.url ?? '/';
  }

  get headersSent(): boolean {
    return this.response.headersSent;
  }

  /** Lower-cased request headers as single strings. */
  headers(): Record<string, string | undefined> {
    const out: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(this.request.headers)) {
      if (name.startsWith(':')) continue;
      out[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return out;
  }

  head(status: number, headers: Record<string, string>): void {
    (this.response as ServerResponse).writeHead(status, headers);
  }

  write(bytes: Uint8Array | string): void {
    this.flushed = new Promise((resolve) => {
      (this.response as ServerResponse).write(bytes, () => resolve());
    });
  }

  end(bytes?: Uint8Array | string): void {
    if (bytes === undefined) this.response.end();
    else (this.response as ServerResponse).end(bytes);
  }

  onFinish(listener: () => void): void {
    this.response.once('finish', listener);
  }

  /**
   * Cuts the request off, after what was already written has gone out (so "after k events" means the
   * client got k events): HTTP/1.1 destroys the connection; HTTP/2 resets only this stream (RST_STREAM
   * INTERNAL_ERROR), so other calls sharing the session are not hit by one request's fault.
   */
  drop(): void {
    void this.flushed.then(() => {
      if (this.protocol === 'http2') {
        (this.response as Http2ServerResponse).stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      } else {
        this.request.socket.destroy();
      }
    });
  }

  /** Sends a whole JSON answer. */
  json(status: number, headers: Record<string, string>, body: unknown): void {
    const text = JSON.stringify(body);
    this.head(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    });
    this.end(text);
  }
}
