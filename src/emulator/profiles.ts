import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { type FaultRule, parseFaultSpec } from './faults.ts';
import { baseModelId, DEFAULT_MODELS, type ModelCatalog, type ModelInfo } from './models.ts';
import type { OptionalTier } from './service-tiers.ts';

/**
 * Per-model latency profiles of the emulator, loaded from a JSON file a user can edit
 * (data/emulator-profiles.json; format in docs/emulator-profiles.md).
 */

export interface LatencyProfile {
  /** Time to first token: log-normal (median ms, sigma of ln) plus a fixed cost per input token. */
  ttft: { medianMs: number; sigma: number; perInputTokenMs: number };
  /** Output speed of a request: log-normal (median tokens/s, sigma of ln). */
  outputSpeed: { medianTokensPerSecond: number; sigma: number };
  /** Sigma of the mean-one log-normal factor on each token gap (0 = evenly spaced tokens). */
  tokenJitter: number;
  /** Present when the model offers `optimized` latency: TTFT multiplied, tokens/s multiplied. */
  optimized?: { ttftFactor: number; tokensPerSecondFactor: number };
  /** Service tiers beyond default and reserved the model offers (service-tiers.ts). @default [] */
  serviceTiers: OptionalTier[];
  /** Largest `maxTokens` the model accepts. */
  maxOutputTokens: number;
  /** Faults every request to this model may get. */
  faults: FaultRule[];
  /** Where the figures come from (illustrative). */
  source: string;
}

export interface ProfileSet {
  /** The file the profiles came from, for messages. */
  file: string;
  defaultProfile: LatencyProfile;
  /** Keyed by base model id (no geo prefix, no ARN). */
  models: ReadonlyMap<string, LatencyProfile>;
  /** Models the file adds to the catalogue without a profile of their own (served with `default`). */
  catalogue: ReadonlyMap<string, ModelInfo>;
}

export class ProfileError extends UserError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProfileError';
  }
}

export function loadProfiles(path: string): ProfileSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProfileError(
      `${path}: cannot be read (${(error as Error).message}); check the emulator profiles file option`,
      { cause: error },
    );
  }
  return parseProfiles(text, path);
}

/** Parse and validate the profile file's text; `file` names it in messages. */
export function parseProfiles(text: string, file: string): ProfileSet {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProfileError(`${file}: not valid JSON (${(error as Error).message}); fix the syntax`, {
      cause: error,
    });
  }
  const fail = (path: string, problem: string, fix: string): never => {
    throw new ProfileError(`${file}: ${path} ${problem}; ${fix}`);
  };
  const root = asObject(json, '$', fail);
  checkKeys(root, '$', ['$comment', 'default', 'models', 'catalogue'], fail);
  if (root.default === undefined)
    fail('$.default', 'is missing', 'add the profile used for unknown model ids');
  const defaultProfile = parseProfile(root.default, '$.default', file, fail);
  const modelsJson = asObject(root.models ?? {}, '$.models', fail);
  const models = new Map<string, LatencyProfile>();
  for (const [id, value] of Object.entries(modelsJson)) {
    const path = `$.models[${JSON.stringify(id)}]`;
    checkBaseId(id, path, fail);
    models.set(id, parseProfile(value, path, file, fail));
  }
  return { file, defaultProfile, models, catalogue: parseCatalogue(root.catalogue, fail) };
}

function checkBaseId(id: string, path: string, fail: Fail): void {
  if (profileKey(id) !== id) {
    fail(path, 'is keyed by a prefixed id or ARN', `key it by the base model id "${profileKey(id)}"`);
  }
}

/** `catalogue`: base model id -> { maxOutputTokens }, for models served with the default profile. */
function parseCatalogue(value: unknown, fail: Fail): Map<string, ModelInfo> {
  const catalogue = new Map<string, ModelInfo>();
  for (const [id, entry] of Object.entries(asObject(value ?? {}, '$.catalogue', fail))) {
    const path = `$.catalogue[${JSON.stringify(id)}]`;
    if (baseModelId(id) === undefined) {
      fail(path, 'is not a model id Bedrock accepts', 'use the form provider.model-name-v1:0');
    }
    checkBaseId(id, path, fail);
    const json = asObject(entry, path, fail);
    checkKeys(json, path, ['maxOutputTokens'], fail);
    catalogue.set(id, {
      maxOutputTokens: wholeAtLeastOne(json.maxOutputTokens, `${path}.maxOutputTokens`, fail),
    });
  }
  return catalogue;
}

/**
 * The models the emulator serves: the built-in catalogue, then the file's `catalogue`, then every model
 * the file profiles (with the profile's output limit). Any other id is a 400 ValidationException.
 */
export function catalogueOf(set: ProfileSet, base: ModelCatalog = DEFAULT_MODELS): ModelCatalog {
  const catalogue: Record<string, ModelInfo> = { ...base };
  for (const [id, info] of set.catalogue) catalogue[id] = info;
  for (const [id, profile] of set.models) catalogue[id] = { maxOutputTokens: profile.maxOutputTokens };
  return catalogue;
}

type Fail = (path: string, problem: string, fix: string) => never;

function parseProfile(value: unknown, path: string, file: string, fail: Fail): LatencyProfile {
  const json = asObject(value, path, fail);
  checkKeys(
    json,
    path,
    [
      'source',
      'ttft',
      'outputSpeed',
      'tokenJitter',
      'optimized',
      'serviceTiers',
      'maxOutputTokens',
      'faults',
    ],
    fail,
  );
  const ttft = asObject(json.ttft, `${path}.ttft`, fail);
  checkKeys(ttft, `${path}.ttft`, ['medianMs', 'sigma', 'perInputTokenMs'], fail);
  const speed = asObject(json.outputSpeed, `${path}.outputSpeed`, fail);
  checkKeys(speed, `${path}.outputSpeed`, ['medianTokensPerSecond', 'sigma'], fail);
  const source = json.source;
  if (typeof source !== 'string' || source.trim() === '') {
    fail(`${path}.source`, 'is missing', 'say where the figures come from (and that they are illustrative)');
  }
  const faults = json.faults ?? '';
  if (typeof faults !== 'string')
    fail(`${path}.faults`, 'is not a string', 'write a fault spec such as "throttle~0.01"');
  const profile: LatencyProfile = {
    ttft: {
      medianMs: positive(ttft.medianMs, `${path}.ttft.medianMs`, fail),
      sigma: nonNegative(ttft.sigma, `${path}.ttft.sigma`, fail),
      perInputTokenMs: nonNegative(ttft.perInputTokenMs ?? 0, `${path}.ttft.perInputTokenMs`, fail),
    },
    outputSpeed: {
      medianTokensPerSecond: positive(
        speed.medianTokensPerSecond,
        `${path}.outputSpeed.medianTokensPerSecond`,
        fail,
      ),
      sigma: nonNegative(speed.sigma, `${path}.outputSpeed.sigma`, fail),
    },
    tokenJitter: nonNegative(json.tokenJitter ?? 0, `${path}.tokenJitter`, fail),
    serviceTiers: parseTiers(json.serviceTiers, `${path}.serviceTiers`, fail),
    maxOutputTokens: wholeAtLeastOne(json.maxOutputTokens, `${path}.maxOutputTokens`, fail),
    faults: parseFaultSpec(faults as string, `${file} ${path}.faults`),
    source: source as string,
  };
  if (json.optimized !== undefined && json.optimized !== null) {
    const optimized = asObject(json.optimized, `${path}.optimized`, fail);
    checkKeys(optimized, `${path}.optimized`, ['ttftFactor', 'tokensPerSecondFactor'], fail);
    profile.optimized = {
      ttftFactor: positive(optimized.ttftFactor, `${path}.optimized.ttftFactor`, fail),
      tokensPerSecondFactor: positive(
        optimized.tokensPerSecondFactor,
        `${path}.optimized.tokensPerSecondFactor`,
        fail,
      ),
    };
  }
  return profile;
}

function parseTiers(value: unknown, path: string, fail: Fail): OptionalTier[] {
  if (value === undefined || value === null) return [];
  const tiers = Array.isArray(value) ? value : [];
  if (!Array.isArray(value) || tiers.some((t) => t !== 'priority' && t !== 'flex')) {
    fail(path, `is ${describe(value)}`, 'list the tiers the model offers, e.g. ["priority", "flex"]');
  }
  return tiers as OptionalTier[];
}

function asObject(value: unknown, path: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(path, `is ${describe(value)}, not an object`, 'write it as { ... }');
  }
  return value as Record<string, unknown>;
}

function checkKeys(
  json: Record<string, unknown>,
  path: string,
  allowed: readonly string[],
  fail: Fail,
): void {
  for (const key of Object.keys(json)) {
    if (!allowed.includes(key))
      fail(`${path}.${key}`, 'is not a known field', `use only ${allowed.join(', ')}`);
  }
}

function positive(value: unknown, path: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    return fail(path, `is ${describe(value)}, not a positive number`, 'set a number above 0');
  }
  return value;
}

function nonNegative(value: unknown, path: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return fail(path, `is ${describe(value)}, not a number >= 0`, 'set a number of 0 or more');
  }
  return value;
}

function wholeAtLeastOne(value: unknown, path: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    return fail(path, `is ${describe(value)}, not a whole number >= 1`, "set the model's output token limit");
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}

/** Context-length variants such as `anthropic.claude-3-haiku-20240307-v1:0:200k`. */
const CONTEXT_SUFFIX = /:\d+k$/;

/**
 * The base model id behind a model id, inference profile id or ARN; the id itself when it is not one
 * of those forms (the server has already refused malformed ids).
 */
function profileKey(modelId: string): string {
  return baseModelId(modelId) ?? modelId;
}

export interface ResolvedProfile {
  baseModelId: string;
  profile: LatencyProfile;
  /** False when no profile matched and the `default` profile is used. */
  matched: boolean;
}

/** The profile for a requested model id: by base id, then without a context suffix, else `default`. */
export function resolveProfile(set: ProfileSet, modelId: string): ResolvedProfile {
  const base = profileKey(modelId);
  const profile = set.models.get(base) ?? set.models.get(base.replace(CONTEXT_SUFFIX, ''));
  return profile === undefined
    ? { baseModelId: base, profile: set.defaultProfile, matched: false }
    : { baseModelId: base, profile, matched: true };
}
