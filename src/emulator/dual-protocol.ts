import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import net, { type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export type RequestListener = (
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
) => void;

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

  constructor(listener: RequestListener) {
    this.http1 = http.createServer(listener);
    // Clients keep idle connections for reuse; outlive the usual 5 s so a paused benchmark does not race a close.
    this.http1.keepAliveTimeout = 60_000;
    this.http2 = http2.createServer(listener);
    this.http2.on('session', (session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    this.tcp = net.createServer({ noDelay: true }, (socket) => this.sniff(socket));
  }

  private sniff(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    // Until a protocol server owns the socket, a client reset must not become an uncaught error.
    socket.on('error', () => {});
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, PREFACE.length);
      const isPreface = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isPreface && seen.length < PREFACE.length) return;
      socket.removeListener('data', onData);
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
