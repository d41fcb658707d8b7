import type {
  AbsoluteLocation,
  DeserializeHandlerOptions,
  DeserializeMiddleware,
  MiddlewareStack,
} from '@smithy/types';
import type { AuthKind, WireStamps } from '../records/call-record.ts';
import { expectAttempt } from './wire-timer.ts';

/**
 * What one call's attempts looked like, filled in by its own middleware instance: never shared
 * between calls, so concurrent calls cannot mix their figures.
 */
export interface AttemptLog {
  /** Each attempt's duration, ms, in order. */
  attemptMs: number[];
  /** When each attempt started (clock ms), in order. */
  attemptStartMs: number[];
  /** HTTP status and `x-amzn-requestid` of the latest attempt, when a response arrived. */
  httpStatus: number | undefined;
  requestId: string | undefined;
  /** The latest response's body stream, so a deadline can cut off a stream being read. */
  body: { destroy(error?: Error): void } | undefined;
  /**
   * What the client signed this call with (key id, secret, session token, bearer token, each
   * attempt's signature and Authorization value): cut from the call's error message, whatever the
   * format a server echoes them in.
   */
  secrets: Set<string>;
  /** The auth scheme the SDK chose for the latest attempt (never the credential). */
  auth: AuthKind | undefined;
  /** The call's start (clock ms), set by callModel just before `send()`: the origin of `wire`. */
  callStartMs: number;
  /** The latest attempt on the wire, filled in as its events happen (see wire-timer.ts). */
  wire: WireStamps | undefined;
}

export function newAttemptLog(): AttemptLog {
  return {
    attemptMs: [],
    attemptStartMs: [],
    httpStatus: undefined,
    requestId: undefined,
    body: undefined,
    secrets: new Set(),
    auth: undefined,
    callStartMs: 0,
    wire: undefined,
  };
}

export const ATTEMPT_TIMER_NAME = 'converseBenchAttemptTimer';

/**
 * At the deserialize step, high priority: it wraps the SDK's deserializer, so it runs once per attempt
 * (inside the retry loop), and an attempt's time covers sending, the response and its parsing (for an
 * event stream: up to the stream being handed over; callModel extends the last attempt to the end).
 */
const ATTEMPT_TIMER_OPTIONS: DeserializeHandlerOptions & AbsoluteLocation = {
  step: 'deserialize',
  priority: 'high',
  name: ATTEMPT_TIMER_NAME,
  override: true,
};

interface RequestLike {
  headers?: Record<string, string>;
}

interface ResponseLike {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

interface ErrorMetadata {
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: ResponseLike;
}

function isDestroyable(body: unknown): body is { destroy(error?: Error): void } {
  return (
    typeof body === 'object' && body !== null && typeof (body as { destroy?: unknown }).destroy === 'function'
  );
}

/** The identity the SDK resolved for this call (SigV4 keys or a bearer token), as smithy keeps it. */
interface SmithyContext {
  __smithy_context?: {
    selectedHttpAuthScheme?: { identity?: Record<string, unknown>; httpAuthOption?: { schemeId?: string } };
  };
}

/** Smithy's scheme ids of the two ways Bedrock Runtime authenticates. */
const AUTH_KINDS: Record<string, AuthKind> = {
  'aws.auth#sigv4': 'sigv4',
  'smithy.api#httpBearerAuth': 'bearer',
};

function authKindOf(context: SmithyContext): AuthKind | undefined {
  const id = context.__smithy_context?.selectedHttpAuthScheme?.httpAuthOption?.schemeId;
  return id === undefined ? undefined : AUTH_KINDS[id];
}

const IDENTITY_SECRETS = ['accessKeyId', 'secretAccessKey', 'sessionToken', 'token'];

/** The signed request's secrets and the resolved identity's, into `secrets`. */
function collectSecrets(secrets: Set<string>, request: unknown, context: SmithyContext): void {
  const identity = context.__smithy_context?.selectedHttpAuthScheme?.identity ?? {};
  for (const name of IDENTITY_SECRETS) {
    const value = identity[name];
    if (typeof value === 'string') secrets.add(value);
  }
  const headers = (request as { headers?: Record<string, string | undefined> } | undefined)?.headers ?? {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'x-amz-security-token') secrets.add(value);
    if (lower !== 'authorization') continue;
    secrets.add(value);
    for (const match of value.matchAll(/Signature=([0-9a-f]+)|Credential=([^\s,/]+)|Bearer\s+(\S+)/gi)) {
      secrets.add((match[1] ?? match[2] ?? match[3]) as string);
    }
  }
}

function attemptTimer<I extends object, O extends object>(
  log: AttemptLog,
  now: () => number,
): DeserializeMiddleware<I, O> {
  return (next, context) => async (args) => {
    collectSecrets(log.secrets, args.request, context as SmithyContext);
    log.auth = authKindOf(context as SmithyContext) ?? log.auth;
    const start = now();
    const first = log.attemptStartMs.length === 0;
    log.attemptStartMs.push(start);
    log.httpStatus = undefined;
    log.requestId = undefined;
    log.body = undefined;
    const wire: WireStamps = { attemptStartMs: first ? 0 : start - log.callStartMs };
    log.wire = wire;
    const headers = (args.request as RequestLike).headers;
    const forget = headers === undefined ? () => {} : expectAttempt(headers, wire, log.callStartMs, now);
    try {
      const result = await next(args);
      log.attemptMs.push(now() - start);
      const response = result.response as ResponseLike;
      log.httpStatus = response.statusCode;
      log.requestId = response.headers?.['x-amzn-requestid'];
      if (isDestroyable(response.body)) log.body = response.body;
      return result;
    } catch (error) {
      log.attemptMs.push(now() - start);
      const { $metadata, $response } = (error ?? {}) as ErrorMetadata;
      log.httpStatus = $metadata?.httpStatusCode ?? $response?.statusCode;
      log.requestId = $metadata?.requestId ?? $response?.headers?.['x-amzn-requestid'];
      throw error;
    } finally {
      forget();
    }
  };
}

/** Adds the per-attempt timer to this one command (a fresh command per call). */
export function attachAttemptTimer<I extends object, O extends object>(
  command: { middlewareStack: MiddlewareStack<I, O> },
  log: AttemptLog,
  now: () => number,
): void {
  command.middlewareStack.add(attemptTimer<I, O>(log, now), ATTEMPT_TIMER_OPTIONS);
}
