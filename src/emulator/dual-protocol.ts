import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import net, { type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export type RequestListener = (
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
) => void;

/**
 * How long a connection may keep the server waiting. Node's own HTTP/1.1 defaults, except a longer idle
 * keep-alive: clients keep idle connections for reuse, and a paused benchmark must not race a close.
 * None of them runs while an answer is being written or held back (a stall, a long generation).
 */
export interface ConnectionTimeouts {
  /** From a connection's first byte (or a keep-alive request's start) until its request headers are in. @default 60_000 */
  headersMs: number;
  /** Until the whole request, body included, is in. @default 300_000 */
  requestMs: number;
  /** A connection or HTTP/2 session with no request in flight. @default 60_000 */
  idleMs: number;
}

export const DEFAULT_CONNECTION_TIMEOUTS: ConnectionTimeouts = {
  headersMs: 60_000,
  requestMs: 300_000,
  idleMs: 60_000,
};

/** The client connection preface of HTTP/2 with prior knowledge (RFC 9113 section 3.4). */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * HTTP/1.1 and cleartext HTTP/2 on one port: a TCP server that looks at a connection's first bytes and
 * hands the socket to an HTTP/1.1 or an HTTP/2 server. `noDelay` matters: with Nagle's algorithm on,
 * small event-stream frames wait ~40 ms for the client's delayed ACK.
 */
export class DualProtocolServer {
  readonly tcp: net.Server;
  private readonly http1: http.Server;
  private readonly http2: http2.Http2Server;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<Http2Session>();

  private readonly timeouts: ConnectionTimeouts;

  constructor(listener: RequestListener, timeouts: ConnectionTimeouts = DEFAULT_CONNECTION_TIMEOUTS) {
    this.timeouts = timeouts;
    this.http1 = http.createServer(
      {
        headersTimeout: timeouts.headersMs,
        requestTimeout: timeouts.requestMs,
        keepAliveTimeout: timeouts.idleMs,
        // Node checks the header and request deadlines this often (its default: 30 s).
        connectionsCheckingInterval: Math.max(1, Math.min(30_000, timeouts.headersMs / 4)),
      },
      listener,
    );
    // Node starts enforcing headersTimeout and requestTimeout when its server emits 'listening'; this
    // one never listens itself (the TCP server hands it sockets), so start them here.
    this.http1.emit('listening');
    this.http2 = http2.createServer(listener);
    this.http2.on('session', (session) => this.watchSession(session));
    this.tcp = net.createServer({ noDelay: true }, (socket) => this.sniff(socket));
  }

  /**
   * An HTTP/2 session is closed (GOAWAY, as a graceful server does) after idleMs with no stream open,
   * and a stream whose request has not fully arrived within requestMs is cancelled. A stream being
   * answered keeps its session open however long the answer takes.
   */
  private watchSession(session: Http2Session): void {
    this.sessions.add(session);
    let open = 0;
    let idle: NodeJS.Timeout | undefined;
    const armIdle = (): void => {
      idle = setTimeout(() => session.close(), this.timeouts.idleMs);
    };
    armIdle();
    session.on('stream', (stream) => {
      clearTimeout(idle);
      open += 1;
      const incomplete = setTimeout(
        () => stream.close(http2.constants.NGHTTP2_CANCEL),
        this.timeouts.requestMs,
      );
      stream.once('end', () => clearTimeout(incomplete));
      stream.once('close', () => {
        clearTimeout(incomplete);
        open -= 1;
        if (open === 0 && !session.closed) armIdle();
      });
    });
    session.once('close', () => {
      clearTimeout(idle);
      this.sessions.delete(session);
    });
  }

  private sniff(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    // Until a protocol server owns the socket, a client reset must not become an uncaught error.
    socket.on('error', () => {});
    // A connection that never says which protocol it speaks is closed like one that never sends headers.
    const silent = setTimeout(() => socket.destroy(), this.timeouts.headersMs);
    socket.once('close', () => clearTimeout(silent));
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, PREFACE.length);
      const isPreface = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isPreface && seen.length < PREFACE.length) return;
      socket.removeListener('data', onData);
      clearTimeout(silent);
      socket.pause();
      socket.unshift(seen);
      if (isPreface) {
        // The HTTP/2 session reads the socket's handle itself and takes the unshifted bytes first.
        this.http2.emit('connection', socket);
      } else {
        this.http1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(port, host, () => {
        this.tcp.off('error', reject);
        const address = this.tcp.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /**
   * Stops listening and ends every open session and connection, so nothing keeps the process alive.
   * Answers in flight have been cut by then (see Exchange); a short grace lets those resets reach the
   * clients, since a destroyed HTTP/2 session looks to the SDK like a stream that simply ended.
   */
  async close(graceMs = 50): Promise<void> {
    const closed = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    for (const session of this.sessions) session.close();
    this.http1.closeIdleConnections();
    const deadline = performance.now() + graceMs;
    while (this.sockets.size > 0 && performance.now() < deadline) await delay(5);
    for (const session of this.sessions) session.destroy();
    for (const socket of this.sockets) socket.destroy();
    this.http1.close();
    await closed;
  }
}
