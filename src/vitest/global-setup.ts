import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ENV_PREFIX } from '../config/env.ts';
import { DEFAULT_EMULATOR_PROFILES, PACKAGE_ROOT } from '../config/package-files.ts';
import { resolveOptions } from '../config/resolve.ts';
import { namesModel } from '../data/bench-files.ts';
import { loadDataset } from '../data/dataset.ts';
import { loadTracking, type TrackedModel } from '../data/tracking.ts';
import { isUserError } from '../errors.ts';
import { preflightInputFor, preflightModels } from '../harness/preflight.ts';
import { modelCallCount } from '../plan/calls.ts';
import type { ResolvedOptions } from '../records/options.ts';
import { startEmbeddedEmulator } from './embedded-emulator.ts';
import { ConverseBenchSetupError } from './setup-error.ts';
import { staleBuildProblem } from './stale-build.ts';

/**
 * Vitest `globalSetup` for `vitest bench`: one run id and start time for every worker and the
 * reporter, the embedded emulator (in its own process: embedded-emulator.ts) when the target is the
 * emulator and no endpoint is given, and a snapshot of the CONVERSE_BENCH_* environment (workers read
 * it with `inject`, so only this file and src/cli/ read process.env). Vitest may call it once per project: the first call does the work,
 * later calls provide the same values, and the emulator closes at the last teardown. Projects that
 * are not benchmark projects are left alone.
 */

export interface ConverseBenchContext {
  runId: string;
  /** Vitest's project root: data files and outputs resolve against it. */
  root: string;
  /** Wall-clock ISO start of the run. */
  startedAt: string;
  /** The embedded emulator's URL when this setup started one. */
  endpoint?: string;
  /** CONVERSE_BENCH_* and AWS_REGION as the run started (AWS_REGION: the bedrock target's region). */
  env: Record<string, string>;
  /**
   * Target bedrock: every model's preflight, made here before any bench file runs, all at once; by
   * preflight key, null when the model answered, else the failure's line (src/harness/preflight.ts).
   */
  preflight?: Record<string, string | null>;
  /**
   * A bad input the setup met (emulator faults that do not parse, a missing profiles file): every
   * model test fails with it as its one line, as with any other bad input of a bench file, instead of
   * Vitest's error banner with a stack.
   */
  setupError?: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    converseBench: ConverseBenchContext;
  }
}

/** Env variable through which a wrapper (`converse-bench bench`, shards) can fix the run id. */
export const RUN_ID_ENV = 'CONVERSE_BENCH_INTERNAL_RUN_ID';

interface SharedState {
  users: number;
  context: Promise<ConverseBenchContext>;
  close: () => Promise<void>;
}

const STATE = Symbol.for('converse-bench.global-setup');
type Holder = { [STATE]?: SharedState };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The config is shared by `vitest run` (unit tests start their own servers) and `vitest bench`.
  if (!project.config.benchmark.enabled) return async () => {};
  // Built (dist/) in converse-bench's own checkout: refuse to measure code older than its sources.
  const stale = import.meta.url.endsWith('.js') ? staleBuildProblem(PACKAGE_ROOT) : undefined;
  if (stale !== undefined) throw new ConverseBenchSetupError(stale);
  const holder = globalThis as Holder;
  let state = holder[STATE];
  if (!state) {
    let closeEmulator: () => Promise<void> = async () => {};
    const benchFiles = async () => (await project.globTestFiles()).testFiles;
    const env = snapshotEnv(process.env);
    const context = start(env, project.config.root, benchFiles, (close) => {
      closeEmulator = close;
    }).catch((error: unknown): ConverseBenchContext => {
      if (!isUserError(error)) throw error;
      const now = new Date();
      const runId = env[RUN_ID_ENV] ?? newRunId(now);
      return {
        runId,
        root: project.config.root,
        startedAt: now.toISOString(),
        env,
        setupError: error.message,
      };
    });
    state = { users: 0, context, close: () => closeEmulator() };
    holder[STATE] = state;
  }
  const shared = state;
  shared.users++;
  project.provide('converseBench', await shared.context);
  return async () => {
    shared.users--;
    if (shared.users > 0) return;
    delete holder[STATE];
    await shared.close();
  };
}

export function snapshotEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (name.startsWith(ENV_PREFIX) || name === 'AWS_REGION')) out[name] = value;
  }
  return out;
}

async function start(
  env: Record<string, string>,
  root: string,
  benchFiles: () => Promise<string[]>,
  onEmulator: (close: () => Promise<void>) => void,
): Promise<ConverseBenchContext> {
  const now = new Date();
  const runId = env[RUN_ID_ENV] ?? newRunId(now);
  const { [RUN_ID_ENV]: _, ...optionEnv } = env;
  const options = resolveOptions({ env: optionEnv, where: 'environment' });
  const context: ConverseBenchContext = { runId, root, startedAt: now.toISOString(), env: optionEnv };
  if (options.target === 'bedrock') {
    const preflight = options.dryRun
      ? undefined
      : await preflightEveryModel(options, root, await benchFiles());
    return preflight === undefined ? context : { ...context, preflight };
  }
  if (options.endpoint !== undefined) return context;
  const emulator = await startEmbeddedEmulator(
    {
      profilesFile:
        options.emulatorProfilesFile === undefined
          ? DEFAULT_EMULATOR_PROFILES
          : resolve(root, options.emulatorProfilesFile),
      timeScale: options.timeScale,
      seed: options.emulatorSeed,
      ...(options.emulatorFaults === undefined ? {} : { faults: options.emulatorFaults }),
    },
    (why) =>
      process.stderr.write(
        `converse-bench: the embedded emulator stopped (${why}); the calls after it fail\n`,
      ),
  );
  onEmulator(() => emulator.close());
  return { ...context, endpoint: emulator.url };
}

/**
 * The preflights of every model of the tracking file that a bench file names, with the run's
 * settings, at once. Undefined when the tracking file or the dataset cannot be read, or the plan is
 * over the call cap: each test then says why.
 */
async function preflightEveryModel(
  options: ResolvedOptions,
  root: string,
  files: string[],
): Promise<Record<string, string | null> | undefined> {
  let tracked: TrackedModel[];
  let documents: number;
  try {
    tracked = loadTracking(resolve(root, options.trackingFile));
    documents = loadDataset(resolve(root, options.datasetFile)).documents.length;
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
  // Over the call cap, every test refuses its model before any call: no preflight either.
  // (A run until a deadline is not counted: the cap stops it while it runs.)
  if ((modelCallCount(options, documents) ?? 0) > options.maxCalls && !options.allowLargeRun)
    return undefined;
  const texts = files.map((file) => readFileSync(file, 'utf8'));
  const inputs = tracked
    .filter(
      (model) => model.skipReason === undefined && texts.some((text) => namesModel(text, model.modelId)),
    )
    .map((model) =>
      preflightInputFor(
        model.modelId,
        options,
        {
          region: model.region ?? options.region,
          latencyMode: model.latencyMode ?? options.latencyMode,
          promptCache: model.promptCache ?? options.promptCache,
        },
        options.endpoint,
      ),
    );
  return preflightModels(inputs);
}

/** `20261127-084512-3fa9`: sortable by start time, unique enough across parallel CI shards. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
