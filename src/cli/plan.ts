import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DEFAULT_PRICES } from '../config/package-files.ts';
import { loadPriceTable, pricingFor } from '../config/prices.ts';
import { resolveOptions } from '../config/resolve.ts';
import { namesModel } from '../data/bench-files.ts';
import { loadDataset } from '../data/dataset.ts';
import { loadTracking, type TrackedModel } from '../data/tracking.ts';
import { UserError } from '../errors.ts';
import { formatThousands, formatUsd } from '../format/numbers.ts';
import { optionsAtLevel, sweepLevels } from '../load/sweep.ts';
import { apisFor } from '../plan/calls.ts';
import { estimatePlan, type PlanEstimate, renderPlanLine } from '../plan/estimate.ts';
import type { ResolvedOptions } from '../records/options.ts';
import { flagsToEnv, optionsHelp } from './bench.ts';

/**
 * `converse-bench plan [bench flags] [--json] [--bench-dir DIR]`: what `converse-bench bench` with the
 * same flags would send, without calling anything. Models are the tracking file's rows that a bench
 * file names (the ids `converse-bench init` writes into bench/); options a bench file sets itself
 * are not seen, flags and CONVERSE_BENCH_* variables are.
 */

const HELP = `usage: converse-bench plan [bench options] [--bench-dir <dir>] [--json]

Prints the plan of a run without making any call: per model and API, the calls (warmup and
measured), the input tokens of the rendered prompts (counted with o200k_base, as the emulator does;
each model's own tokenizer differs by roughly 10-20%), the most output tokens maxTokens allows, and
what those tokens cost at most on Bedrock from the price table (pricesFile; unknown where a price is
missing).
Takes the options of \`converse-bench bench\` (flags, --preset, CONVERSE_BENCH_* variables).
Models: rows of the tracking file that a bench file in --bench-dir (default bench) names.

Exit status: 0; 1 when the target is bedrock and a model's plan exceeds maxCalls without
--allow-large-run (the run would refuse it); 2 on bad input.`;

export interface ModelPlan {
  modelId: string;
  /** Bench file naming the model, relative to the project root; absent: the model is not run. */
  benchFile?: string;
  skipReason?: string;
  estimates: PlanEstimate[];
}

export interface RunPlan {
  target: ResolvedOptions['target'];
  maxCalls: number;
  allowLargeRun: boolean;
  models: ModelPlan[];
  /**
   * Over every model that runs. `untilDeadline`: tests (model, API) whose measured calls are drawn
   * until a deadline with no cap (a closed-loop duration against the emulator), not in these sums.
   * `maxCostUsd` absent when a model's cost is unknown.
   */
  total: {
    calls: number;
    inputTokens: number;
    maxOutputTokens: number;
    untilDeadline?: number;
    maxCostUsd?: number;
  };
  /** Bedrock only: models whose plan is over maxCalls (the cap counts one model: every API and sweep level). */
  overCap: { modelId: string; calls: number }[];
}

const callsOf = (e: PlanEstimate): number => e.warmupCalls + e.measuredCalls;

/** Bench files under `dir` (recursively) and their text. */
function benchFiles(dir: string): { path: string; text: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return names
    .filter((name) => /\.bench\.[cm]?[jt]s$/.test(name))
    .sort()
    .map((name) => ({ path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') }));
}

/** The bench file that names the model id as a string literal, if any. */
function benchFileFor(modelId: string, files: { path: string; text: string }[]): string | undefined {
  return files.find((file) => namesModel(file.text, modelId))?.path;
}

export interface PlanRunInput {
  root: string;
  options: ResolvedOptions;
  benchDir: string;
  count?: (text: string) => number;
}

/** The whole run's plan: pure apart from reading the tracking file, the dataset and the bench files. */
export function planRun(input: PlanRunInput): RunPlan {
  const { root, options } = input;
  const tracked = loadTracking(resolve(root, options.trackingFile));
  const dataset = loadDataset(resolve(root, options.datasetFile)).documents;
  const documents = dataset.map((d) => d.document);
  const histories = dataset.map((d) => (d.history ?? []).flatMap((turn) => turn.texts));
  const files = benchFiles(resolve(root, input.benchDir));
  const prices =
    options.pricesFile === undefined
      ? loadPriceTable(DEFAULT_PRICES, 'data/prices.json (converse-bench)')
      : loadPriceTable(resolve(root, options.pricesFile), options.pricesFile);
  const models = tracked.map((model: TrackedModel): ModelPlan => {
    const file = benchFileFor(model.modelId, files);
    const plan: ModelPlan = { modelId: model.modelId, estimates: [] };
    if (file !== undefined) plan.benchFile = relative(root, file);
    if (model.skipReason !== undefined) plan.skipReason = model.skipReason;
    if (file === undefined || model.skipReason !== undefined) return plan;
    const region = model.region ?? options.region;
    plan.estimates = apisFor(options.api).map((api) =>
      estimatePlan({
        modelId: model.modelId,
        api,
        region,
        latencyMode: model.latencyMode ?? options.latencyMode,
        prices: { pricing: pricingFor(prices, model.modelId, region) },
        promptTemplate: model.promptTemplate,
        documents,
        histories,
        ...(model.systemPrompt === undefined ? {} : { system: model.systemPrompt }),
        options,
        ...(options.sweep === undefined
          ? {}
          : { levels: sweepLevels(options).map((level) => optionsAtLevel(options, level)) }),
        ...(input.count === undefined ? {} : { count: input.count }),
      }),
    );
    return plan;
  });
  const estimates = models.flatMap((m) => m.estimates);
  const overCap =
    options.target === 'bedrock'
      ? models
          .map((m) => ({ modelId: m.modelId, calls: m.estimates.reduce((s, e) => s + callsOf(e), 0) }))
          .filter((m) => m.calls > options.maxCalls)
      : [];
  const untilDeadline = estimates.filter(
    (e) => e.duration?.untilDeadline === true && e.duration.measuredCap === undefined,
  ).length;
  const total: RunPlan['total'] = {
    calls: estimates.reduce((s, e) => s + callsOf(e), 0),
    inputTokens: estimates.reduce((s, e) => s + e.inputTokens, 0),
    maxOutputTokens: estimates.reduce((s, e) => s + e.maxOutputTokens, 0),
    ...(untilDeadline === 0 ? {} : { untilDeadline }),
  };
  if (estimates.every((e) => e.cost?.status === 'priced')) {
    total.maxCostUsd = estimates.reduce((s, e) => s + (e.cost?.status === 'priced' ? e.cost.maxUsd : 0), 0);
  }
  return {
    target: options.target,
    maxCalls: options.maxCalls,
    allowLargeRun: options.allowLargeRun,
    models,
    total,
    overCap,
  };
}

export function renderRunPlan(plan: RunPlan): string {
  const lines: string[] = [];
  for (const model of plan.models) {
    if (model.skipReason !== undefined) lines.push(`skip ${model.modelId}: ${model.skipReason}`);
    else if (model.benchFile === undefined) lines.push(`skip ${model.modelId}: no bench file names it`);
    else lines.push(...model.estimates.map(renderPlanLine));
  }
  const running = plan.models.filter((m) => m.estimates.length > 0).length;
  lines.push(
    `total: ${formatThousands(plan.total.calls)} calls for ${running} model(s), ~${formatThousands(plan.total.inputTokens)} input tokens, ` +
      `<= ${formatThousands(plan.total.maxOutputTokens)} output tokens` +
      (plan.total.untilDeadline === undefined
        ? ''
        : `, besides the measured calls of ${plan.total.untilDeadline} test(s) drawn until their deadlines`) +
      `, ${totalCost(plan)}`,
  );
  if (plan.target === 'bedrock') {
    const over = plan.overCap.map((m) => `${m.modelId} (${m.calls})`).join(', ');
    const stops = plan.models.some((m) => m.estimates.some((e) => e.duration?.untilDeadline));
    lines.push(
      plan.overCap.length === 0
        ? `every model within maxCalls ${plan.maxCalls} per model${stops ? ' (a duration run stops there)' : ''}`
        : `over maxCalls ${plan.maxCalls} per model: ${over}${plan.allowLargeRun ? ' (allowed by allowLargeRun)' : '; the run refuses them without --allow-large-run'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The run's cost bound, or which models make it unknown. */
function totalCost(plan: RunPlan): string {
  const where =
    plan.target === 'emulator' ? ' on Bedrock (an estimate: the emulator bills nothing)' : ' on Bedrock';
  if (plan.total.maxCostUsd !== undefined) return `cost <= ~${formatUsd(plan.total.maxCostUsd)}${where}`;
  const unknown = plan.models
    .filter((m) => m.estimates.some((e) => e.cost?.status !== 'priced'))
    .map((m) => m.modelId);
  return `cost unknown (for ${unknown.join(', ')}: see their lines; add the missing prices to the price table, pricesFile)`;
}

/** Takes this command's own flags out; the rest are bench flags. */
function ownFlags(args: string[]): { json: boolean; benchDir: string; rest: string[] } {
  const rest: string[] = [];
  let json = false;
  let benchDir = 'bench';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--bench-dir' || arg.startsWith('--bench-dir=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (value === undefined || value === '') throw new UserError('--bench-dir: needs a folder, e.g. bench');
      benchDir = value;
    } else rest.push(arg);
  }
  return { json, benchDir, rest };
}

export async function planCommand(args: string[]): Promise<number> {
  const own = ownFlags(args);
  const parsed = flagsToEnv(own.rest);
  if (parsed.help) {
    const example =
      'Example: converse-bench plan --target bedrock --api both --invocations-per-scenario 30 --json';
    process.stdout.write(`${[HELP, '', 'Options:', ...optionsHelp(), '', example].join('\n')}\n`);
    return 0;
  }
  if (parsed.vitestArgs.length > 0) {
    throw new UserError('plan takes no Vitest options (after `--`); give them to `converse-bench bench`');
  }
  const options = resolveOptions({ env: { ...process.env, ...parsed.env }, where: 'environment' });
  const plan = planRun({ root: process.cwd(), options, benchDir: own.benchDir });
  process.stdout.write(own.json ? `${JSON.stringify(plan, null, 2)}\n` : renderRunPlan(plan));
  return plan.overCap.length > 0 && !plan.allowLargeRun ? 1 : 0;
}
