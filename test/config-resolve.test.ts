import { describe, expect, test } from 'vitest';
import { DEFAULT_OPTIONS } from '../src/config/defaults.ts';
import { ConfigError } from '../src/config/errors.ts';
import { formatLoad, OPTION_TABLE, resolveOptions } from '../src/config/resolve.ts';

const where = 'bench/claude.bench.ts';

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const envError = (env: Record<string, string>) => message(() => resolveOptions({ env }));
const fileError = (file: Record<string, unknown>) => message(() => resolveOptions({ file, where }));

describe('precedence', () => {
  test('nothing set: the defaults', () => {
    expect(resolveOptions()).toEqual(DEFAULT_OPTIONS);
  });

  test('bench file over defaults, environment over bench file', () => {
    const options = resolveOptions({
      file: { numParallelCalls: 4, maxTokens: 100, transport: 'http2' },
      env: { CONVERSE_BENCH_NUM_PARALLEL_CALLS: '8', PATH: '/usr/bin' },
    });
    expect(options.numParallelCalls).toBe(8);
    expect(options.maxTokens).toBe(100);
    expect(options.transport).toBe('http2');
    expect(options.invocationsPerScenario).toBe(1);
  });

  test('an empty variable counts as unset', () => {
    expect(resolveOptions({ env: { CONVERSE_BENCH_ENDPOINT: '', CONVERSE_BENCH_TOP_P: ' ' } })).toEqual(
      DEFAULT_OPTIONS,
    );
  });

  test('an explicit undefined in the bench file counts as unset', () => {
    expect(resolveOptions({ file: { endpoint: undefined, maxTokens: undefined } })).toEqual(DEFAULT_OPTIONS);
  });

  test('CONVERSE_BENCH_INTERNAL_* variables are not options', () => {
    expect(resolveOptions({ env: { CONVERSE_BENCH_INTERNAL_RUN_ID: 'x' } })).toEqual(DEFAULT_OPTIONS);
  });
});

describe('AWS_REGION', () => {
  test('gives the region for target bedrock when none is set', () => {
    const env = { CONVERSE_BENCH_TARGET: 'bedrock', AWS_REGION: 'eu-west-3' };
    expect(resolveOptions({ env }).region).toBe('eu-west-3');
  });

  test('is ignored for the emulator', () => {
    expect(resolveOptions({ env: { AWS_REGION: 'eu-west-3' } }).region).toBe('us-east-1');
  });

  test('loses to a region from the bench file or CONVERSE_BENCH_REGION', () => {
    const env = { CONVERSE_BENCH_TARGET: 'bedrock', AWS_REGION: 'eu-west-3' };
    expect(resolveOptions({ env, file: { region: 'us-west-2' } }).region).toBe('us-west-2');
    expect(resolveOptions({ env: { ...env, CONVERSE_BENCH_REGION: 'ap-south-1' } }).region).toBe(
      'ap-south-1',
    );
  });

  test('is validated, naming AWS_REGION', () => {
    expect(envError({ CONVERSE_BENCH_TARGET: 'bedrock', AWS_REGION: 'Frankfurt' })).toBe(
      'AWS_REGION="Frankfurt": region must be an AWS region name such as us-east-1',
    );
  });
});

describe('environment parsing', () => {
  test('every kind of value', () => {
    const options = resolveOptions({
      env: {
        CONVERSE_BENCH_TARGET: 'bedrock',
        CONVERSE_BENCH_ENDPOINT: 'http://127.0.0.1:9000',
        CONVERSE_BENCH_REGION: 'us-gov-west-1',
        CONVERSE_BENCH_API: 'both',
        CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '3',
        CONVERSE_BENCH_TIMEOUT_SECONDS: '2.5',
        CONVERSE_BENCH_DELAY_BETWEEN_CALLS: '0',
        CONVERSE_BENCH_WARMUP_CALLS: '0',
        CONVERSE_BENCH_TEMPERATURE: '1',
        CONVERSE_BENCH_TOP_P: '.5',
        CONVERSE_BENCH_TIME_SCALE: '1e-2',
        CONVERSE_BENCH_REDACT_TEXTS: 'true',
        CONVERSE_BENCH_ALLOW_LARGE_RUN: '1',
        CONVERSE_BENCH_DRY_RUN: 'FALSE',
        CONVERSE_BENCH_BASELINE: 'outputs/main',
        CONVERSE_BENCH_LATENCY_MODE: 'optimized',
        CONVERSE_BENCH_PROMPT_CACHE: '1h',
        CONVERSE_BENCH_CACHE_BUST: 'true',
      },
    });
    expect(options).toMatchObject({
      target: 'bedrock',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-gov-west-1',
      api: 'both',
      invocationsPerScenario: 3,
      timeoutSeconds: 2.5,
      delayBetweenCalls: 0,
      warmupCalls: 0,
      temperature: 1,
      topP: 0.5,
      timeScale: 0.01,
      redactTexts: true,
      allowLargeRun: true,
      dryRun: false,
      baseline: 'outputs/main',
      latencyMode: 'optimized',
      promptCache: '1h',
      cacheBust: true,
    });
  });

  test.each([
    ['closed', { kind: 'closed' }],
    ['open:20', { kind: 'open', rate: 20, arrival: 'constant', seed: 1 }],
    ['open:0.5:poisson', { kind: 'open', rate: 0.5, arrival: 'poisson', seed: 1 }],
    ['open:3:poisson:42', { kind: 'open', rate: 3, arrival: 'poisson', seed: 42 }],
  ])('load %s', (text, load) => {
    expect(resolveOptions({ env: { CONVERSE_BENCH_LOAD: text } }).load).toEqual(load);
  });

  test('formatLoad writes what the environment reads', () => {
    expect(formatLoad({ kind: 'closed' })).toBe('closed');
    expect(formatLoad({ kind: 'open', rate: 3, arrival: 'poisson', seed: 42 })).toBe('open:3:poisson:42');
  });
});

describe('validation messages (environment)', () => {
  const loadRule =
    'load must be closed or open:RATE[:constant|poisson[:SEED]] with RATE > 0 (calls per second) and SEED a whole number >= 0';
  test.each([
    ['NUM_PARALLEL_CALLS', '0', 'numParallelCalls must be a whole number >= 1'],
    ['NUM_PARALLEL_CALLS', '2.5', 'numParallelCalls must be a whole number >= 1'],
    ['INVOCATIONS_PER_SCENARIO', 'three', 'invocationsPerScenario must be a whole number >= 1'],
    ['EXPERIMENT_COUNTS', '-1', 'experimentCounts must be a whole number >= 1'],
    ['RETRY_ATTEMPTS', '0', 'retryAttempts must be a whole number >= 1'],
    ['MAX_TOKENS', '0', 'maxTokens must be a whole number from 1 to 128000'],
    ['MAX_CALLS', '1e400', 'maxCalls must be a whole number >= 1'],
    ['WARMUP_CALLS', '-1', 'warmupCalls must be a whole number >= 0'],
    ['TEMPERATURE', '1.5', 'temperature must be a number from 0 to 1'],
    ['TOP_P', '-0.1', 'topP must be a number from 0 to 1'],
    ['TIMEOUT_SECONDS', '0', 'timeoutSeconds must be a number > 0 and <= 2147483'],
    ['TIME_SCALE', '0', 'timeScale must be a number > 0'],
    ['DELAY_BETWEEN_CALLS', '-2', 'delayBetweenCalls must be a number from 0 to 2147483'],
    ['TOLERANCE', '10%', 'tolerance must be a number >= 0'],
    ['TARGET', 'aws', 'target must be one of: emulator, bedrock'],
    ['TRANSPORT', 'h2', 'transport must be one of: http1, http2'],
    ['API', 'stream', 'api must be one of: converse, converse-stream, both'],
    ['LATENCY_MODE', 'fast', 'latencyMode must be one of: standard, optimized'],
    ['PROMPT_CACHE', '2h', 'promptCache must be one of: off, on, 5m, 1h'],
    ['CACHE_BUST', 'yes', 'cacheBust must be true or false (or 1 or 0)'],
    ['REDACT_TEXTS', 'yes', 'redactTexts must be true or false (or 1 or 0)'],
    ['ENDPOINT', 'localhost:8080', 'endpoint must be an http:// or https:// URL, e.g. http://127.0.0.1:8088'],
    ['REGION', 'us_east_1', 'region must be an AWS region name such as us-east-1'],
    ['LOAD', 'open', loadRule],
    ['LOAD', 'open:0', loadRule],
    ['LOAD', 'open:5:bursty', loadRule],
    ['LOAD', 'open:5:poisson:1.5', loadRule],
    ['LOAD', 'open:5:poisson:1:2', loadRule],
    ['LOAD', 'closed:1', loadRule],
  ])('CONVERSE_BENCH_%s=%s', (name, value, rule) => {
    expect(envError({ [`CONVERSE_BENCH_${name}`]: value })).toBe(
      `CONVERSE_BENCH_${name}=${JSON.stringify(value)}: ${rule}`,
    );
  });

  test('a refused endpoint is quoted without its user name and password', () => {
    expect(envError({ CONVERSE_BENCH_ENDPOINT: 'ftp://alice:hunter2@proxy.internal:8080/x' })).toBe(
      'CONVERSE_BENCH_ENDPOINT="ftp://proxy.internal:8080/x": endpoint must be an http:// or https:// URL, e.g. http://127.0.0.1:8088',
    );
    expect(envError({ CONVERSE_BENCH_ENDPOINT: 'alice:hunter2@proxy' })).not.toContain('hunter2');
  });

  test('an unknown variable names the nearest one', () => {
    expect(envError({ CONVERSE_BENCH_INVOCATIONS: '3' })).toBe(
      'CONVERSE_BENCH_INVOCATIONS="3": unknown setting; did you mean CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO?',
    );
    expect(envError({ CONVERSE_BENCH_PARALLEL_CALLS: '3' })).toBe(
      'CONVERSE_BENCH_PARALLEL_CALLS="3": unknown setting; did you mean CONVERSE_BENCH_NUM_PARALLEL_CALLS?',
    );
  });
});

describe('validation messages (bench file)', () => {
  test.each([
    [{ numParallelCalls: 0 }, 'numParallelCalls=0: numParallelCalls must be a whole number >= 1'],
    [{ numParallelCalls: '4' }, 'numParallelCalls="4": numParallelCalls must be a whole number >= 1'],
    [{ topP: 2 }, 'topP=2: topP must be a number from 0 to 1'],
    [{ timeoutSeconds: -1 }, 'timeoutSeconds=-1: timeoutSeconds must be a number > 0 and <= 2147483'],
    [{ tolerance: Number.NaN }, 'tolerance=null: tolerance must be a number >= 0'],
    [{ dryRun: 'true' }, 'dryRun="true": dryRun must be true or false'],
    [{ datasetFile: '' }, 'datasetFile="": datasetFile must be a non-empty path'],
    [{ baseline: 3 }, 'baseline=3: baseline must be a non-empty path'],
    [
      { load: { kind: 'open', rate: 0, arrival: 'constant', seed: 1 } },
      `load={"kind":"open","rate":0,"arrival":"constant","seed":1}: load must be { kind: 'closed' } or { kind: 'open', rate: > 0, arrival: 'constant' | 'poisson', seed: whole number >= 0 }`,
    ],
  ])('%j', (file, text) => {
    expect(fileError(file)).toBe(`${where}: ${text}`);
  });

  test('an unknown key names the nearest option', () => {
    expect(fileError({ invocations: 3 })).toBe(
      `${where}: unknown option "invocations"; did you mean invocationsPerScenario?`,
    );
    expect(fileError({ maxToken: 3 })).toBe(`${where}: unknown option "maxToken"; did you mean maxTokens?`);
  });

  test('without a path, the message says "bench file"', () => {
    expect(message(() => resolveOptions({ file: { warmupCalls: -1 } }))).toBe(
      'bench file: warmupCalls=-1: warmupCalls must be a whole number >= 0',
    );
  });

  test('a valid open load passes through', () => {
    const load = { kind: 'open', rate: 2, arrival: 'poisson', seed: 7 } as const;
    expect(resolveOptions({ file: { load } }).load).toEqual(load);
  });
});

describe('OPTION_TABLE', () => {
  test('one row per option, in the order of ResolvedOptions', () => {
    expect(OPTION_TABLE.map((row) => row.name)).toEqual(Object.keys(DEFAULT_OPTIONS));
  });

  test('rows carry env var, flag, type, default and description', () => {
    const row = OPTION_TABLE.find((r) => r.name === 'invocationsPerScenario');
    expect(row).toEqual({
      name: 'invocationsPerScenario',
      env: 'CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO',
      flag: '--invocations-per-scenario',
      type: 'whole number >= 1',
      default: '1',
      description: 'Calls per document per experiment.',
      example: '30',
    });
    expect(OPTION_TABLE.find((r) => r.name === 'topP')?.env).toBe('CONVERSE_BENCH_TOP_P');
    expect(OPTION_TABLE.find((r) => r.name === 'load')?.default).toBe('closed');
    expect(OPTION_TABLE.find((r) => r.name === 'endpoint')?.default).toBe('');
    for (const r of OPTION_TABLE) expect(r.description.length).toBeGreaterThan(10);
  });

  test('every default, written as text, reads back as itself', () => {
    const env = Object.fromEntries(OPTION_TABLE.map((r) => [r.env, r.default]));
    expect(resolveOptions({ env })).toEqual(DEFAULT_OPTIONS);
  });
});
