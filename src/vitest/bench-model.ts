import { relative, resolve } from 'node:path';
import { beforeAll, inject, test } from 'vitest';
import { resolveOptions } from '../config/resolve.ts';
import { loadDataset } from '../data/dataset.ts';
import { loadToolConfig } from '../data/tool-config.ts';
import { loadTracking, type TrackedModel } from '../data/tracking.ts';
import { optionsAtLevel, sweepLevels } from '../load/sweep.ts';
import { apisFor, scheduledCallCount, worstCaseMs } from '../plan/calls.ts';
import type { Api, CallRecord } from '../records/call-record.ts';
import type { SweepLevel } from '../records/load.ts';
import type { BenchOptions, ResolvedOptions } from '../records/options.ts';
import type { PlannedTest } from '../records/planned-test.ts';
import type { CheckOutcome } from '../records/run-record.ts';
import { loadGateInputs } from './gate-inputs.ts';
import { registerLatencyMatchers } from './matchers.ts';
import {
  BenchModelError,
  journalPlan,
  type ModelInputs,
  type PreflightOnce,
  runModel,
} from './model-test.ts';

/**
 * The bench-file helper: `benchModel('amazon.nova-micro-v1:0')` (or with options) defines one Vitest
 * test per API for the model. Each test resolves its data, plans the calls, runs them through
 * converse-bench's benchmark provider and scheduler, appends every record to the run's journal as it
 * completes, hands the records and budget checks to the reporter as artifacts, and fails (softly,
 * per budget) when a budget is not met.
 */
export type BenchModelInput = string | ({ model: string } & BenchOptions);

/** What benchModel returns: filled while its tests run; use it with the latency matchers afterwards. */
export interface BenchModelResult {
  modelId: string;
  /** Every record of every API, warmup included, in completion order. */
  records: CallRecord[];
  /** Records of one API. */
  recordsFor(api: Api): CallRecord[];
  checks: CheckOutcome[];
}

/** Room for setup, the reporter hand-off and slow teardown on top of the calls' own worst case. */
const TIMEOUT_MARGIN_MS = 60_000;

export function benchModel(input: BenchModelInput): BenchModelResult {
  registerLatencyMatchers();
  const { model: modelId, ...fileOptions } = typeof input === 'string' ? { model: input } : input;
  const context = inject('converseBench');
  if (!context) {
    throw new BenchModelError(
      `benchModel("${modelId}"): no converse-bench global setup: add plugins: [converseBench()] (from 'converse-bench/vitest') to vitest.config.ts`,
    );
  }
  const where = `bench file for ${modelId}`;
  const options = resolveOptions({ env: context.env, file: fileOptions, where });
  const result: BenchModelResult = {
    modelId,
    records: [],
    recordsFor: (api) => result.records.filter((r) => r.api === api),
    checks: [],
  };
  // Loaded once, now, so the test timeout can cover the real plan; a bad file fails each test with
  // its own message rather than the whole file's collection.
  let inputs: ModelInputs | Error;
  try {
    if (context.setupError !== undefined) throw new BenchModelError(context.setupError);
    inputs = loadInputs(context.root, options, modelId);
  } catch (error) {
    inputs = error instanceof Error ? error : new Error(String(error));
  }
  // Against Bedrock, one 1-token call per model (not per API) before its first test measures.
  const preflight: PreflightOnce = { promise: undefined };
  // A sweep (CONVERSE_BENCH_SWEEP) defines one test per level, each with the level's options.
  const levels: (SweepLevel | undefined)[] = options.sweep === undefined ? [undefined] : sweepLevels(options);
  const planned: Omit<PlannedTest, 'benchFile'>[] = [];
  for (const api of apisFor(options.api)) {
    for (const level of levels) {
      const name = level === undefined ? `${modelId} ${api}` : `${modelId} ${api} ${level.label}`;
      const at = level === undefined ? options : optionsAtLevel(options, level);
      const timeout =
        inputs instanceof Error ? TIMEOUT_MARGIN_MS : runTimeoutMs(at, api, inputs.dataset.documents.length);
      if (!(inputs instanceof Error)) {
        const scheduledCalls = scheduledCallCount(at, api, inputs.dataset.documents.length);
        planned.push({
          modelId,
          api,
          ...(level === undefined ? {} : { level: level.label }),
          scheduledCalls,
        });
      }
      test(name, { timeout }, (ctx) => {
        if (inputs instanceof Error) throw inputs;
        return runModel(ctx, { name, modelId, api, options: at, level, inputs, result, preflight });
      });
    }
  }
  // Journaled before the first test runs, so a run killed between two tests is rebuilt as interrupted.
  if (planned.length > 0 && !options.dryRun) {
    // biome-ignore lint/correctness/noEmptyPattern: Vitest requires a destructuring pattern as a hook's first argument.
    beforeAll(({}, suite) => {
      const benchFile = relative(context.root, suite.file.filepath);
      journalPlan(
        options,
        planned.map((test) => ({ benchFile, ...test })),
      );
    });
  }
  return result;
}

function loadInputs(root: string, options: ResolvedOptions, modelId: string): ModelInputs {
  const models = loadTracking(resolve(root, options.trackingFile));
  const tracked = findTracked(models, options.trackingFile, modelId);
  const toolFile = options.toolConfigFile;
  return {
    tracked,
    dataset: loadDataset(resolve(root, options.datasetFile)),
    ...(toolFile === undefined ? {} : { tools: loadToolConfig(resolve(root, toolFile), toolFile) }),
    gate: loadGateInputs(
      root,
      options,
      models.map((m) => m.modelId),
    ),
  };
}

/**
 * The Vitest timeout of one model and API: its calls' worst case (at the time scale, a duration
 * included) plus room for setup and teardown.
 */
function runTimeoutMs(options: ResolvedOptions, api: Api, documents: number): number {
  return Math.min(2 ** 31 - 1, worstCaseMs(options, [api], documents) + TIMEOUT_MARGIN_MS);
}

function findTracked(models: readonly TrackedModel[], shown: string, modelId: string): TrackedModel {
  const tracked = models.find((m) => m.modelId === modelId);
  if (!tracked) {
    throw new BenchModelError(
      `model "${modelId}" is not in ${shown}: add a row (model,text_prompt,...) or fix the id in its bench file`,
    );
  }
  return tracked;
}
