import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { UserError } from '../errors.ts';
import { BedrockError, methodNotAllowedError, unknownRouteError } from './bedrock-error.ts';
import { nowMs } from './clock.ts';
import { type ConnectionTimeouts, DEFAULT_CONNECTION_TIMEOUTS, DualProtocolServer } from './dual-protocol.ts';
import { Exchange } from './exchange.ts';
import { fixedPlanner } from './fixed-planner.ts';
import { DEFAULT_GROUND_TRUTH_CAPACITY, type GroundTruthEntry, GroundTruthRing } from './ground-truth.ts';
import { handleModelRequest, type ModelHandlerConfig } from './model-handler.ts';
import { DEFAULT_MODELS, type ModelCatalog } from './models.ts';
import type { PlanRequest, ResponsePlan } from './plan.ts';
import { createPromptCache, type PromptCache } from './prompt-cache.ts';
import { allowedMethod, matchRoute } from './routes.ts';
import { sendError } from './send-error.ts';
import { loadTokenizer } from './tokenizer.ts';

export interface EmulatorOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** Timing and faults of each valid request. @default fixedPlanner() (TTFT 300 ms, 80 tokens/s) */
  planner?: (request: PlanRequest) => ResponsePlan;
  /** Larger request bodies get 413 ValidationException. @default 2 MiB */
  maxBodyBytes?: number;
  /** Known models and their output limits. @default DEFAULT_MODELS */
  models?: ModelCatalog;
  /** Ground-truth entries kept (oldest dropped first). @default 10_000 */
  groundTruthCapacity?: number;
  /** The prompt cache (its TTLs at the run's time scale). @default createPromptCache() (time scale 1) */
  promptCache?: PromptCache;
  /** How long a client may keep a connection waiting (see ConnectionTimeouts). @default DEFAULT_CONNECTION_TIMEOUTS */
  connectionTimeouts?: Partial<ConnectionTimeouts>;
}

export interface RunningEmulator {
  /** `http://host:port`, for the SDK's `endpoint` option. */
  url: string;
  port: number;
  /** Ground truth of recent Bedrock API requests, oldest first (copies). */
  groundTruth(): GroundTruthEntry[];
  /** One request's ground truth by its `x-amzn-requestid`. */
  groundTruthFor(requestId: string): GroundTruthEntry | undefined;
  /** Stops listening, cancels in-flight answers and ends every connection and HTTP/2 session. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

export class EmulatorOptionsError extends UserError {
  override readonly name = 'EmulatorOptionsError';
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new EmulatorOptionsError(`startEmulator: ${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

async function dispatch(
  ex: Exchange,
  receivedMs: number,
  config: ModelHandlerConfig,
  inFlight: ReadonlySet<Exchange>,
): Promise<void> {
  const route = matchRoute(ex.url);
  if (route.kind === 'model') return handleModelRequest(ex, route, receivedMs, config);
  const requestId = randomUUID();
  const path = ex.url.split('?', 1)[0] ?? '/';
  if (route.kind === 'unknown')
    return sendError(ex, undefined, requestId, unknownRouteError(ex.method, path));
  if (ex.method !== allowedMethod(route)) {
    return sendError(ex, undefined, requestId, methodNotAllowedError(ex.method, path));
  }
  const headers = { 'x-amzn-requestid': requestId };
  // Requests in flight, this one included: 1 on an idle emulator, however many it has served.
  if (route.kind === 'health') return ex.json(200, headers, { status: 'ok', inFlight: inFlight.size });
  if (route.kind === 'ground-truth-list') return ex.json(200, headers, config.groundTruth.list());
  const entry = config.groundTruth.get(route.requestId);
  if (entry) return ex.json(200, headers, entry);
  sendError(
    ex,
    undefined,
    requestId,
    new BedrockError(
      404,
      'ResourceNotFoundException',
      `No request ${route.requestId} in the emulator's recent history.`,
    ),
  );
}

/** Starts the Bedrock-compatible emulator (HTTP/1.1 and cleartext HTTP/2 on one port). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const config: ModelHandlerConfig = {
    planner: options.planner ?? fixedPlanner(),
    models: options.models ?? DEFAULT_MODELS,
    maxBodyBytes: positiveInteger('maxBodyBytes', options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
    groundTruth: new GroundTruthRing(
      positiveInteger('groundTruthCapacity', options.groundTruthCapacity ?? DEFAULT_GROUND_TRUTH_CAPACITY),
    ),
    promptCache: options.promptCache ?? createPromptCache(),
  };
  // Loading the encoding takes about a second: pay it now, not in the first request's latency.
  loadTokenizer();
  // Exchanges in flight, cancelled at shutdown; each leaves the set when its response closes.
  const inFlight = new Set<Exchange>();
  const settled = (ex: Exchange): void => {
    inFlight.delete(ex);
  };
  const onRequest = (
    request: IncomingMessage | Http2ServerRequest,
    response: ServerResponse | Http2ServerResponse,
  ): void => {
    const receivedMs = nowMs();
    const ex = new Exchange(request, response, settled);
    inFlight.add(ex);
    dispatch(ex, receivedMs, config, inFlight).catch((error: unknown) => {
      // A bug, not a client error: answer 500 if still possible, otherwise cut the response.
      if (ex.signal.aborted) return;
      if (ex.headersSent) return ex.drop();
      const message = error instanceof Error ? error.message : String(error);
      sendError(ex, undefined, randomUUID(), new BedrockError(500, 'InternalServerException', message));
    });
  };
  const server = new DualProtocolServer(onRequest, {
    ...DEFAULT_CONNECTION_TIMEOUTS,
    ...options.connectionTimeouts,
  });
  const port = await server.listen(options.port ?? 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    groundTruth: () => config.groundTruth.list(),
    groundTruthFor: (requestId) => config.groundTruth.get(requestId),
    close: async () => {
      for (const ex of inFlight) ex.cancel();
      await server.close();
    },
  };
}
