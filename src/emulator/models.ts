/**
 * Which model ids the emulator knows, and how it reads the forms Bedrock accepts: a base model id
 * (`amazon.nova-lite-v1:0`), a cross-region inference profile id (`us.amazon.nova-lite-v1:0`), and ARNs of
 * foundation models and inference profiles.
 */

/** What validation needs to know about a model. */
export interface ModelInfo {
  /** Largest `inferenceConfig.maxTokens` Bedrock accepts for the model. */
  maxOutputTokens: number;
}

export type ModelCatalog = Readonly<Record<string, ModelInfo>>;

/**
 * Text models the emulator serves, keyed by base model id. Output limits are illustrative, taken from
 * the Bedrock model cards at the time of writing; the profile file's models and `catalogue` extend them
 * (`catalogueOf` in profiles.ts), or pass your own catalog to `startEmulator`.
 */
export const DEFAULT_MODELS: ModelCatalog = {
  'anthropic.claude-3-haiku-20240307-v1:0': { maxOutputTokens: 4096 },
  'anthropic.claude-3-sonnet-20240229-v1:0': { maxOutputTokens: 4096 },
  'anthropic.claude-3-opus-20240229-v1:0': { maxOutputTokens: 4096 },
  'anthropic.claude-3-5-haiku-20241022-v1:0': { maxOutputTokens: 8192 },
  'anthropic.claude-3-5-sonnet-20240620-v1:0': { maxOutputTokens: 8192 },
  'anthropic.claude-3-5-sonnet-20241022-v2:0': { maxOutputTokens: 8192 },
  'anthropic.claude-3-7-sonnet-20250219-v1:0': { maxOutputTokens: 64000 },
  'anthropic.claude-sonnet-4-20250514-v1:0': { maxOutputTokens: 64000 },
  'anthropic.claude-opus-4-20250514-v1:0': { maxOutputTokens: 32000 },
  'anthropic.claude-sonnet-4-5-20250929-v1:0': { maxOutputTokens: 64000 },
  'anthropic.claude-haiku-4-5-20251001-v1:0': { maxOutputTokens: 64000 },
  'amazon.nova-micro-v1:0': { maxOutputTokens: 10000 },
  'amazon.nova-lite-v1:0': { maxOutputTokens: 10000 },
  'amazon.nova-pro-v1:0': { maxOutputTokens: 10000 },
  'amazon.nova-premier-v1:0': { maxOutputTokens: 32000 },
  'amazon.nova-2-lite-v1:0': { maxOutputTokens: 65535 },
  'amazon.titan-text-express-v1': { maxOutputTokens: 8192 },
  'amazon.titan-text-lite-v1': { maxOutputTokens: 4096 },
  'amazon.titan-text-premier-v1:0': { maxOutputTokens: 3072 },
  'meta.llama3-8b-instruct-v1:0': { maxOutputTokens: 2048 },
  'meta.llama3-70b-instruct-v1:0': { maxOutputTokens: 2048 },
  'meta.llama3-1-8b-instruct-v1:0': { maxOutputTokens: 2048 },
  'meta.llama3-1-70b-instruct-v1:0': { maxOutputTokens: 2048 },
  'meta.llama3-1-405b-instruct-v1:0': { maxOutputTokens: 4096 },
  'meta.llama3-2-1b-instruct-v1:0': { maxOutputTokens: 2048 },
  'meta.llama3-2-3b-instruct-v1:0': { maxOutputTokens: 2048 },
  'meta.llama3-2-11b-instruct-v1:0': { maxOutputTokens: 2048 },
  'meta.llama3-2-90b-instruct-v1:0': { maxOutputTokens: 2048 },
  'meta.llama3-3-70b-instruct-v1:0': { maxOutputTokens: 2048 },
  'meta.llama4-scout-17b-instruct-v1:0': { maxOutputTokens: 8192 },
  'meta.llama4-maverick-17b-instruct-v1:0': { maxOutputTokens: 8192 },
  'mistral.mistral-7b-instruct-v0:2': { maxOutputTokens: 8192 },
  'mistral.mixtral-8x7b-instruct-v0:1': { maxOutputTokens: 4096 },
  'mistral.mistral-small-2402-v1:0': { maxOutputTokens: 8192 },
  'mistral.mistral-large-2402-v1:0': { maxOutputTokens: 8192 },
  'mistral.mistral-large-2407-v1:0': { maxOutputTokens: 8192 },
  'cohere.command-r-v1:0': { maxOutputTokens: 4000 },
  'cohere.command-r-plus-v1:0': { maxOutputTokens: 4000 },
  'ai21.jamba-1-5-mini-v1:0': { maxOutputTokens: 4096 },
  'ai21.jamba-1-5-large-v1:0': { maxOutputTokens: 4096 },
  'deepseek.r1-v1:0': { maxOutputTokens: 32768 },
  'openai.gpt-oss-20b-1:0': { maxOutputTokens: 32768 },
  'openai.gpt-oss-120b-1:0': { maxOutputTokens: 32768 },
};

/**
 * Ids containing this marker are treated as models the account has no access to (403
 * AccessDeniedException), e.g. `anthropic.claude-no-access-v1:0`, so callers can test that path.
 */
export const NO_ACCESS_MARKER = 'no-access';

export type ModelResolution =
  | { status: 'ok'; baseId: string; info: ModelInfo }
  | { status: 'invalid' }
  | { status: 'no-access'; baseId: string };

/** Geography prefixes of cross-region inference profile ids. */
const PROFILE_PREFIX = /^(?:us|eu|apac|global|us-gov|jp|au|ca)\.(.+)$/;
const BASE_ID = /^[a-z0-9-]{1,63}\.[a-z0-9-:.]{1,63}$/;
const ARN =
  /^arn:aws(?:-[a-z-]+)?:bedrock:[a-z0-9-]{1,20}:(\d{12})?:(foundation-model|inference-profile)\/([A-Za-z0-9-:.]+)$/;

/** The base model id named by a model id, profile id or ARN; undefined when malformed. */
export function baseModelId(modelId: string): string | undefined {
  let id = modelId;
  const arn = ARN.exec(id);
  if (arn) {
    const account = arn[1];
    const kind = arn[2];
    // Foundation-model ARNs carry no account; inference-profile ARNs need one.
    if ((kind === 'foundation-model') !== (account === undefined)) return undefined;
    id = arn[3] ?? '';
    if (kind === 'foundation-model') return BASE_ID.test(id) ? id : undefined;
  }
  const profile = PROFILE_PREFIX.exec(id);
  if (profile) id = profile[1] ?? '';
  return BASE_ID.test(id) ? id : undefined;
}

/** Context-length variants such as `anthropic.claude-3-haiku-20240307-v1:0:200k` name their base model. */
const CONTEXT_SUFFIX = /:\d+k$/;

/**
 * Catalog models are served with their limits (a context-length variant as its base model); any other
 * id, well-formed or not, is Bedrock's 400 "The provided model identifier is invalid." A model newer
 * than this list joins the catalog through the emulator's profile file (docs/emulator-profiles.md).
 */
export function resolveModel(modelId: string, catalog: ModelCatalog): ModelResolution {
  const baseId = baseModelId(modelId);
  if (baseId === undefined) return { status: 'invalid' };
  if (baseId.includes(NO_ACCESS_MARKER)) return { status: 'no-access', baseId };
  const known = (id: string): ModelInfo | undefined => (Object.hasOwn(catalog, id) ? catalog[id] : undefined);
  const info = known(baseId) ?? known(baseId.replace(CONTEXT_SUFFIX, ''));
  return info === undefined ? { status: 'invalid' } : { status: 'ok', baseId, info };
}
