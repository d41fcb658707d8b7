import { randomUUID } from 'node:crypto';
import { relative, resolve } from 'node:path';
import { expect, inject, recordArtifact, type TestContext } from 'vitest';
import { durationMs, durationText, runsUntilDeadline } from '../config/duration.ts';
import { envName, flagName } from '../config/env.ts';
import { pricingFor } from '../config/prices.ts';
import { scheduledLoad } from '../config/time-scale.ts';
import type { Dataset } from '../data/dataset.ts';
import { promptFingerprint, renderPrompt } from '../data/template.ts';
import type { TrackedModel } from '../data/tracking.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../emulator/index.ts';
import { DEFAULT_MODELS, type ModelCatalog, resolveModel } from '../emulator/models.ts';
import { catalogueOf, loadProfiles } from '../emulator/profiles.ts';
import { loadTokenizer } from '../emulator/tokenizer.ts';
import { UserError } from '../errors.ts';
import { evaluateBudget, findBudget, noBudgetCheck } from '../gate/budgets.ts';
import { clientBusyReason, clientNoiseMs, timeScaleReason } from '../gate/client-noise.ts';
import { regressionChecks as compareWithBaseline } from '../gate/regression.ts';
import { buildInput, type CallSpec, callModel } from '../harness/call.ts';
import { type ClientOptions, createBedrockClient } from '../harness/client.ts';
import { startClientHealth } from '../harness/client-health.ts';
import { earlyStop } from '../harness/early-stop.ts';
import { PreflightError, preflightInputFor, preflightKey, preflightModel } from '../harness/preflight.ts';
import { reasoningProblem } from '../harness/reasoning-fields.ts';
import { indexTexts, type TextIndex } from '../harness/redact-texts.ts';
import { cacheKeyPart, modelKey } from '../load/sweep.ts';
import {
  buildPlan,
  callDeadlineMs,
  delayBetweenCallsMs,
  measuredCallCap,
  modelCallCount,
  planInput,
  scheduledCallCount,
} from '../plan/calls.ts';
import type {
  Api,
  CallRecord,
  LatencyMode,
  PromptCache,
  ReasoningBudget,
  ServiceTier,
  Turn,
} from '../records/call-record.ts';
import { shownEndpoint } from '../records/endpoint.ts';
import type { SweepLevel } from '../records/load.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import type { ResolvedOptions } from '../records/options.ts';
import type { PlannedTest } from '../records/planned-test.ts';
import type { CheckOutcome } from '../records/run-record.ts';
import { forcesToolUse, type ToolSettings } from '../records/tool-config.ts';
import { openJournal } from '../report/journal.ts';
import { packCalls } from './artifacts.ts';
import type { GateInputs } from './gate-inputs.ts';
import { jobFunction } from './provider.ts';
import { withReasoningEstimate } from './reasoning-estimate.ts';
import { sharedResponses } from './shared-responses.ts';

/**
 * One test of a bench file, step by step: a model through one API (at one sweep level) is checked,
 * planned, preflighted against Bedrock, measured through the provider with every record journaled,
 * and judged against its budget and baseline; records and checks reach the reporter as artifacts.
 */

export class BenchModelError extends UserError {
  override name = 'BenchModelError';
}

/** Records go to the reporter after the calls, in batches (vitest/artifacts.ts). */
const ARTIFACT_BATCH = 1000;

export interface PreflightOnce {
  promise: Promise<void> | undefined;
}

export interface ModelInputs {
  tracked: TrackedModel;
  dataset: Dataset;
  /** The tool configuration sent with every call (`toolConfigFile`); absent: no tools. */
  tools?: ToolSettings;
  gate: GateInputs;
}

/** One Vitest test of a bench file: a model through one API (at one sweep level), and what it shares. */
export interface ModelTest {
  name: string;
  modelId: string;
  api: Api;
  /** The bench file's resolved options, set to the sweep level when there is one. */
  options: ResolvedOptions;
  level: SweepLevel | undefined;
  inputs: ModelInputs;
  /** Where the bench file's result collects records and checks, shared by its tests. */
  result: { records: CallRecord[]; checks: CheckOutcome[] };
  /** The model's preflight, shared by its tests. */
  preflight: PreflightOnce;
}

/**
 * Where and how the model is called: the tracking file's region, latency mode and prompt cache, else
 * the options'.
 */
interface Placement {
  region: string;
  latencyMode: LatencyMode;
  serviceTier: ServiceTier;
  promptCache: PromptCache;
  reasoningBudget: ReasoningBudget;
}

/** A model test, step by step: check, plan, preflight, measure, judge. */
export async function runModel(ctx: TestContext, model: ModelTest): Promise<void> {
  const { tracked, dataset } = model.inputs;
  if (tracked.skipReason) ctx.skip(`${model.modelId}: ${tracked.skipReason}`);
  const placement: Placement = {
    region: tracked.region ?? model.options.region,
    latencyMode: tracked.latencyMode ?? model.options.latencyMode,
    serviceTier: model.options.serviceTier,
    promptCache: tracked.promptCache ?? model.options.promptCache,
    reasoningBudget: model.options.reasoningBudget,
  };
  // Counted before anything is built: a plan over the cap is refused without being made.
  checkCallCap(model);
  checkMaxTokens(model);
  checkReasoning(model);
  if (model.options.dryRun) await skipAsDryRun(ctx, model, placement);
  const documents = dataset.documents.length;
  const plan = buildPlan(planInput(model.options, [model.api], documents));
  const endpoint = endpointOf(model);
  const info = modelRunInfo(ctx, model, placement, scheduledCallCount(model.options, model.api, documents));
  const specs = callSpecs(plan, model, placement);
  if (model.options.target === 'emulator') checkBodySize(model, specs);
  if (model.options.target === 'bedrock') await preflightOnce(model, placement, endpoint);
  await measureAndJudge(ctx, model, info, specs, endpoint);
}

/** A dry run prints the plan line `converse-bench plan` prints, and skips the test. */
async function skipAsDryRun(ctx: TestContext, model: ModelTest, placement: Placement): Promise<never> {
  // Loaded only here: the tokenizer costs about a second, and only a dry run counts tokens.
  const { estimatePlan, renderPlanLine } = await import('../plan/estimate.ts');
  const { tracked, dataset } = model.inputs;
  const line = renderPlanLine(
    estimatePlan({
      modelId: model.modelId,
      api: model.api,
      region: placement.region,
      latencyMode: placement.latencyMode,
      prices: { pricing: pricingFor(model.inputs.gate.prices, model.modelId, placement.region) },
      promptTemplate: tracked.promptTemplate,
      documents: dataset.documents.map((d) => d.document),
      histories: dataset.documents.map((d) => (d.history ?? []).flatMap((turn) => turn.texts)),
      ...(tracked.systemPrompt === undefined ? {} : { system: tracked.systemPrompt }),
      options: model.options,
    }),
  );
  console.info(line);
  ctx.skip(`dry run: ${line}`);
}

/**
 * Against Bedrock, a model over `maxCalls` needs `allowLargeRun`. The cap counts the model's whole
 * plan, every API, every sweep level, warmups included, whichever of its tests asks: bench files run
 * apart, so a whole-run count is `converse-bench plan`'s job. A run until a deadline has no count
 * beforehand: each test stops at its share of the cap while it runs.
 */
function checkCallCap({ modelId, options, inputs }: ModelTest): void {
  const modelCalls = modelCallCount(options, inputs.dataset.documents.length);
  if (modelCalls === undefined) return;
  if (options.target === 'bedrock' && modelCalls > options.maxCalls && !options.allowLargeRun) {
    throw new BenchModelError(
      `${modelId}: ${modelCalls} calls against Bedrock exceed maxCalls ${options.maxCalls} (every API, every sweep level, warmups included): ` +
        'set CONVERSE_BENCH_ALLOW_LARGE_RUN=true or lower the counts (`converse-bench plan` shows them)',
    );
  }
}

/** A reasoning budget the model's family cannot take is refused before any call, in one line. */
function checkReasoning({ modelId, options, inputs }: ModelTest): void {
  const forced = inputs.tools !== undefined && forcesToolUse(inputs.tools.config);
  const problem = reasoningProblem(modelId, options.reasoningBudget, options, forced);
  if (problem !== undefined) throw new BenchModelError(`${modelId}: ${problem}`);
}

/** The catalogue with each emulator profile file, read once per bench file (not once per model test). */
const catalogues = new Map<string, ModelCatalog>();
function catalogueAt(path: string): ModelCatalog {
  let catalog = catalogues.get(path);
  if (catalog === undefined) {
    catalog = catalogueOf(loadProfiles(path));
    catalogues.set(path, catalog);
  }
  return catalog;
}

/**
 * maxTokens over a model's output limit makes every call a ValidationException row, on Bedrock as on
 * the emulator: refused before any call. The limits are the emulator's catalogue (the Bedrock model
 * cards, extended by the emulator profile file on the emulator target); a model it does not list is
 * left to the service.
 */
function checkMaxTokens({ modelId, options }: ModelTest): void {
  const profiles = options.target === 'emulator' ? options.emulatorProfilesFile : undefined;
  const catalog =
    profiles === undefined ? DEFAULT_MODELS : catalogueAt(resolve(inject('converseBench').root, profiles));
  const model = resolveModel(modelId, catalog);
  if (model.status !== 'ok' || options.maxTokens <= model.info.maxOutputTokens) return;
  const source =
    profiles === undefined ? 'its Bedrock model card' : `the emulator catalogue with ${profiles}`;
  throw new BenchModelError(
    `maxTokens ${options.maxTokens} is over the output limit of ${modelId}, ${model.info.maxOutputTokens} tokens (${source}): ` +
      `set maxTokens (${envName('maxTokens')} or ${flagName('maxTokens')}) to ${model.info.maxOutputTokens} or less`,
  );
}

/**
 * The emulator answers a body over 2 MiB with 413: a template and document that make one would turn
 * every call of that document into an error row. Refused before any call instead, naming both.
 */
function checkBodySize({ modelId, options, inputs }: ModelTest, specs: readonly CallSpec[]): void {
  const checked = new Set<number>();
  for (const spec of specs) {
    if (checked.has(spec.document)) continue;
    checked.add(spec.document);
    // The body the SDK sends, as the call builds it (the model id goes in the path, not the body).
    const { modelId: _inPath, ...body } = buildInput(spec);
    const bytes = Buffer.byteLength(JSON.stringify(body));
    if (bytes > DEFAULT_MAX_BODY_BYTES) {
      throw new BenchModelError(
        `${options.trackingFile} line ${inputs.tracked.line}: the prompt template of ${modelId} with document ${spec.document + 1} of ${options.datasetFile} makes a request body of ${bytes} bytes, over the emulator's limit of ${DEFAULT_MAX_BODY_BYTES} (2 MiB); shorten the template or the document`,
      );
    }
  }
}

/** The endpoint the client calls: the options', else (emulator target) the embedded emulator's. */
function endpointOf({ name, options }: ModelTest): string | undefined {
  const embedded = inject('converseBench').endpoint;
  const endpoint = options.target === 'emulator' ? (options.endpoint ?? embedded) : options.endpoint;
  if (options.target === 'emulator' && endpoint === undefined) {
    throw new BenchModelError(
      `${name}: no emulator endpoint: run through vitest.config.ts (its globalSetup starts one) or set CONVERSE_BENCH_ENDPOINT`,
    );
  }
  return endpoint;
}

/** The identity and settings every record of this test is reported under. */
function modelRunInfo(
  ctx: TestContext,
  { modelId, api, options, level, inputs }: ModelTest,
  { region, latencyMode, serviceTier, promptCache, reasoningBudget }: Placement,
  scheduledCalls: number,
): ModelRunInfo {
  const { root, runId } = inject('converseBench');
  const shown =
    options.endpoint === undefined ? options : { ...options, endpoint: shownEndpoint(options.endpoint) };
  const pricing = pricingFor(inputs.gate.prices, modelId, region);
  return {
    key: modelKey(modelId, api, latencyMode, level, {
      serviceTier,
      cache: cacheKeyPart(promptCache, options.cacheBust),
      reasoningBudget,
      tools: inputs.tools?.fingerprint,
    }),
    modelId,
    api,
    latencyMode,
    region,
    role: inputs.tracked.role,
    benchFile: relative(root, ctx.task.file.filepath),
    // Recorded and printed from here on: without the endpoint's userinfo and secret query values; the
    // prompt cache as this model used it (its tracking-file cell, else the run's).
    options: { ...shown, promptCache },
    promptFingerprint: promptFingerprint(inputs.tracked.promptTemplate, inputs.tracked.systemPrompt),
    ...(inputs.tools === undefined ? {} : { toolConfigFingerprint: inputs.tools.fingerprint }),
    datasetFingerprint: inputs.dataset.fingerprint,
    journal: relative(root, journalPath(options)),
    runId,
    scheduledCalls,
    ...(level === undefined ? {} : { sweepLevel: level }),
    ...(pricing === undefined ? {} : { pricing }),
  };
}

function journalPath(options: ResolvedOptions): string {
  const { root, runId } = inject('converseBench');
  return resolve(root, options.outputDir, `journal-${runId}.jsonl`);
}

/** Appends a bench file's planned tests to the run's journal (one line naming the folder on a fault). */
export function journalPlan(options: ResolvedOptions, tests: PlannedTest[]): void {
  const journal = openJournal(journalPath(options));
  journal.appendPlan(tests);
  void journal.close();
  if (journal.failure !== undefined) throw new BenchModelError(journal.failure);
}

/**
 * Against Bedrock, one 1-token call per model before it measures: done by the global setup for every
 * model at once before any bench file runs, or here (once per model, shared by its tests) when the
 * bench file's own options make a call the global setup did not.
 */
async function preflightOnce(
  { modelId, options, preflight }: ModelTest,
  placement: Placement,
  endpoint: string | undefined,
): Promise<void> {
  const input = preflightInputFor(modelId, options, placement, endpoint);
  const done = inject('converseBench').preflight?.[preflightKey(input)];
  if (done === null) return;
  if (done !== undefined) throw new PreflightError(done);
  preflight.promise ??= preflightModel(input);
  await preflight.promise;
}

/** Makes the calls, journals each record, then checks budgets and regressions and hands all to the reporter. */
async function measureAndJudge(
  ctx: TestContext,
  model: ModelTest,
  info: ModelRunInfo,
  specs: CallSpec[],
  endpoint: string | undefined,
): Promise<void> {
  const { options, result } = model;
  const client: ClientOptions = {
    target: options.target,
    endpoint,
    region: info.region,
    transport: options.transport,
    retryAttempts: options.retryAttempts,
  };
  const journal = openJournal(journalPath(options));
  // Loaded before the first call (about a second of CPU), so no call's timing pays for it.
  if (options.reasoningBudget !== 'off') loadTokenizer();
  try {
    const records = await runCalls(ctx, model.name, info, specs, options, client, (record) => {
      result.records.push(record);
      journal.append(record, info);
    });
    if (info.earlyStop) journal.appendEarlyStop(info, info.earlyStop);
    if (info.durationEnd) journal.appendDurationEnd(info, info.durationEnd);
    const checks = [...budgetChecks(model, info, records), ...regressionChecks(model, info, records)];
    result.checks.push(...checks);
    journal.appendChecks(info, checks);
    await recordArtifact(ctx.task, { type: 'converse-bench:checks', model: info, checks });
    // Statistical checks are judged once, with the run's others, by the reporter (src/gate/family.ts).
    for (const check of checks) if (check.test === undefined) expect.soft(check, model.name).toPassCheck();
    // The run went on: every call reached the reporter. The journal, which a crash would need, did not.
    if (journal.failure !== undefined) {
      throw new BenchModelError(`${journal.failure}; the calls of ${model.name} are in the other outputs`);
    }
  } finally {
    await journal.close();
  }
  if (info.earlyStop) {
    const { reason, skippedCalls, plannedCalls } = info.earlyStop;
    const rest =
      info.durationEnd === undefined
        ? `${skippedCalls} of ${plannedCalls} planned calls not made`
        : `no further call started in its duration of ${durationText(options.duration ?? 0)}`;
    throw new BenchModelError(
      `${model.name}: stopped early: ${reason}; ${rest} ` +
        '(fix the cause, or set earlyStopCalls to 0 to make them anyway)',
    );
  }
}

/**
 * Runs the plan through the provider, on this test's event loop or on `workers` threads each with its
 * own client; the records reach the reporter afterwards, even after a failure.
 */
async function runCalls(
  { bench, task, signal }: TestContext,
  name: string,
  info: ModelRunInfo,
  specs: CallSpec[],
  options: ResolvedOptions,
  clientOptions: ClientOptions,
  onRecord: (record: CallRecord) => void,
): Promise<CallRecord[]> {
  const records: CallRecord[] = [];
  const health = startClientHealth();
  const client = options.workers > 1 ? undefined : createBedrockClient(clientOptions);
  const stop = earlyStop(options.earlyStopCalls);
  const share = sharedResponses();
  const until = runsUntilDeadline(options);
  const cap = measuredCallCap(options);
  let completed = false;
  let threadFailure: string | undefined;
  try {
    const fn = jobFunction({
      specs,
      exec: (spec, timing) => {
        if (client === undefined) throw new Error('calls run on worker threads');
        return callModel(client.client, {
          ...spec,
          scheduledStartMs: timing.scheduledStartMs,
          signal: timing.signal,
        });
      },
      schedule: {
        concurrency: options.numParallelCalls,
        delayBetweenMs: delayBetweenCallsMs(options),
        load: scheduledLoad(options),
        ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
        onRecord: (made) => {
          // Every copy of the record (journal, result, reporter) carries the estimate.
          const record = share(withReasoningEstimate(made));
          records.push(record);
          stop.observe(record);
          onRecord(record);
        },
        shouldStop: () => stop.stopped,
        ...(until
          ? { until: { durationMs: durationMs(options), ...(cap === undefined ? {} : { maxCalls: cap }) } }
          : {}),
      },
      ...(client === undefined
        ? {
            threads: {
              workers: options.workers,
              client: clientOptions,
              specs,
              onHealth: (threads) => {
                info.threadHealth = threads;
              },
              onFailure: (why) => {
                threadFailure = why;
              },
            },
          }
        : {}),
    });
    await bench(name, fn).run({ iterations: specs.length, time: 0, warmup: false });
    completed = true;
  } finally {
    // Carried with the model's info in every artifact sent from here on.
    info.clientHealth = health.stop();
    // Until a deadline the plan is what was made: planned = rows (+ 0 skipped).
    const planned = until ? records.length : specs.length;
    if (stop.stopped && stop.reason !== undefined) {
      info.earlyStop = { plannedCalls: planned, skippedCalls: planned - records.length, reason: stop.reason };
    }
    // A run cut short (interrupted, a thread lost) has no end: it is reported as interrupted.
    if (until && completed && !signal.aborted && threadFailure === undefined) {
      const measured = records.filter((r) => r.phase === 'measure').length;
      const endedBy = stop.stopped
        ? 'early stop'
        : cap !== undefined && measured >= cap
          ? 'maxCalls'
          : 'deadline';
      info.durationEnd = { endedBy, calls: records.length };
    }
    client?.destroy();
    // One batch even when empty, so the reporter knows the model ran.
    for (let i = 0; i === 0 || i < records.length; i += ARTIFACT_BATCH) {
      const batch = records.slice(i, i + ARTIFACT_BATCH);
      const packed = packCalls(batch, { redactTexts: options.redactTexts });
      await recordArtifact(task, { type: 'converse-bench:calls', model: info, ...packed });
    }
  }
  return records;
}

function callSpecs(
  plan: ReturnType<typeof buildPlan>,
  { modelId, options, inputs: { tracked, dataset, tools } }: ModelTest,
  { region, latencyMode, serviceTier, promptCache, reasoningBudget }: Placement,
): CallSpec[] {
  // One rendered prompt per document, shared by every call of it (and with redactTexts, its words,
  // cut from an error message that echoes them).
  const prompts = dataset.documents.map((d) => renderPrompt(tracked.promptTemplate, d.document));
  const texts = options.redactTexts ? prompts.map((prompt) => indexTexts([prompt])) : [];
  const inferenceConfig = {
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    topP: options.topP,
  };
  return plan.map((call) => ({
    modelId,
    region,
    latencyMode,
    serviceTier,
    ...(promptCache === 'off' ? {} : { promptCache }),
    ...(options.cacheBust ? { cacheBust: true as const, cacheNonce: randomUUID() } : {}),
    ...(reasoningBudget === 'off' ? {} : { reasoningBudget }),
    ...(tools === undefined ? {} : { tools: tools.fingerprint, toolConfig: tools.config }),
    ...(tracked.systemPrompt === undefined ? {} : { system: tracked.systemPrompt }),
    ...historyOf(dataset.documents[call.document]?.history),
    ...call,
    prompt: prompts[call.document] as string,
    inferenceConfig,
    timeoutMs: callDeadlineMs(options),
    ...(options.redactTexts ? { textsToCut: texts[call.document] as TextIndex } : {}),
  }));
}

/** A conversation's earlier turns and their count; nothing for a single-turn row. */
function historyOf(history: Turn[] | undefined): { history?: Turn[]; priorTurns?: number } {
  return history === undefined || history.length === 0 ? {} : { history, priorTurns: history.length };
}

/** Why this test's latencies are not judged: a time-scaled emulator, or a busy client. */
function latencyJudging({ options }: ModelTest, info: ModelRunInfo) {
  return {
    latencyNotJudged: timeScaleReason(options.target, options.timeScale),
    clientBusy: clientBusyReason([info.clientHealth]),
    clientNoiseMs: clientNoiseMs([info.clientHealth]),
  };
}

/** The model's budget checks; a model without a budget is listed as such (a failure under requireBudgets). */
function budgetChecks(model: ModelTest, info: ModelRunInfo, records: CallRecord[]): CheckOutcome[] {
  const { options, modelId, inputs } = model;
  const budget =
    inputs.gate.budgets === undefined ? undefined : findBudget(inputs.gate.budgets, options.target, modelId);
  if (budget === undefined)
    return [noBudgetCheck(options.target, options.budgetsFile, options.requireBudgets)];
  const { latencyNotJudged, clientBusy, clientNoiseMs: noise } = latencyJudging(model, info);
  return evaluateBudget(
    budget,
    records,
    {
      ...(latencyNotJudged === undefined ? {} : { latencyNotJudged }),
      ...(clientBusy === undefined ? {} : { clientBusy }),
      ...(noise === undefined ? {} : { clientNoiseMs: noise }),
    },
    info.pricing,
  );
}

/**
 * With a `baseline` (a run record, or a folder of them: a history), the model's P90 latency, TTFT
 * P90 when streamed, and error rate against the same model key in the baseline runs
 * (src/gate/regression.ts); each is a test judged with the run's others.
 */
function regressionChecks(model: ModelTest, info: ModelRunInfo, records: CallRecord[]): CheckOutcome[] {
  const baseline = model.inputs.gate.baseline;
  if (baseline === undefined) return [];
  const runs = baseline.flatMap((run) => run.models.filter((m) => m.key === info.key));
  const health = [info.clientHealth, ...runs.map((m) => m.clientHealth)];
  const { latencyNotJudged } = latencyJudging(model, info);
  const clientBusy = clientBusyReason(health);
  const noise = clientNoiseMs(health);
  return compareWithBaseline(
    { baselineRuns: runs.map((m) => m.calls), candidate: records, api: info.api },
    {
      tolerance: model.options.tolerance,
      errorRateTolerance: ERROR_RATE_TOLERANCE,
      confidence: 0.95,
      ...(latencyNotJudged === undefined ? {} : { latencyNotJudged }),
      ...(clientBusy === undefined ? {} : { clientBusy }),
      ...(noise === undefined ? {} : { clientNoiseMs: noise }),
    },
  ).map((m) => m.check);
}

/** Tolerated rise of the error rate against a baseline, as `compare`'s default: two percentage points. */
const ERROR_RATE_TOLERANCE = 0.02;
