import { describe, expect, it } from 'vitest';
import { BEDROCK_ERRORS, FaultSpecError, parseFaultSpec } from '../src/emulator/faults.ts';
import type { PlanRequest } from '../src/emulator/plan.ts';
import { createPlanner, type PlannerConfig } from '../src/emulator/planner.ts';
import { parseProfiles } from '../src/emulator/profiles.ts';

const profile = (faults?: string) => ({
  source: 'illustrative test profile',
  ttft: { medianMs: 500, sigma: 0.3 },
  outputSpeed: { medianTokensPerSecond: 100, sigma: 0.2 },
  tokenJitter: 0.3,
  maxOutputTokens: 4096,
  ...(faults === undefined ? {} : { faults }),
});

const profiles = parseProfiles(
  JSON.stringify({ default: profile(), models: { 'flaky.model-v1:0': profile('throttle-first=1') } }),
  'test.json',
);

const request = (overrides: Partial<PlanRequest> = {}): PlanRequest => ({
  modelId: 'test.model-v1:0',
  api: 'converse-stream',
  latencyMode: 'standard',
  serviceTier: 'default',
  inputTokens: 10,
  outputTokens: 6,
  headers: {},
  receivedMs: 0,
  ...overrides,
});

const withHeader = (spec: string, overrides: Partial<PlanRequest> = {}) =>
  request({ headers: { 'x-emulator-fault': spec }, ...overrides });

const planner = (config: Partial<PlannerConfig> = {}) => createPlanner({ profiles, ...config });
const faultOf = (spec: string, overrides: Partial<PlanRequest> = {}, config: Partial<PlannerConfig> = {}) =>
  planner(config)(withHeader(spec, overrides)).fault;

const throttled = {
  kind: 'http-error',
  status: 429,
  errorType: 'ThrottlingException',
  message: BEDROCK_ERRORS.ThrottlingException.message,
};

describe('parseFaultSpec', () => {
  it('parses every kind of the compact syntax', () => {
    const rules = parseFaultSpec(
      'throttle, throttle~0.25, throttle-first=3, throttle-burst=2/1000, throttle-quota=5/60000, ' +
        'error=ModelTimeoutException, error=modelerror, stream-exception=modelStreamErrorException@3, ' +
        'stream-exception=throttling, stall=2000, stall=500@4, drop, drop@3, corrupt=bad-crc@2, truncate@2, ' +
        'truncate, slow=5, drop~0.1',
      'test',
    );
    expect(rules.map((r) => [r.action, r.probability])).toEqual([
      [{ kind: 'throttle', mode: { type: 'always' } }, 1],
      [{ kind: 'throttle', mode: { type: 'always' } }, 0.25],
      [{ kind: 'throttle', mode: { type: 'first', calls: 3 } }, 1],
      [{ kind: 'throttle', mode: { type: 'burst', calls: 2, everyMs: 1000 } }, 1],
      [{ kind: 'throttle', mode: { type: 'quota', requests: 5, perMs: 60000 } }, 1],
      [{ kind: 'error', errorType: 'ModelTimeoutException' }, 1],
      [{ kind: 'error', errorType: 'ModelErrorException' }, 1],
      [{ kind: 'stream-exception', exceptionType: 'modelStreamErrorException', afterEvents: 3 }, 1],
      [{ kind: 'stream-exception', exceptionType: 'throttlingException', afterEvents: 1 }, 1],
      [{ kind: 'stall', ms: 2000 }, 1],
      [{ kind: 'stall', ms: 500, afterEvents: 4 }, 1],
      [{ kind: 'drop' }, 1],
      [{ kind: 'drop', afterEvents: 3 }, 1],
      [{ kind: 'corrupt', mode: 'bad-crc', afterEvents: 2 }, 1],
      [{ kind: 'corrupt', mode: 'truncate', afterEvents: 2 }, 1],
      [{ kind: 'corrupt', mode: 'truncate', afterEvents: 1 }, 1],
      [{ kind: 'slow', factor: 5 }, 1],
      [{ kind: 'drop' }, 0.1],
    ]);
    expect(rules[7]?.text).toBe('stream-exception=modelStreamErrorException@3');
    expect(parseFaultSpec('  ', 'test')).toEqual([]);
  });

  it.each([
    ['bogus', 'header: fault "bogus" has an unknown name "bogus"; write e.g. throttle'],
    [
      'throttle,,drop',
      'header: fault "" is empty (two commas in a row, or a trailing comma); remove the extra comma',
    ],
    [
      'error=Teapot',
      'header: fault "error=Teapot" names an unknown error; use one of ThrottlingException, ModelNotReadyException',
    ],
    [
      'stream-exception=boom@2',
      'header: fault "stream-exception=boom@2" names an unknown stream exception; use one of modelStreamErrorException',
    ],
    ['stall', 'header: fault "stall" needs =ms; write e.g.'],
    ['stall=-5', 'header: fault "stall=-5" has ms "-5", not a positive number; write ms as a number above 0'],
    ['drop@x', 'header: fault "drop@x" has @events "x", not a whole number; write @events as 0, 1, 2, ...'],
    [
      'throttle@2',
      'header: fault "throttle@2" takes no @events (throttle is decided before the response starts)',
    ],
    [
      'throttle-first=2~0.5',
      'header: fault "throttle-first=2~0.5" takes no ~probability (its calls are chosen by count and time)',
    ],
    [
      'throttle-burst=2',
      'header: fault "throttle-burst=2" has "2", not N/ms; write N/ms, e.g. 2/1000 (2 calls per 1000 ms)',
    ],
    [
      'throttle-quota=0/1000',
      'header: fault "throttle-quota=0/1000" has N = 0, which never throttles; write N as 1 or more',
    ],
    [
      'drop~1.5',
      'header: fault "drop~1.5" has probability "1.5", not a number from 0 to 1; write ~0.05 for 5% of calls',
    ],
    [
      'corrupt=zeros@2',
      'header: fault "corrupt=zeros@2" has an unknown mode; use corrupt=bad-crc or corrupt=truncate',
    ],
    ['drop=1', 'header: fault "drop=1" takes no =value'],
    [
      'throttle=0.1',
      'header: fault "throttle=0.1" takes no =value; for a share of calls write throttle~0.05, for a count throttle-first=N',
    ],
  ])('rejects %s with a message naming where and the fix', (spec, message) => {
    expect(() => parseFaultSpec(spec, 'header')).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(spec, 'header')).toThrow(message);
  });
});

describe('throttling modes (fake receivedMs)', () => {
  it('throttles the first N calls of a model', () => {
    const plan = planner({ faults: parseFaultSpec('throttle-first=2', '--fault') });
    const faults = [0, 1, 2, 3].map((i) => plan(request({ receivedMs: i })).fault);
    expect(faults).toEqual([throttled, throttled, undefined, undefined]);
    // Counted per model id as requested: another model starts its own count.
    expect(plan(request({ modelId: 'other.model-v1:0' })).fault).toEqual(throttled);
  });

  it('throttles N calls in every window of M ms, counted from the first call', () => {
    const plan = planner({ faults: parseFaultSpec('throttle-burst=2/1000', '--fault') });
    const at = [100, 200, 300, 1099, 1100, 1200, 1300, 2500, 2600, 2700];
    const faults = at.map((receivedMs) => plan(request({ receivedMs })).fault?.kind ?? 'ok');
    expect(faults).toEqual([
      'http-error',
      'http-error',
      'ok',
      'ok',
      'http-error',
      'http-error',
      'ok',
      'http-error',
      'http-error',
      'ok',
    ]);
  });

  it('scales burst windows with the time scale', () => {
    const plan = planner({ faults: parseFaultSpec('throttle-burst=1/1000', '--fault'), timeScale: 0.01 });
    const faults = [0, 5, 10, 15].map((receivedMs) => plan(request({ receivedMs })).fault?.kind ?? 'ok');
    expect(faults).toEqual(['http-error', 'ok', 'http-error', 'ok']);
  });

  it('throttles calls over a quota in a sliding window', () => {
    const plan = planner({ faults: parseFaultSpec('throttle-quota=2/1000', '--fault') });
    const at = [0, 10, 20, 999, 1000, 1005, 1011, 2500];
    const faults = at.map((receivedMs) => plan(request({ receivedMs })).fault?.kind ?? 'ok');
    // Admitted at 0 and 10; at 1000 the call at 0 has left the window, at 1011 the one at 10 has.
    expect(faults).toEqual(['ok', 'ok', 'http-error', 'http-error', 'ok', 'http-error', 'ok', 'ok']);
  });

  it('throttles a seeded share of calls at a probability rate', () => {
    const run = (seed: number) => {
      const plan = planner({ seed, faults: parseFaultSpec('throttle~0.2', '--fault') });
      return Array.from({ length: 5000 }, (_, i) => plan(request({ receivedMs: i })).fault !== undefined);
    };
    const first = run(4);
    const share = first.filter(Boolean).length / first.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
    expect(run(4)).toEqual(first);
    expect(run(5)).not.toEqual(first);
  });

  it('throttles every call with a bare throttle', () => {
    expect(faultOf('throttle')).toEqual(throttled);
  });
});

describe('fault kinds', () => {
  it.each(Object.entries(BEDROCK_ERRORS))(
    'error=%s answers with its status and message',
    (errorType, { status, message }) => {
      expect(faultOf(`error=${errorType}`)).toEqual({ kind: 'http-error', status, errorType, message });
      expect(faultOf(`error=${errorType}`, { api: 'converse' })).toEqual({
        kind: 'http-error',
        status,
        errorType,
        message,
      });
    },
  );

  it('uses the DESIGN.md statuses', () => {
    const statuses = Object.fromEntries(
      Object.entries(BEDROCK_ERRORS).map(([type, { status }]) => [type, status]),
    );
    expect(statuses).toEqual({
      ThrottlingException: 429,
      ModelNotReadyException: 429,
      ServiceUnavailableException: 503,
      InternalServerException: 500,
      ModelTimeoutException: 408,
      ModelErrorException: 424,
      AccessDeniedException: 403,
      ResourceNotFoundException: 404,
      ValidationException: 400,
    });
  });

  it.each([
    ['modelStreamErrorException', 'ModelErrorException', 424],
    ['throttlingException', 'ThrottlingException', 429],
    ['internalServerException', 'InternalServerException', 500],
    ['serviceUnavailableException', 'ServiceUnavailableException', 503],
    ['validationException', 'ValidationException', 400],
  ])('stream-exception=%s is a frame mid-stream and %s on Converse', (exceptionType, errorType, status) => {
    expect(faultOf(`stream-exception=${exceptionType}@3`)).toMatchObject({
      kind: 'stream-exception',
      afterEvents: 3,
      exceptionType,
    });
    expect(faultOf(`stream-exception=${exceptionType}@3`, { api: 'converse' })).toMatchObject({
      kind: 'http-error',
      errorType,
      status,
    });
  });

  it('stalls before or during the stream, scaled by the time scale', () => {
    expect(faultOf('stall=2000')).toEqual({ kind: 'stall', ms: 2000 });
    expect(faultOf('stall=500@4', {}, { timeScale: 0.01 })).toEqual({ kind: 'stall', ms: 5, afterEvents: 4 });
    // Converse has no events: the stall happens before the response.
    expect(faultOf('stall=500@4', { api: 'converse' })).toEqual({ kind: 'stall', ms: 500 });
  });

  it('drops the connection before or during the stream', () => {
    expect(faultOf('drop')).toEqual({ kind: 'drop' });
    expect(faultOf('drop@3')).toEqual({ kind: 'drop', afterEvents: 3 });
    expect(faultOf('drop@3', { api: 'converse' })).toEqual({ kind: 'drop' });
  });

  it('writes a truncated or corrupt frame in streams and ignores it on Converse', () => {
    expect(faultOf('corrupt=bad-crc@2')).toEqual({ kind: 'corrupt-frame', afterEvents: 2, mode: 'bad-crc' });
    expect(faultOf('truncate@2')).toEqual({ kind: 'corrupt-frame', afterEvents: 2, mode: 'truncate' });
    expect(faultOf('truncate@2', { api: 'converse' })).toBeUndefined();
    // An ignored fault leaves room for the next rule.
    expect(faultOf('truncate@2,drop', { api: 'converse' })).toEqual({ kind: 'drop' });
  });

  it('slows the stream: every gap times the factor, TTFT unchanged', () => {
    const normal = planner()(request());
    const slow = planner()(withHeader('slow=5'));
    expect(slow.fault).toBeUndefined();
    expect(slow.ttftMs).toBe(normal.ttftMs);
    slow.interTokenMs.forEach((gap, i) => {
      expect(gap / (normal.interTokenMs[i] ?? Number.NaN)).toBeCloseTo(5, 12);
    });
    expect(planner()(withHeader('slow=2,slow=3')).interTokenMs[0]).toBeCloseTo(
      (normal.interTokenMs[0] ?? 0) * 6,
      9,
    );
  });

  it('never changes the latency draws when a fault fires', () => {
    const normal = planner()(request());
    const faulted = planner()(withHeader('throttle~0.5,drop@2'));
    expect(faulted.fault).toBeDefined();
    expect({ ...faulted, fault: undefined }).toEqual({ ...normal, fault: undefined });
  });
});

describe('fault sources', () => {
  it('applies per-model faults from the profile file to every id form of that model', () => {
    const plan = planner();
    expect(plan(request({ modelId: 'us.flaky.model-v1:0' })).fault).toEqual(throttled);
    expect(plan(request({ modelId: 'us.flaky.model-v1:0' })).fault).toBeUndefined();
    expect(plan(request({ modelId: 'test.model-v1:0' })).fault).toBeUndefined();
  });

  it('keeps a profile rule counting while headers add rules to some requests', () => {
    const plan = planner();
    const model = { modelId: 'flaky.model-v1:0' };
    expect(plan(withHeader('slow=2', model)).fault).toEqual(throttled);
    expect(plan(request(model)).fault).toBeUndefined();
    expect(plan(withHeader('slow=2,slow=3', model)).fault).toBeUndefined();
  });

  it('prefers the header, then the run, then the profile', () => {
    const plan = planner({ faults: parseFaultSpec('error=InternalServerException', '--fault') });
    expect(plan(withHeader('drop', { modelId: 'flaky.model-v1:0' })).fault).toEqual({ kind: 'drop' });
    expect(plan(request({ modelId: 'flaky.model-v1:0' })).fault).toMatchObject({
      errorType: 'InternalServerException',
    });
  });

  it('answers a malformed header with a 400 ValidationException naming the header', () => {
    expect(faultOf('stall=abc')).toEqual({
      kind: 'http-error',
      status: 400,
      errorType: 'ValidationException',
      message:
        'x-emulator-fault header: fault "stall=abc" has ms "abc", not a positive number; write ms as a number above 0',
    });
  });

  it('keeps header rule state across requests that send the same header', () => {
    const plan = planner();
    const faults = [0, 1, 2].map(
      (i) => plan(withHeader('throttle-first=2', { receivedMs: i })).fault?.kind ?? 'ok',
    );
    expect(faults).toEqual(['http-error', 'http-error', 'ok']);
  });
});
