import { PROMPT_CACHES, REASONING_EFFORTS, type ReasoningBudget } from '../records/call-record.ts';
import { shownEndpoint } from '../records/endpoint.ts';
import type { BenchOptions, LoadShape, ResolvedOptions, Slo, Sweep } from '../records/options.ts';
import { DEFAULT_OPTIONS } from './defaults.ts';
import {
  checkDuration,
  DURATION_REPLACES,
  durationText,
  isDuration,
  MAX_TIMER_SECONDS,
  parseDuration,
} from './duration.ts';
import { envName, flagName, readEnvSettings } from './env.ts';
import { ConfigError, nearestName } from './errors.ts';

type Key = keyof ResolvedOptions;

/** How one option is spelled as text, and which values it accepts. */
interface Rule<T> {
  /** For the option table, e.g. `whole number >= 1`. */
  type: string;
  /** Completes "<name> ...": the accepted values, i.e. the fix. */
  must: string;
  /** The rule as it reads for a bench file value, when it differs from `must`. */
  mustInFile?: string;
  /** The value a text (environment variable, CLI flag) stands for; undefined when it is not one. */
  fromText(text: string): unknown;
  valid(value: unknown): value is T;
  /** How a refused value is quoted back; the endpoint's drops any user name and password. */
  shown?: (text: string) => string;
}

/** A refused value as the error message quotes it. */
function quoted(rule: Rule<unknown>, value: unknown): string {
  return JSON.stringify(typeof value === 'string' && rule.shown ? rule.shown(value) : value);
}

interface Spec<K extends Key> {
  rule: Rule<ResolvedOptions[K]>;
  description: string;
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const toNumber = (text: string): number | undefined => (NUMBER_TEXT.test(text) ? Number(text) : undefined);

function wholeNumber(min: number, max?: number): Rule<number> {
  const bounds = max === undefined ? `>= ${min}` : `from ${min} to ${max}`;
  return {
    type: `whole number ${bounds}`,
    must: `must be a whole number ${bounds}`,
    fromText: toNumber,
    valid: (value): value is number =>
      Number.isSafeInteger(value) &&
      (value as number) >= min &&
      (max === undefined || (value as number) <= max),
  };
}

/** A finite number above `above` (exclusive), or from `min` to `max` (inclusive). */
function numberIn(range: { above?: number; min?: number; max?: number }): Rule<number> {
  const { above, min, max } = range;
  const upTo = max === undefined ? '' : ` and <= ${max}`;
  const bounds =
    above !== undefined ? `> ${above}${upTo}` : max !== undefined ? `from ${min} to ${max}` : `>= ${min}`;
  return {
    type: `number ${bounds}`,
    must: `must be a number ${bounds}`,
    fromText: toNumber,
    valid: (value): value is number =>
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (above === undefined || value > above) &&
      (min === undefined || value >= min) &&
      (max === undefined || value <= max),
  };
}

function oneOf<T extends string>(choices: readonly T[]): Rule<T> {
  return {
    type: choices.join(' | '),
    must: `must be one of: ${choices.join(', ')}`,
    fromText: (text) => text,
    valid: (value): value is T => choices.includes(value as T),
  };
}

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };
const flag: Rule<boolean> = {
  type: 'boolean',
  must: 'must be true or false (or 1 or 0)',
  mustInFile: 'must be true or false',
  fromText: (text) => BOOLEAN_TEXT[text.toLowerCase()],
  valid: (value): value is boolean => typeof value === 'boolean',
};

const path: Rule<string> = {
  type: 'path',
  must: 'must be a non-empty path',
  fromText: (text) => text,
  valid: (value): value is string => typeof value === 'string' && value.trim() !== '',
};

const optionalPath: Rule<string | undefined> = {
  ...path,
  valid: (value): value is string | undefined => value === undefined || path.valid(value),
};

const optionalText: Rule<string | undefined> = {
  type: 'text',
  must: 'must be a non-empty text',
  fromText: (text) => text,
  valid: (value): value is string | undefined =>
    value === undefined || (typeof value === 'string' && value.trim() !== ''),
};

const url: Rule<string | undefined> = {
  type: 'URL',
  must: 'must be an http:// or https:// URL, e.g. http://127.0.0.1:8088',
  fromText: (text) => text,
  // Also a `user:password@` that does not parse as one (`alice:secret@host` reads as a scheme).
  shown: (text) => shownEndpoint(text).replace(/[^\s/@]+@/g, ''),
  valid: (value): value is string | undefined => {
    if (value === undefined) return true;
    if (typeof value !== 'string') return false;
    const parsed = URL.parse(value);
    return parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:');
  },
};

const region: Rule<string> = {
  type: 'AWS region',
  must: 'must be an AWS region name such as us-east-1',
  fromText: (text) => text,
  valid: (value): value is string => typeof value === 'string' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(value),
};

/** `closed` | `open:RATE[:constant|poisson[:SEED]]`. */
export function formatLoad(load: LoadShape): string {
  return load.kind === 'closed' ? 'closed' : `open:${load.rate}:${load.arrival}:${load.seed}`;
}

const DEFAULT_ARRIVAL = 'constant';
const DEFAULT_SEED = 1;

function loadFromText(text: string): LoadShape | undefined {
  const [kind, rate, arrival = DEFAULT_ARRIVAL, seed = String(DEFAULT_SEED), ...rest] = text.split(':');
  if (kind === 'closed' && rate === undefined) return { kind: 'closed' };
  if (kind !== 'open' || rate === undefined || rest.length > 0) return undefined;
  if (arrival !== 'constant' && arrival !== 'poisson') return undefined;
  const rateValue = toNumber(rate);
  const seedValue = toNumber(seed);
  if (rateValue === undefined || seedValue === undefined) return undefined;
  return { kind: 'open', rate: rateValue, arrival, seed: seedValue };
}

function isLoad(value: unknown): value is LoadShape {
  if (typeof value !== 'object' || value === null) return false;
  const load = value as Record<string, unknown>;
  if (load.kind === 'closed') return Object.keys(load).length === 1;
  return (
    load.kind === 'open' &&
    Object.keys(load).length === 4 &&
    typeof load.rate === 'number' &&
    Number.isFinite(load.rate) &&
    load.rate > 0 &&
    (load.arrival === 'constant' || load.arrival === 'poisson') &&
    Number.isSafeInteger(load.seed) &&
    (load.seed as number) >= 0
  );
}

const load: Rule<LoadShape> = {
  type: 'closed | open:RATE[:constant|poisson[:SEED]]',
  must: 'must be closed or open:RATE[:constant|poisson[:SEED]] with RATE > 0 (calls per second) and SEED a whole number >= 0',
  mustInFile:
    "must be { kind: 'closed' } or { kind: 'open', rate: > 0, arrival: 'constant' | 'poisson', seed: whole number >= 0 }",
  fromText: loadFromText,
  valid: isLoad,
};

function sweepFromText(text: string): Sweep | undefined {
  const [kind, list, ...rest] = text.split(':');
  if ((kind !== 'concurrency' && kind !== 'rate') || list === undefined || rest.length > 0) return undefined;
  const levels = list.split(',').map((item) => toNumber(item.trim()));
  if (levels.some((level) => level === undefined)) return undefined;
  return { kind, levels: levels as number[] };
}

function isSweep(value: unknown): value is Sweep {
  if (typeof value !== 'object' || value === null) return false;
  const sweep = value as Record<string, unknown>;
  const levels = sweep.levels;
  if (Object.keys(sweep).length !== 2 || !Array.isArray(levels) || levels.length === 0) return false;
  if (sweep.kind !== 'concurrency' && sweep.kind !== 'rate') return false;
  const whole = sweep.kind === 'concurrency';
  return levels.every(
    (level, i) =>
      typeof level === 'number' &&
      Number.isFinite(level) &&
      level > 0 &&
      (!whole || Number.isSafeInteger(level)) &&
      (i === 0 || level > (levels[i - 1] as number)),
  );
}

const sweep: Rule<Sweep | undefined> = {
  type: 'concurrency:N,N,... | rate:R,R,...',
  must: 'must be concurrency:N,N,... (whole numbers >= 1) or rate:R,R,... (calls per second > 0), ascending, e.g. concurrency:1,4,16',
  mustInFile: "must be { kind: 'concurrency' | 'rate', levels: [ascending numbers > 0] }",
  fromText: sweepFromText,
  valid: (value): value is Sweep | undefined => value === undefined || isSweep(value),
};

const duration: Rule<number | undefined> = {
  type: 'seconds | time (90s, 5m, 1h30m)',
  must: `must be a number of seconds > 0 or a time such as 90s, 5m or 1h30m (units ms, s, m, h), at most ${MAX_TIMER_SECONDS} s (Node's longest timer, about 24.8 days)`,
  mustInFile: `must be a number of seconds > 0 and <= ${MAX_TIMER_SECONDS}, e.g. 300 for 5 minutes`,
  fromText: parseDuration,
  valid: (value): value is number | undefined => value === undefined || isDuration(value),
};

/** The largest maxTokens any Bedrock model accepts (Claude's extended output). */
const MAX_OUTPUT_TOKENS = 128_000;
/** Anthropic's smallest `budget_tokens`. */
export const MIN_REASONING_BUDGET = 1024;

function isReasoningBudget(value: unknown): value is ReasoningBudget {
  if (value === 'off' || REASONING_EFFORTS.includes(value as (typeof REASONING_EFFORTS)[number])) return true;
  return (
    Number.isSafeInteger(value) &&
    (value as number) >= MIN_REASONING_BUDGET &&
    (value as number) <= MAX_OUTPUT_TOKENS
  );
}

const reasoningBudget: Rule<ReasoningBudget> = {
  type: `off | tokens >= ${MIN_REASONING_BUDGET} | low | medium | high`,
  must: `must be off, a whole number of tokens from ${MIN_REASONING_BUDGET} to ${MAX_OUTPUT_TOKENS} (Anthropic Claude), or low, medium or high (Amazon Nova 2)`,
  fromText: (text) => (/^\d+$/.test(text) ? Number(text) : text),
  valid: isReasoningBudget,
};

const SLO_NAMES = { ttft: 'ttftMs', latency: 'latencyMs' } as const;

/** `ttft:800,latency:3000` (ms). */
export function formatSlo(slo: Slo): string {
  const parts: string[] = [];
  if (slo.ttftMs !== undefined) parts.push(`ttft:${slo.ttftMs}`);
  if (slo.latencyMs !== undefined) parts.push(`latency:${slo.latencyMs}`);
  return parts.join(',');
}

function sloFromText(text: string): Slo | undefined {
  const slo: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [name, limit, ...rest] = part.trim().split(':');
    const key = SLO_NAMES[name as keyof typeof SLO_NAMES];
    const value = toNumber(limit ?? '');
    if (key === undefined || value === undefined || rest.length > 0 || key in slo) return undefined;
    slo[key] = value;
  }
  return slo;
}

function isSlo(value: unknown): value is Slo {
  if (typeof value !== 'object' || value === null) return false;
  const entries = Object.entries(value);
  return (
    entries.length > 0 &&
    entries.every(
      ([key, limit]) =>
        (key === 'ttftMs' || key === 'latencyMs') &&
        typeof limit === 'number' &&
        Number.isFinite(limit) &&
        limit > 0,
    )
  );
}

const slo: Rule<Slo | undefined> = {
  type: 'ttft:MS,latency:MS',
  must: 'must be ttft:MS and/or latency:MS separated by a comma, each > 0, e.g. ttft:800,latency:3000',
  mustInFile: 'must be { ttftMs?: number > 0, latencyMs?: number > 0 } with at least one',
  fromText: sloFromText,
  valid: (value): value is Slo | undefined => value === undefined || isSlo(value),
};

const optionalCount: Rule<number | undefined> = {
  ...wholeNumber(1),
  type: 'whole number >= 1 (unset: no cap)',
  valid: (value): value is number | undefined => value === undefined || wholeNumber(1).valid(value),
};

const counted = wholeNumber(1);
const fraction = numberIn({ min: 0, max: 1 });
const positive = numberIn({ above: 0 });
const nonNegative = numberIn({ min: 0 });

/** Every option: its rule and what it means. One entry per key of ResolvedOptions (checked by type). */
const SPECS: { [K in Key]: Spec<K> } = {
  target: { rule: oneOf(['emulator', 'bedrock']), description: 'Where calls go; only bedrock is billed.' },
  endpoint: {
    rule: url,
    description: 'Endpoint URL; unset: the emulator is started for the run, or Bedrock default endpoint.',
  },
  region: {
    rule: region,
    description: 'AWS region; with target bedrock and no explicit value, AWS_REGION is used.',
  },
  transport: { rule: oneOf(['http1', 'http2']), description: 'HTTP/1.1 keep-alive or HTTP/2 multiplexed.' },
  api: {
    rule: oneOf(['converse', 'converse-stream', 'both']),
    description: 'Operation to benchmark; both runs Converse and ConverseStream.',
  },
  invocationsPerScenario: { rule: counted, description: 'Calls per document per experiment.' },
  experimentCounts: { rule: counted, description: 'Repetitions of the whole dataset.' },
  numParallelCalls: { rule: counted, description: 'Calls in flight at once (closed loop).' },
  workers: {
    rule: counted,
    description: "Worker threads per model, each with its own SDK client and event loop; 1 = the test's own.",
  },
  timeoutSeconds: {
    rule: numberIn({ above: 0, max: MAX_TIMER_SECONDS }),
    description: 'Deadline per call, retries included, seconds.',
  },
  retryAttempts: { rule: counted, description: 'SDK maxAttempts, standard retry mode (1 = no retry).' },
  delayBetweenCalls: {
    rule: numberIn({ min: 0, max: MAX_TIMER_SECONDS }),
    description:
      "Pause before each call of a closed-loop worker, seconds, at the time scale (the workshop's 1.0).",
  },
  warmupCalls: { rule: wholeNumber(0), description: 'Unmeasured calls per model and API before measuring.' },
  earlyStopCalls: {
    rule: wholeNumber(0),
    description: 'Stop a model when its first N calls all fail; the rest are skipped (0 = never).',
  },
  temperature: { rule: fraction, description: 'inferenceConfig.temperature.' },
  maxTokens: { rule: wholeNumber(1, MAX_OUTPUT_TOKENS), description: 'inferenceConfig.maxTokens.' },
  topP: { rule: fraction, description: 'inferenceConfig.topP.' },
  latencyMode: {
    rule: oneOf(['standard', 'optimized']),
    description:
      'Latency mode requested when the tracking file does not name one; outputs are labelled by the mode served.',
  },
  serviceTier: {
    rule: oneOf(['default', 'priority', 'flex', 'reserved']),
    description: 'Service tier requested (serviceTier.type); outputs are labelled by the tier served.',
  },
  promptCache: {
    rule: oneOf(PROMPT_CACHES),
    description:
      "Prompt caching when the tracking file's prompt_cache is empty: a cachePoint after the prompt (and system prompt), with that TTL (on: the service default, 5m).",
  },
  cacheBust: {
    rule: flag,
    description:
      'A unique nonce starts each call prompt, so no call reads a cache (explicit or implicit): uncached latency.',
  },
  reasoningBudget: {
    rule: reasoningBudget,
    description:
      'Extended thinking: a token budget (Claude thinking.budget_tokens) or an effort (Nova 2 reasoningConfig); other families refused.',
  },
  toolConfigFile: {
    rule: optionalPath,
    description: 'JSON Converse toolConfig (tools, toolChoice) sent with every call; unset: no tools.',
  },
  load: { rule: load, description: 'Closed loop, or open loop at RATE calls per second.' },
  duration: {
    rule: duration,
    description:
      'Measure each model and API (each sweep level) for this long instead of a counted plan, at the time scale; unset: counted.',
  },
  maxInFlight: {
    rule: optionalCount,
    description: 'Open loop: cap on calls in flight; calls due at the cap wait, shown as queue delay.',
  },
  sweep: { rule: sweep, description: 'Run each model per concurrency level or open-loop rate.' },
  slo: { rule: slo, description: 'Objectives for goodput: TTFT and end-to-end latency limits, ms.' },
  datasetFile: {
    rule: path,
    description:
      'CSV of documents (document, referenceResponse), or .jsonl of conversations (messages, referenceResponse).',
  },
  trackingFile: { rule: path, description: 'CSV of models and prompt templates.' },
  budgetsFile: {
    rule: path,
    description:
      'Latency budgets keyed by model id; none = run without budgets (a missing file is an error).',
  },
  requireBudgets: { rule: flag, description: 'Fail every benchmarked model that has no budget.' },
  pricesFile: {
    rule: optionalPath,
    description: "Bedrock prices per model and region, for costs; unset: the package's own data/prices.json.",
  },
  emulatorProfilesFile: {
    rule: optionalPath,
    description:
      "Emulator latency profiles and faults; unset: the package's own data/emulator-profiles.json.",
  },
  timeScale: {
    rule: positive,
    description:
      'Emulator time scale (0.01 = 100 times faster): its latencies, delayBetweenCalls, open-loop rates and duration alike.',
  },
  emulatorFaults: {
    rule: optionalText,
    description:
      'Faults the embedded emulator injects for every model, e.g. throttle~0.05 (docs/emulator-profiles.md).',
  },
  emulatorSeed: {
    rule: wholeNumber(0),
    description: 'Seed of the embedded emulator latency and fault draws.',
  },
  outputDir: { rule: path, description: 'Folder for CSVs, logs, run records and reports.' },
  baseline: {
    rule: optionalPath,
    description: 'Run record (or folder of them) to gate regressions against.',
  },
  tolerance: { rule: nonNegative, description: 'Tolerated P90 regression, as a fraction (0.1 = 10%).' },
  redactTexts: { rule: flag, description: 'Keep prompts and responses out of all outputs.' },
  maxCalls: {
    rule: counted,
    description: 'Above this many Bedrock calls for one model, allowLargeRun is required.',
  },
  allowLargeRun: { rule: flag, description: 'Allow a model over maxCalls against Bedrock.' },
  dryRun: { rule: flag, description: 'Print the plan and make no call.' },
  quiet: {
    rule: flag,
    description: 'No progress lines on stderr (per model: calls done, ok / failed, ETA, P50 / P90).',
  },
};

const KEYS = Object.keys(SPECS) as Key[];

/** A value to show in `--help` for each option (a flag's text; empty for a boolean given bare). */
const EXAMPLES: Record<Key, string> = {
  target: 'bedrock',
  endpoint: 'http://127.0.0.1:4010',
  region: 'eu-west-1',
  transport: 'http2',
  api: 'both',
  invocationsPerScenario: '30',
  experimentCounts: '3',
  numParallelCalls: '4',
  workers: '2',
  timeoutSeconds: '60',
  retryAttempts: '1',
  delayBetweenCalls: '0',
  warmupCalls: '3',
  earlyStopCalls: '0',
  temperature: '0',
  maxTokens: '256',
  topP: '1',
  latencyMode: 'optimized',
  serviceTier: 'priority',
  promptCache: '5m',
  cacheBust: '',
  reasoningBudget: '4096',
  toolConfigFile: 'data/tools.json',
  load: 'open:5:poisson:7',
  duration: '5m',
  maxInFlight: '32',
  sweep: 'concurrency:1,4,16',
  slo: 'ttft:800,latency:3000',
  datasetFile: 'data/synthetic.csv',
  trackingFile: 'data/my-models.csv',
  budgetsFile: 'data/budgets.json',
  requireBudgets: '',
  pricesFile: 'data/prices.json',
  emulatorProfilesFile: 'data/emulator-profiles.json',
  timeScale: '0.02',
  emulatorFaults: 'throttle~0.05',
  emulatorSeed: '7',
  outputDir: 'outputs/pr-123',
  baseline: 'outputs/main-history',
  tolerance: '0',
  redactTexts: '',
  maxCalls: '2000',
  allowLargeRun: '',
  dryRun: '',
  quiet: '',
};

/** One row of the option table: the CLI turns flags into env vars with it, the README lists it. */
export interface OptionRow {
  name: Key;
  env: string;
  flag: string;
  type: string;
  /** The default, as text (`closed` for load, empty when unset). */
  default: string;
  description: string;
  /** A value for `--help` (empty for a boolean given bare). */
  example: string;
}

function formatDefault(name: Key, value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'object' && value !== null) return formatLoad(value as LoadShape);
  if (name === 'duration' && typeof value === 'number') return durationText(value);
  return String(value);
}

export const OPTION_TABLE: readonly OptionRow[] = KEYS.map((name) => ({
  name,
  env: envName(name),
  flag: flagName(name),
  type: SPECS[name].rule.type,
  default: formatDefault(name, DEFAULT_OPTIONS[name]),
  description: SPECS[name].description,
  example: EXAMPLES[name],
}));

function fromEnvText(key: Key, variable: string, text: string): unknown {
  const rule: Rule<unknown> = SPECS[key].rule;
  const value = rule.fromText(text);
  if (value === undefined || !rule.valid(value)) {
    throw new ConfigError(`${variable}=${quoted(rule, text)}: ${key} ${rule.must}`);
  }
  return value;
}

function checkFile(file: Record<string, unknown>, where: string): void {
  for (const [key, value] of Object.entries(file)) {
    if (!(key in SPECS)) {
      const suggestion = nearestName(key, KEYS);
      throw new ConfigError(`${where}: unknown option "${key}"; did you mean ${suggestion}?`);
    }
    const rule: Rule<unknown> = SPECS[key as Key].rule;
    // An explicit `undefined` in a bench file means "not set", as an absent key.
    if (value !== undefined && !rule.valid(value)) {
      throw new ConfigError(
        `${where}: ${key}=${quoted(rule, value)}: ${key} ${rule.mustInFile ?? rule.must}`,
      );
    }
  }
}

/** The counts a duration replaces. */
/** The settings checkDuration reads. */
const DURATION_CHECKS: readonly Key[] = [
  'duration',
  ...DURATION_REPLACES,
  'allowLargeRun',
  'maxCalls',
  'warmupCalls',
  'target',
  'api',
  'sweep',
  'load',
];

export interface ResolveInput {
  /** The process environment (only src/cli/ and the bench entry read process.env and pass it here). */
  env?: Record<string, string | undefined>;
  /** The bench file's own options. */
  file?: BenchOptions;
  /** The bench file's path, for messages. */
  where?: string;
}

/**
 * Every setting, once: defaults < bench file < environment (`CONVERSE_BENCH_*`). With target
 * bedrock and no region set explicitly, AWS_REGION gives the region. A duration set above a bench
 * file's experimentCounts / invocationsPerScenario replaces them (they are reset to 1). Throws a
 * ConfigError on the first bad or unknown setting.
 */
export function resolveOptions(input: ResolveInput = {}): ResolvedOptions {
  const env = input.env ?? {};
  // Bench files may be plain JavaScript: unknown keys are checked at run time.
  const file: Record<string, unknown> = { ...input.file };
  checkFile(file, input.where ?? 'bench file');
  const resolved: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  for (const [key, value] of Object.entries(file)) {
    if (value !== undefined) resolved[key] = value;
  }
  const settings = readEnvSettings(env, KEYS);
  for (const { key, variable, text } of settings) {
    resolved[key] = fromEnvText(key, variable, text);
  }
  const regionExplicit = file.region !== undefined || settings.some((setting) => setting.key === 'region');
  const awsRegion = env.AWS_REGION?.trim();
  if (resolved.target === 'bedrock' && !regionExplicit && awsRegion) {
    resolved.region = fromEnvText('region', 'AWS_REGION', awsRegion);
  }
  // A duration replaces the counted rounds: counts set by a lower layer (a bench file's, under a
  // duration given for the whole run) give way to it; counts set alongside it are a conflict.
  const layer = (key: Key): number =>
    settings.some((setting) => setting.key === key) ? 2 : file[key] !== undefined ? 1 : 0;
  if (resolved.duration !== undefined) {
    for (const key of DURATION_REPLACES) {
      if (layer(key) < layer('duration')) resolved[key] = DEFAULT_OPTIONS[key];
    }
  }
  const options = resolved as unknown as ResolvedOptions;
  try {
    checkDuration(options);
  } catch (error) {
    // Named after the bench file when a setting it gave is part of the conflict.
    const fromFile = DURATION_CHECKS.some((key) => layer(key) === 1);
    if (error instanceof ConfigError && fromFile)
      throw new ConfigError(`${input.where ?? 'bench file'}: ${error.message}`);
    throw error;
  }
  return options;
}
