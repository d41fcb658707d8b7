import { randomUUID } from 'node:crypto';
import { isUserError } from '../errors.ts';
import type { Answer } from './answer.ts';
import {
  BedrockError,
  bodyTooLargeError,
  invalidModelError,
  methodNotAllowedError,
  noAccessError,
  validationError,
} from './bedrock-error.ts';
import { nowMs } from './clock.ts';
import { complete } from './completion.ts';
import { checkModelLimits, parseConverseBody } from './converse-request.ts';
import { serveConverse } from './converse-responder.ts';
import type { Exchange } from './exchange.ts';
import type { GroundTruthEntry, GroundTruthRing } from './ground-truth.ts';
import { type ModelCatalog, resolveModel } from './models.ts';
import type { PlanRequest, ResponsePlan } from './plan.ts';
import type { PromptCache } from './prompt-cache.ts';
import { readBody } from './read-body.ts';
import { parseReasoning } from './reasoning.ts';
import type { Route } from './routes.ts';
import { sendError } from './send-error.ts';
import { serveStream } from './stream-responder.ts';
import { parseToolRequest } from './tools.ts';

export interface ModelHandlerConfig {
  planner: (request: PlanRequest) => ResponsePlan;
  models: ModelCatalog;
  maxBodyBytes: number;
  groundTruth: GroundTruthRing;
  promptCache: PromptCache;
}

function plan(config: ModelHandlerConfig, request: PlanRequest): ResponsePlan {
  try {
    return config.planner(request);
  } catch (error) {
    // A malformed `x-emulator-fault` header is the caller's to fix: a 400, never retried. Bugs stay 500s.
    if (!isUserError(error)) throw error;
    throw validationError(`The emulator could not plan this request: ${error.message}`);
  }
}

async function answer(
  ex: Exchange,
  route: Extract<Route, { kind: 'model' }>,
  entry: GroundTruthEntry,
  config: ModelHandlerConfig,
): Promise<void> {
  if (ex.method !== 'POST') throw methodNotAllowedError(ex.method, ex.url.split('?', 1)[0] ?? '/');
  const body = await readBody(ex.request, config.maxBodyBytes);
  entry.bodyReceivedMs = nowMs();
  if (body.kind === 'too-large') throw bodyTooLargeError(config.maxBodyBytes);

  const input = parseConverseBody(body.text);
  const model = resolveModel(route.modelId, config.models);
  if (model.status === 'invalid') throw invalidModelError();
  if (model.status === 'no-access') throw noAccessError();
  checkModelLimits(input, model.info);
  const reasoning = parseReasoning(input.additionalFields, model.baseId, input);
  const tool = parseToolRequest(input.toolConfig);
  if (reasoning?.kind === 'budget' && tool?.forced) {
    throw validationError(
      'The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use.',
    );
  }

  const completion = complete(input, input.maxTokens ?? model.info.maxOutputTokens, reasoning, tool);
  entry.inputTokens = completion.inputTokens;
  entry.outputTokens = completion.outputTokens;
  const cached = config.promptCache.lookup(route.modelId, input);
  const responsePlan = plan(config, {
    modelId: route.modelId,
    api: route.api,
    latencyMode: input.latency ?? 'standard',
    serviceTier: input.serviceTier ?? 'default',
    inputTokens: completion.inputTokens,
    ...(cached === undefined ? {} : { cacheReadTokens: cached.use.readTokens }),
    outputTokens: completion.outputTokens,
    headers: ex.headers(),
    receivedMs: entry.receivedMs,
  });
  const fault = responsePlan.fault;
  if (fault) entry.fault = fault.kind;
  if (fault?.kind === 'http-error') throw new BedrockError(fault.status, fault.errorType, fault.message);
  // A request turned away never reaches the model: only an answered one reads or writes the cache.
  if (cached !== undefined) {
    cached.commit(responsePlan.ttftMs);
    entry.cacheReadTokens = cached.use.readTokens;
    entry.cacheWriteTokens = cached.use.writeTokens;
  }

  const planned: Answer = {
    requestId: entry.requestId,
    entry,
    plan: responsePlan,
    completion,
    latencyRequested: input.latency !== undefined,
    tierRequested: input.serviceTier !== undefined,
    ...(cached === undefined ? {} : { cache: cached.use }),
  };
  await (route.api === 'converse' ? serveConverse(ex, planned) : serveStream(ex, planned));
}

/** Serves `POST /model/{modelId}/converse[-stream]`, recording its ground truth in the ring. */
export async function handleModelRequest(
  ex: Exchange,
  route: Extract<Route, { kind: 'model' }>,
  receivedMs: number,
  config: ModelHandlerConfig,
): Promise<void> {
  const entry: GroundTruthEntry = {
    requestId: randomUUID(),
    modelId: route.modelId,
    api: route.api,
    protocol: ex.protocol,
    receivedMs,
    outcome: 'pending',
  };
  config.groundTruth.add(entry);
  ex.onFinish(() => {
    entry.lastByteMs = nowMs();
    if (entry.outcome === 'pending') entry.outcome = 'completed';
  });
  ex.signal.addEventListener('abort', () => {
    if (entry.outcome === 'pending') entry.outcome = 'aborted';
  });
  try {
    await answer(ex, route, entry, config);
  } catch (error) {
    if (!(error instanceof BedrockError)) throw error;
    if (!ex.signal.aborted) sendError(ex, entry, entry.requestId, error);
  }
}
