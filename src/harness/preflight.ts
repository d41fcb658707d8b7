import { isUserError, UserError } from '../errors.ts';
import type { ErrorCall, LatencyMode, PromptCache, ServiceTier } from '../records/call-record.ts';
import type { ResolvedOptions } from '../records/options.ts';
import { callModel } from './call.ts';
import { type ClientOptions, createBedrockClient } from './client.ts';

/**
 * One 1-token Converse call per model before a real-Bedrock plan runs, so that missing credentials,
 * a missing region or a model the account cannot use fail at once with the fix, rather than as a
 * run of hundreds of identical error rows. The call is recorded nowhere: it is not part of the plan,
 * a 1-token answer is no warmup for full-length ones, and its latency must not reach the statistics.
 */

export class PreflightError extends UserError {
  override name = 'PreflightError';
}

export interface PreflightInput {
  client: ClientOptions;
  modelId: string;
  latencyMode: LatencyMode;
  /** The run's tier: a tier the model does not offer fails here, before the run. */
  serviceTier: ServiceTier;
  /** The model's prompt caching: a model that refuses a `cachePoint` fails here, before the run. */
  promptCache: PromptCache;
  /** The run's sampling settings: a combination the model rejects fails here too. */
  temperature: number;
  topP: number;
  /** Deadline of the call, retries included. */
  timeoutMs: number;
}

/**
 * A 1-token answer takes Bedrock well under a second or two: a preflight that has heard nothing for
 * this long is a hung network or endpoint, not a slow model, and says so at once rather than after
 * the call timeout (300 s by default).
 */
export const PREFLIGHT_DEADLINE_MS = 15_000;

/** The preflight's own deadline: PREFLIGHT_DEADLINE_MS, or the call timeout when that is shorter. */
export function preflightDeadlineMs(options: Pick<ResolvedOptions, 'timeoutSeconds'>): number {
  return Math.min(PREFLIGHT_DEADLINE_MS, options.timeoutSeconds * 1000);
}

/** The preflight of a model as a run's settings and the tracking file's row place it. */
export function preflightInputFor(
  modelId: string,
  options: ResolvedOptions,
  placement: { region: string; latencyMode: LatencyMode; promptCache: PromptCache },
  endpoint: string | undefined,
): PreflightInput {
  return {
    client: {
      target: 'bedrock',
      endpoint,
      region: placement.region,
      transport: options.transport,
      retryAttempts: options.retryAttempts,
    },
    modelId,
    latencyMode: placement.latencyMode,
    serviceTier: options.serviceTier,
    promptCache: placement.promptCache,
    temperature: options.temperature,
    topP: options.topP,
    timeoutMs: preflightDeadlineMs(options),
  };
}

/** Two preflights with the same key make the same call. */
export function preflightKey(input: PreflightInput): string {
  return JSON.stringify(input);
}

/**
 * Every preflight at once: by key, `null` when the model answered, else the PreflightError's line. A
 * bug (not a user's mistake) leaves its key out, so the model's own test preflights again and shows it.
 */
export async function preflightModels(
  inputs: readonly PreflightInput[],
): Promise<Record<string, string | null>> {
  const outcomes: Record<string, string | null> = {};
  await Promise.all(
    inputs.map(async (input) => {
      try {
        await preflightModel(input);
        outcomes[preflightKey(input)] = null;
      } catch (error) {
        if (isUserError(error)) outcomes[preflightKey(input)] = error.message;
      }
    }),
  );
  return outcomes;
}

/** Short and cheap: a few input tokens, one output token. */
const PREFLIGHT_PROMPT = 'Reply with one word: ready.';

/** Makes the preflight call; resolves when the model answered, throws a PreflightError otherwise. */
export async function preflightModel(input: PreflightInput): Promise<void> {
  const { client: clientOptions, modelId } = input;
  if (clientOptions.region.trim() === '') {
    throw new PreflightError(
      `${modelId}: no AWS region: set AWS_REGION (or CONVERSE_BENCH_REGION) to the region to benchmark in`,
    );
  }
  const bench = createBedrockClient(clientOptions);
  try {
    const record = await callModel(bench.client, {
      modelId,
      region: clientOptions.region,
      latencyMode: input.latencyMode,
      serviceTier: input.serviceTier,
      promptCache: input.promptCache,
      api: 'converse',
      phase: 'warmup',
      experiment: 0,
      invocation: 0,
      document: 0,
      prompt: PREFLIGHT_PROMPT,
      inferenceConfig: { temperature: input.temperature, maxTokens: 1, topP: input.topP },
      timeoutMs: input.timeoutMs,
    });
    if (record.status === 'error') throw new PreflightError(preflightMessage(record, input.timeoutMs));
  } finally {
    bench.destroy();
  }
}

/** Error kinds that mean the credentials were found but refused. */
const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
]);

/** The one-line message for a failed preflight call: what went wrong, and the fix. */
export function preflightMessage(record: ErrorCall, deadlineMs?: number): string {
  const who = `preflight ${record.modelId} in ${record.region}`;
  const cause = `${record.errorKind}: ${record.errorMessage}`;
  const kind = record.errorKind;
  if (kind === 'CredentialsProviderError') {
    return `${who}: no AWS credentials found (${cause}); set AWS_PROFILE, run \`aws sso login\`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the emulator target needs none)`;
  }
  if (/region is missing/i.test(record.errorMessage)) {
    return `${who}: no AWS region (${cause}); set AWS_REGION (or CONVERSE_BENCH_REGION)`;
  }
  if (REJECTED_CREDENTIALS.has(kind)) {
    return `${who}: AWS rejected the credentials (${cause}); refresh them (\`aws sso login\`) or choose another AWS_PROFILE`;
  }
  if (kind === 'AccessDeniedException') {
    return `${who}: no access to this model (${cause}); enable it under Bedrock > Model access in this region, or use an inference profile id the account may call`;
  }
  if (kind === 'ResourceNotFoundException') {
    return `${who}: model not found (${cause}); check the id in the tracking file, or run in a region that offers it`;
  }
  if (kind === 'ValidationException') {
    return `${who}: request rejected (${cause}); check the model id in the tracking file, its inference_profile (latency mode) and the temperature / topP settings`;
  }
  if (kind === 'network' || kind === 'timeout') {
    const within = kind === 'timeout' && deadlineMs !== undefined ? ` within ${deadlineMs / 1000} s` : '';
    return `${who}: Bedrock did not answer${within} (${cause}); check the network, the region and CONVERSE_BENCH_ENDPOINT if set`;
  }
  return `${who}: failed (${cause}); fix it before running the plan, or retry if the service was busy`;
}
