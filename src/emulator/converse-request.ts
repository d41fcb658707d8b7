import { type LatencyMode, SERVICE_TIERS, type ServiceTier } from '../records/call-record.ts';
import { isJsonObject, type JsonObject } from '../records/json-object.ts';
import { type BedrockError, constraintError, notJsonError, validationError } from './bedrock-error.ts';
import type { ModelInfo } from './models.ts';

/**
 * Parsing and validating a Converse / ConverseStream request body the way Bedrock does. Only text
 * content is supported, plus `cachePoint` markers (in `system` and message content: the emulator's
 * prompt cache, prompt-cache.ts); `toolConfig` and `additionalModelRequestFields` are kept for tools.ts
 * and reasoning.ts; guardrail and other optional fields are accepted if they are objects and otherwise
 * ignored.
 */

export type Role = 'user' | 'assistant';

/** A cache point's TTL (`CacheTTL`); a cache point without `ttl` gets the default, 5 minutes. */
export type CacheTtl = '5m' | '1h';

/** Where a `cachePoint` block stands: after `after` text blocks of the system prompt or of a message. */
export interface CachePointAt {
  section: 'system' | number;
  after: number;
  ttl: CacheTtl;
}

export interface ConverseInput {
  system: string[];
  /** In request order: the system prompt's, then each message's. */
  cachePoints: CachePointAt[];
  messages: { role: Role; texts: string[] }[];
  maxTokens: number | undefined;
  temperature: number | undefined;
  topP: number | undefined;
  stopSequences: string[];
  /** `performanceConfig.latency` as requested; undefined when absent. */
  latency: LatencyMode | undefined;
  /** `serviceTier.type` as requested; undefined when absent. */
  serviceTier: ServiceTier | undefined;
  /** `additionalModelRequestFields`, the model's own fields (reasoning.ts reads them); undefined when absent. */
  additionalFields: Record<string, unknown> | undefined;
  /** `toolConfig` (tools.ts reads it); undefined when absent. */
  toolConfig: Record<string, unknown> | undefined;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a structure' : `a ${typeof value}`;
}

function wrongType(path: string, expected: string, value: unknown): BedrockError {
  return validationError(
    `Value at '${path}' must be ${expected}, not ${typeName(value)}. Fix the request body and try again.`,
  );
}

function optionalObject(body: JsonObject, key: string): JsonObject | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw wrongType(key, 'a structure', value);
  return value;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw wrongType(path, 'a list', value);
  return value;
}

function parseCachePoint(value: unknown, at: string): CacheTtl {
  if (!isJsonObject(value)) throw wrongType(at, 'a structure', value);
  if (value.type !== 'default') {
    throw constraintError(value.type ?? null, `${at}.type`, 'Member must satisfy enum value set: [default]');
  }
  const ttl = value.ttl;
  if (ttl === undefined || ttl === null) return '5m';
  if (ttl !== '5m' && ttl !== '1h') {
    throw constraintError(ttl, `${at}.ttl`, 'Member must satisfy enum value set: [5m, 1h]');
  }
  return ttl;
}

/**
 * Texts of content blocks; each `cachePoint` block is validated and handed to `onCachePoint` with the
 * number of texts before it. Other kinds are not emulated.
 */
function blockTexts(
  value: unknown,
  path: string,
  onCachePoint: (after: number, ttl: CacheTtl) => void = () => {},
): string[] {
  const texts: string[] = [];
  list(value, path).forEach((block, i) => {
    const at = `${path}.${i}`;
    if (!isJsonObject(block)) throw wrongType(at, 'a structure', block);
    if ('cachePoint' in block) {
      onCachePoint(texts.length, parseCachePoint(block.cachePoint, `${at}.cachePoint`));
      return;
    }
    const text = block.text;
    if (text === undefined) {
      const kind = Object.keys(block)[0] ?? 'empty';
      throw validationError(
        `The emulator supports only text content blocks; found '${kind}' at ${at}. Send text content.`,
      );
    }
    if (typeof text !== 'string') throw wrongType(`${at}.text`, 'a string', text);
    if (text.trim() === '') {
      throw validationError(
        `The text field in the ContentBlock object at ${at} is blank. Add text to the text field, and try again.`,
      );
    }
    texts.push(text);
  });
  return texts;
}

function parseMessages(value: unknown, cachePoints: CachePointAt[]): ConverseInput['messages'] {
  const raw = list(value, 'messages');
  if (raw.length === 0) {
    throw constraintError([], 'messages', 'Member must have length greater than or equal to 1');
  }
  return raw.map((message, i) => {
    const at = `messages.${i}.member`;
    if (!isJsonObject(message)) throw wrongType(`messages.${i}`, 'a structure', message);
    const { role, content } = message;
    if (typeof role !== 'string') throw wrongType(`${at}.role`, 'a string', role);
    if (role !== 'user' && role !== 'assistant') {
      throw constraintError(role, `${at}.role`, 'Member must satisfy enum value set: [user, assistant]');
    }
    const texts = blockTexts(content, `messages.${i}.content`, (after, ttl) =>
      cachePoints.push({ section: i, after, ttl }),
    );
    if (texts.length === 0) {
      throw constraintError([], `${at}.content`, 'Member must have length greater than or equal to 1');
    }
    return { role, texts };
  });
}

function checkTurns(messages: ConverseInput['messages']): void {
  if (messages[0]?.role !== 'user') {
    throw validationError(
      'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
    );
  }
  for (let i = 1; i < messages.length; i++) {
    if (messages[i]?.role === messages[i - 1]?.role) {
      throw validationError(
        'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
      );
    }
  }
}

function optionalNumber(config: JsonObject, key: string, integer: boolean): number | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw wrongType(`inferenceConfig.${key}`, integer ? 'an integer' : 'a number', value);
  }
  return value;
}

function inUnitRange(value: number | undefined, key: string): number | undefined {
  if (value === undefined) return undefined;
  const path = `inferenceConfig.${key}`;
  if (value < 0) throw constraintError(value, path, 'Member must have value greater than or equal to 0');
  if (value > 1) throw constraintError(value, path, 'Member must have value less than or equal to 1');
  return value;
}

function parseLatency(body: JsonObject): LatencyMode | undefined {
  const config = optionalObject(body, 'performanceConfig');
  const latency = config?.latency;
  if (latency === undefined || latency === null) return undefined;
  if (latency !== 'standard' && latency !== 'optimized') {
    throw constraintError(
      latency,
      'performanceConfig.latency',
      'Member must satisfy enum value set: [standard, optimized]',
    );
  }
  return latency;
}

function parseServiceTier(body: JsonObject): ServiceTier | undefined {
  const type = optionalObject(body, 'serviceTier')?.type;
  if (type === undefined || type === null) return undefined;
  const tier = SERVICE_TIERS.find((t) => t === type);
  if (tier === undefined) {
    throw constraintError(
      type,
      'serviceTier.type',
      `Member must satisfy enum value set: [${SERVICE_TIERS.join(', ')}]`,
    );
  }
  return tier;
}

/** Parses and validates a request body; throws a BedrockError answer for anything Bedrock rejects. */
export function parseConverseBody(raw: string): ConverseInput {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    throw notJsonError(error instanceof Error ? error.message : String(error));
  }
  if (!isJsonObject(body)) throw notJsonError('the body must be a JSON object');

  const cachePoints: CachePointAt[] = [];
  const system =
    body.system === undefined || body.system === null
      ? []
      : blockTexts(body.system, 'system', (after, ttl) =>
          cachePoints.push({ section: 'system', after, ttl }),
        );
  const messages = parseMessages(body.messages, cachePoints);
  checkTurns(messages);

  const config = optionalObject(body, 'inferenceConfig') ?? {};
  const maxTokens = optionalNumber(config, 'maxTokens', true);
  if (maxTokens !== undefined && maxTokens < 1) {
    throw constraintError(
      maxTokens,
      'inferenceConfig.maxTokens',
      'Member must have value greater than or equal to 1',
    );
  }
  const stops =
    config.stopSequences === undefined || config.stopSequences === null ? [] : config.stopSequences;
  const stopSequences = list(stops, 'inferenceConfig.stopSequences').map((s, i) => {
    if (typeof s !== 'string') throw wrongType(`inferenceConfig.stopSequences.${i}`, 'a string', s);
    if (s === '') {
      throw constraintError(
        s,
        `inferenceConfig.stopSequences.${i}`,
        'Member must have length greater than or equal to 1',
      );
    }
    return s;
  });
  for (const key of ['guardrailConfig', 'requestMetadata']) {
    optionalObject(body, key);
  }
  return {
    system,
    cachePoints,
    messages,
    maxTokens,
    temperature: inUnitRange(optionalNumber(config, 'temperature', false), 'temperature'),
    topP: inUnitRange(optionalNumber(config, 'topP', false), 'topP'),
    stopSequences,
    latency: parseLatency(body),
    serviceTier: parseServiceTier(body),
    additionalFields: optionalObject(body, 'additionalModelRequestFields'),
    toolConfig: optionalObject(body, 'toolConfig'),
  };
}

/** Checks what depends on the model: maxTokens within its output limit. */
export function checkModelLimits(input: ConverseInput, model: ModelInfo): void {
  const limit = model.maxOutputTokens;
  if (input.maxTokens !== undefined && input.maxTokens > limit) {
    throw validationError(
      `The maximum tokens you requested exceeds the model limit of ${limit}. Try again with a maximum tokens value that is lower than ${limit}.`,
    );
  }
}
