import type { ResolvedOptions } from '../records/options.ts';

/**
 * Every setting's default, as the README's Settings table lists it. Where the workshop had a value, it
 * is the workshop's: its request (temperature 0.7, maxTokens 1000, topP 0.9) and its BENCHMARK_CONFIG
 * (1 invocation, 1 experiment, 1 call in flight, 300 s, 3 attempts, 1.0 s between calls). Retries are
 * standard mode, not the workshop's adaptive: adaptive mode's client-side rate limiter delays calls
 * without reporting it.
 */
export const DEFAULT_OPTIONS: ResolvedOptions = {
  target: 'emulator',
  endpoint: undefined,
  region: 'us-east-1',
  transport: 'http1',
  api: 'converse',
  invocationsPerScenario: 1,
  experimentCounts: 1,
  numParallelCalls: 1,
  workers: 1,
  timeoutSeconds: 300,
  retryAttempts: 3,
  delayBetweenCalls: 1,
  warmupCalls: 1,
  earlyStopCalls: 5,
  temperature: 0.7,
  maxTokens: 1000,
  topP: 0.9,
  latencyMode: 'standard',
  serviceTier: 'default',
  promptCache: 'off',
  cacheBust: false,
  reasoningBudget: 'off',
  toolConfigFile: undefined,
  load: { kind: 'closed' },
  duration: undefined,
  maxInFlight: undefined,
  sweep: undefined,
  slo: undefined,
  datasetFile: 'data/document_sample_10.csv',
  trackingFile: 'data/evaluation_tracking.csv',
  budgetsFile: 'data/budgets.json',
  requireBudgets: false,
  pricesFile: undefined,
  emulatorProfilesFile: undefined,
  timeScale: 1,
  emulatorFaults: undefined,
  emulatorSeed: 1,
  outputDir: 'outputs',
  baseline: undefined,
  tolerance: 0.1,
  redactTexts: false,
  maxCalls: 500,
  allowLargeRun: false,
  dryRun: false,
  quiet: false,
};
