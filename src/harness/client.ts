import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import { shownEndpoint } from '../records/endpoint.ts';
import type { Target, Transport } from '../records/options.ts';
import { ClientOptionsError } from './errors.ts';

export interface ClientOptions {
  target: Target;
  /** Required for the emulator (the caller starts it); for Bedrock, absent means its default endpoint. */
  endpoint?: string | undefined;
  region: string;
  transport: Transport;
  /** SDK `maxAttempts` in standard retry mode (1 = no retry). */
  retryAttempts: number;
}

/** How the client talks to the service; recorded with every run. */
export interface ClientDescription {
  target: Target;
  endpoint: string | undefined;
  region: string;
  transport: Transport;
  retryMode: 'standard';
  maxAttempts: number;
}

export interface BenchClient {
  client: BedrockRuntimeClient;
  describe: ClientDescription;
  /** Closes pooled connections (keep-alive sockets, HTTP/2 sessions). */
  destroy(): void;
}

/** Sockets per origin for HTTP/1.1: well above any `numParallelCalls`, so calls never queue for one. */
export const HTTP1_MAX_SOCKETS = 256;

/**
 * Streams per HTTP/2 session before the handler opens another (Bedrock and Node servers advertise at
 * least 100). Without a limit every call shares one session.
 */
export const HTTP2_MAX_CONCURRENT_STREAMS = 100;

/** Fixed credentials for the emulator: the user's own are never sent to it. */
const EMULATOR_CREDENTIALS = { accessKeyId: 'converse-bench', secretAccessKey: 'converse-bench-emulator' };

/** The handler's own warnings (socket pool saturation) would print while measuring. */
const silentLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * The SDK marks every event-stream operation (ConverseStream too) for an isolated HTTP/2 session,
 * i.e. a new connection and handshake per call, meant for bidirectional streams. ConverseStream only
 * streams the response, so its calls share the pooled sessions like Converse calls do.
 */
class SharedSessionHttp2Handler extends NodeHttp2Handler {
  override handle(
    request: Parameters<NodeHttp2Handler['handle']>[0],
    options: Parameters<NodeHttp2Handler['handle']>[1] = {},
  ): ReturnType<NodeHttp2Handler['handle']> {
    return super.handle(request, { ...options, isEventStream: false });
  }
}

function requestHandler(transport: Transport): NodeHttpHandler | NodeHttp2Handler {
  if (transport === 'http2') {
    return new SharedSessionHttp2Handler({
      maxConcurrentStreams: HTTP2_MAX_CONCURRENT_STREAMS,
      disableConcurrentStreams: false,
    });
  }
  const agentOptions = { keepAlive: true, maxSockets: HTTP1_MAX_SOCKETS };
  return new NodeHttpHandler({
    httpAgent: new HttpAgent(agentOptions),
    httpsAgent: new HttpsAgent(agentOptions),
    logger: silentLogger,
  });
}

function checkEndpoint(endpoint: string | undefined, target: Target): void {
  if (endpoint === undefined) {
    if (target === 'emulator') {
      throw new ClientOptionsError(
        'createBedrockClient: target emulator needs an endpoint; start the emulator and pass its url',
      );
    }
    return;
  }
  const url = URL.parse(endpoint);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ClientOptionsError(
      `createBedrockClient: endpoint ${JSON.stringify(shownEndpoint(endpoint))} must be an http:// or https:// URL`,
    );
  }
}

/**
 * A Bedrock Runtime client with everything that affects timing chosen explicitly: the transport,
 * standard retries (never adaptive: its client-side rate limiter delays calls without reporting it),
 * and, for the emulator, fixed dummy credentials with SigV4 (never a bearer token from the
 * environment).
 */
export function createBedrockClient(opts: ClientOptions): BenchClient {
  checkEndpoint(opts.endpoint, opts.target);
  if (!Number.isSafeInteger(opts.retryAttempts) || opts.retryAttempts < 1) {
    throw new ClientOptionsError(
      `createBedrockClient: retryAttempts ${opts.retryAttempts} must be a whole number >= 1`,
    );
  }
  const config: BedrockRuntimeClientConfig = {
    region: opts.region,
    maxAttempts: opts.retryAttempts,
    retryMode: 'standard',
    requestHandler: requestHandler(opts.transport),
  };
  if (opts.endpoint !== undefined) config.endpoint = opts.endpoint;
  if (opts.target === 'emulator') {
    config.credentials = EMULATOR_CREDENTIALS;
    // AWS_BEARER_TOKEN_BEDROCK in the environment would otherwise make the SDK send that token.
    config.authSchemePreference = ['sigv4'];
  }
  const client = new BedrockRuntimeClient(config);
  return {
    client,
    describe: {
      target: opts.target,
      endpoint: opts.endpoint === undefined ? undefined : shownEndpoint(opts.endpoint),
      region: opts.region,
      transport: opts.transport,
      retryMode: 'standard',
      maxAttempts: opts.retryAttempts,
    },
    destroy: () => client.destroy(),
  };
}
