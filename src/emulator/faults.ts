import { UserError } from '../errors.ts';
import type { Api } from '../records/call-record.ts';
import type { Fault } from './plan.ts';

/**
 * Fault injection: the compact spec syntax (shared by the profile file, the emulator's `--fault` flag
 * and the `x-emulator-fault` request header), and the decision of which fault a request gets.
 * Decisions never read a clock: time-based rules use the request's `receivedMs`.
 * The syntax is documented in docs/emulator-profiles.md.
 */

/** Bedrock's HTTP errors: status and a message in Bedrock's style. */
export const BEDROCK_ERRORS = {
  ThrottlingException: { status: 429, message: 'Too many requests, please wait before trying again.' },
  ModelNotReadyException: {
    status: 429,
    message: 'Model is not ready to serve inference requests. Try your request again later.',
  },
  ServiceUnavailableException: {
    status: 503,
    message: 'The service is temporarily unable to handle the request. Try your request again later.',
  },
  InternalServerException: { status: 500, message: 'The server encountered an internal error.' },
  ModelTimeoutException: {
    status: 408,
    message: 'Model has timed out in processing the request. Try your request again.',
  },
  ModelErrorException: {
    status: 424,
    message: 'The model encountered an error while processing the request. Try your request again.',
  },
  AccessDeniedException: {
    status: 403,
    message: "You don't have access to the model with the specified model ID.",
  },
  ResourceNotFoundException: { status: 404, message: 'The requested model was not found.' },
  ValidationException: { status: 400, message: 'The request failed validation.' },
} as const;

export type BedrockErrorType = keyof typeof BEDROCK_ERRORS;

/** Exceptions that can end a ConverseStream after it started, and the HTTP error Converse gets instead. */
export const STREAM_EXCEPTIONS = {
  modelStreamErrorException: {
    converse: 'ModelErrorException',
    message: 'The model encountered an error while streaming the response.',
  },
  throttlingException: {
    converse: 'ThrottlingException',
    message: BEDROCK_ERRORS.ThrottlingException.message,
  },
  internalServerException: {
    converse: 'InternalServerException',
    message: BEDROCK_ERRORS.InternalServerException.message,
  },
  serviceUnavailableException: {
    converse: 'ServiceUnavailableException',
    message: BEDROCK_ERRORS.ServiceUnavailableException.message,
  },
  validationException: {
    converse: 'ValidationException',
    message: BEDROCK_ERRORS.ValidationException.message,
  },
} as const satisfies Record<string, { converse: BedrockErrorType; message: string }>;

export type StreamExceptionType = keyof typeof STREAM_EXCEPTIONS;

/** How a throttle rule picks its calls. Durations are modeled ms (scaled by the time scale). */
export type ThrottleMode =
  /** Every call (or a random share of them, with the rule's probability). */
  | { type: 'always' }
  /** The first `calls` calls of the model. */
  | { type: 'first'; calls: number }
  /** The first `calls` calls of every `everyMs` window, counted from the model's first call. */
  | { type: 'burst'; calls: number; everyMs: number }
  /** A quota: calls beyond `requests` admitted within any `perMs` sliding window. */
  | { type: 'quota'; requests: number; perMs: number };

export type FaultAction =
  | { kind: 'throttle'; mode: ThrottleMode }
  | { kind: 'error'; errorType: BedrockErrorType }
  | { kind: 'stream-exception'; exceptionType: StreamExceptionType; afterEvents: number }
  /** `ms` is modeled (scaled later); no `afterEvents`: before the response. */
  | { kind: 'stall'; ms: number; afterEvents?: number }
  | { kind: 'drop'; afterEvents?: number }
  | { kind: 'corrupt'; mode: 'truncate' | 'bad-crc'; afterEvents: number }
  /** Token gaps multiplied by `factor`. */
  | { kind: 'slow'; factor: number };

/** One parsed item of a fault spec. */
export interface FaultRule {
  action: FaultAction;
  /** Share of eligible calls the rule fires on, 0..1 (seeded draws). */
  probability: number;
  /** The item as written, for messages and state keys. */
  text: string;
}

export class FaultSpecError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

/** Events before a mid-stream fault when `@k` is omitted: right after messageStart. */
export const DEFAULT_AFTER_EVENTS = 1;

const SYNTAX_HINT =
  'write e.g. throttle, throttle~0.1, throttle-first=3, throttle-burst=2/1000, throttle-quota=50/60000, ' +
  'error=ModelTimeoutException, stream-exception=modelStreamErrorException@3, stall=2000, stall=500@4, ' +
  'drop, drop@3, corrupt=bad-crc@2, truncate@2, slow=5 (see docs/emulator-profiles.md)';

const ITEM = /^([a-z][a-z-]*)(?:=([^@~]*))?(?:@([^~]*))?(?:~(.*))?$/i;

interface ItemParts {
  name: string;
  value: string | undefined;
  after: number | undefined;
  probability: number;
}

/** Parse a comma-separated fault spec; `where` names its origin (header, flag, file path + model). */
export function parseFaultSpec(text: string, where: string): FaultRule[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const item = raw.trim();
    const fail = (problem: string, fix = SYNTAX_HINT): never => {
      throw new FaultSpecError(`${where}: fault "${item}" ${problem}; ${fix}`);
    };
    if (item === '') fail('is empty (two commas in a row, or a trailing comma)', 'remove the extra comma');
    const match = ITEM.exec(item);
    if (!match) return fail('is not of the form name[=value][@events][~probability]');
    const parts: ItemParts = {
      name: (match[1] ?? '').toLowerCase(),
      value: match[2],
      after: match[3] === undefined ? undefined : parseCount(match[3], fail, '@events'),
      probability: match[4] === undefined ? 1 : parseProbability(match[4], fail),
    };
    return { action: parseAction(parts, fail), probability: parts.probability, text: item };
  });
}

function parseAction(parts: ItemParts, fail: (problem: string, fix?: string) => never): FaultAction {
  const { name, value, after } = parts;
  const noAfter = () => {
    if (after !== undefined) fail(`takes no @events (${name} is decided before the response starts)`);
  };
  const noValue = (fix?: string) => {
    if (value !== undefined) fail('takes no =value', fix);
  };
  const needValue = (what: string): string =>
    value === undefined || value === '' ? fail(`needs =${what}`) : value;
  const deterministic = () => {
    if (parts.probability !== 1) fail('takes no ~probability (its calls are chosen by count and time)');
  };
  switch (name) {
    case 'throttle':
      noValue('for a share of calls write throttle~0.05, for a count throttle-first=N');
      noAfter();
      return { kind: 'throttle', mode: { type: 'always' } };
    case 'throttle-first':
      noAfter();
      deterministic();
      return { kind: 'throttle', mode: { type: 'first', calls: parseCount(needValue('N'), fail, 'N') } };
    case 'throttle-burst': {
      noAfter();
      deterministic();
      const [calls, everyMs] = parsePair(needValue('N/ms'), fail, 'N/ms');
      return { kind: 'throttle', mode: { type: 'burst', calls, everyMs } };
    }
    case 'throttle-quota': {
      noAfter();
      deterministic();
      const [requests, perMs] = parsePair(needValue('N/ms'), fail, 'N/ms');
      return { kind: 'throttle', mode: { type: 'quota', requests, perMs } };
    }
    case 'error': {
      noAfter();
      const errorType = matchName(needValue('ErrorType'), Object.keys(BEDROCK_ERRORS), 'Exception');
      if (errorType === undefined) {
        return fail('names an unknown error', `use one of ${Object.keys(BEDROCK_ERRORS).join(', ')}`);
      }
      return { kind: 'error', errorType: errorType as BedrockErrorType };
    }
    case 'stream-exception': {
      const exceptionType = matchName(
        needValue('exceptionType'),
        Object.keys(STREAM_EXCEPTIONS),
        'Exception',
      );
      if (exceptionType === undefined) {
        return fail(
          'names an unknown stream exception',
          `use one of ${Object.keys(STREAM_EXCEPTIONS).join(', ')}`,
        );
      }
      return {
        kind: 'stream-exception',
        exceptionType: exceptionType as StreamExceptionType,
        afterEvents: after ?? DEFAULT_AFTER_EVENTS,
      };
    }
    case 'stall': {
      const ms = parsePositive(needValue('ms'), fail, 'ms');
      return after === undefined ? { kind: 'stall', ms } : { kind: 'stall', ms, afterEvents: after };
    }
    case 'drop':
      noValue();
      return after === undefined ? { kind: 'drop' } : { kind: 'drop', afterEvents: after };
    case 'corrupt': {
      const mode = needValue('bad-crc or =truncate').toLowerCase();
      if (mode !== 'bad-crc' && mode !== 'truncate')
        return fail('has an unknown mode', 'use corrupt=bad-crc or corrupt=truncate');
      return { kind: 'corrupt', mode, afterEvents: after ?? DEFAULT_AFTER_EVENTS };
    }
    case 'truncate':
      noValue();
      return { kind: 'corrupt', mode: 'truncate', afterEvents: after ?? DEFAULT_AFTER_EVENTS };
    case 'slow':
      noAfter();
      return { kind: 'slow', factor: parsePositive(needValue('factor'), fail, 'factor') };
    default:
      return fail(`has an unknown name "${name}"`);
  }
}

/** Case-insensitive match against canonical names, the `Exception` suffix optional. */
function matchName(value: string, names: readonly string[], suffix: string): string | undefined {
  const wanted = value.trim().toLowerCase();
  return names.find((name) => {
    const lower = name.toLowerCase();
    return lower === wanted || lower === `${wanted}${suffix.toLowerCase()}`;
  });
}

function parseCount(text: string, fail: (problem: string, fix?: string) => never, what: string): number {
  if (!/^\d+$/.test(text.trim()))
    return fail(`has ${what} "${text}", not a whole number`, `write ${what} as 0, 1, 2, ...`);
  return Number(text);
}

function parsePositive(text: string, fail: (problem: string, fix?: string) => never, what: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    return fail(`has ${what} "${text}", not a positive number`, `write ${what} as a number above 0`);
  }
  return value;
}

function parsePair(
  text: string,
  fail: (problem: string, fix?: string) => never,
  what: string,
): [number, number] {
  const [count, ms, extra] = text.split('/');
  if (count === undefined || ms === undefined || extra !== undefined) {
    return fail(`has "${text}", not ${what}`, `write ${what}, e.g. 2/1000 (2 calls per 1000 ms)`);
  }
  const calls = parseCount(count, fail, 'N');
  if (calls < 1) return fail('has N = 0, which never throttles', 'write N as 1 or more');
  return [calls, parsePositive(ms, fail, 'ms')];
}

function parseProbability(text: string, fail: (problem: string, fix?: string) => never): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    return fail(`has probability "${text}", not a number from 0 to 1`, 'write ~0.05 for 5% of calls');
  }
  return value;
}

/**
 * A rule with where it came from and its place there (`header:0`, `run:1`, `profile:0`), which keys its
 * state: a rule keeps its counters whatever rules other sources add to a request.
 */
export interface ScopedRule {
  rule: FaultRule;
  scope: string;
}

/** What a request needs to decide its faults. */
export interface FaultContext {
  api: Api;
  /** State key of the model: the id as requested. */
  modelKey: string;
  receivedMs: number;
  timeScale: number;
  /** Seeded uniform draw in [0, 1) for a rule, keyed so each rule's draws are independent. */
  draw: (ruleKey: string) => number;
}

export interface FaultDecision {
  fault?: Fault;
  /** Product of the `slow` factors that fired (1 when none). */
  slowFactor: number;
}

interface RuleState {
  calls: number;
  firstMs?: number;
  window?: number;
  inWindow: number;
  admitted: number[];
}

/** Counters and windows of the stateful throttle rules, per model and rule. */
export type FaultState = Map<string, RuleState>;

export function createFaultState(): FaultState {
  return new Map();
}

/**
 * Decide a request's faults. Every rule sees every request (so counters and windows do not depend on
 * rule order); the first rule that fires, in the order given, is the request's fault.
 */
export function decideFault(
  rules: readonly ScopedRule[],
  context: FaultContext,
  state: FaultState,
): FaultDecision {
  let fault: Fault | undefined;
  let slowFactor = 1;
  for (const { rule, scope } of rules) {
    const key = `${context.modelKey}\u001f${scope}\u001f${rule.text}`;
    if (!fires(rule, key, context, state)) continue;
    if (rule.action.kind === 'slow') slowFactor *= rule.action.factor;
    else fault ??= toFault(rule.action, context);
  }
  return fault === undefined ? { slowFactor } : { fault, slowFactor };
}

function fires(rule: FaultRule, key: string, context: FaultContext, state: FaultState): boolean {
  if (rule.action.kind === 'throttle' && rule.action.mode.type !== 'always') {
    let entry = state.get(key);
    if (entry === undefined) {
      entry = { calls: 0, inWindow: 0, admitted: [] };
      state.set(key, entry);
    }
    return throttles(rule.action.mode, entry, context);
  }
  return rule.probability >= 1 || context.draw(key) < rule.probability;
}

function throttles(mode: ThrottleMode, entry: RuleState, context: FaultContext): boolean {
  const now = context.receivedMs;
  entry.calls += 1;
  switch (mode.type) {
    case 'always':
      return true;
    case 'first':
      return entry.calls <= mode.calls;
    case 'burst': {
      entry.firstMs ??= now;
      const window = Math.floor((now - entry.firstMs) / (mode.everyMs * context.timeScale));
      if (window !== entry.window) {
        entry.window = window;
        entry.inWindow = 0;
      }
      entry.inWindow += 1;
      return entry.inWindow <= mode.calls;
    }
    case 'quota': {
      const since = now - mode.perMs * context.timeScale;
      entry.admitted = entry.admitted.filter((at) => at > since);
      if (entry.admitted.length >= mode.requests) return true;
      entry.admitted.push(now);
      return false;
    }
  }
}

/** The fault that answers `errorType` as Bedrock does (its status and message). */
export function httpError(errorType: BedrockErrorType): Fault {
  const { status, message } = BEDROCK_ERRORS[errorType];
  return { kind: 'http-error', status, errorType, message };
}

/**
 * The wire fault for an action. Converse has no event stream, so: a stream exception becomes its
 * HTTP error, a stall or drop "after k events" happens before the response, a corrupt frame is ignored.
 */
function toFault(action: Exclude<FaultAction, { kind: 'slow' }>, context: FaultContext): Fault | undefined {
  const stream = context.api === 'converse-stream';
  switch (action.kind) {
    case 'throttle':
      return httpError('ThrottlingException');
    case 'error':
      return httpError(action.errorType);
    case 'stream-exception': {
      const exception = STREAM_EXCEPTIONS[action.exceptionType];
      if (!stream) return httpError(exception.converse);
      return {
        kind: 'stream-exception',
        afterEvents: action.afterEvents,
        exceptionType: action.exceptionType,
        message: exception.message,
      };
    }
    case 'stall': {
      const ms = action.ms * context.timeScale;
      return stream && action.afterEvents !== undefined
        ? { kind: 'stall', ms, afterEvents: action.afterEvents }
        : { kind: 'stall', ms };
    }
    case 'drop':
      return stream && action.afterEvents !== undefined
        ? { kind: 'drop', afterEvents: action.afterEvents }
        : { kind: 'drop' };
    case 'corrupt':
      return stream
        ? { kind: 'corrupt-frame', afterEvents: action.afterEvents, mode: action.mode }
        : undefined;
  }
}
