import { DEFAULT_OPTIONS } from '../config/defaults.ts';
import { runsUntilDeadline } from '../config/duration.ts';
import { scheduledLoad } from '../config/time-scale.ts';
import { judgeRun } from '../gate/family.ts';
import { goodput } from '../load/goodput.ts';
import { buildSweepTables } from '../load/sweep-table.ts';
import { shownEndpoint } from '../records/endpoint.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import type { LoadShape } from '../records/options.ts';
import { type ModelRun, RUN_RECORD_SCHEMA, type RunContext, type RunRecord } from '../records/run-record.ts';
import { aggregateClientHealth } from '../summary/client-health.ts';
import { summarizeCost } from '../summary/cost.ts';
import { summarizeCalls } from '../summary/summarize-calls.ts';
import type { ModelInputs, ReportInputs } from './report-inputs.ts';
import { withoutTexts } from './without-texts.ts';

/**
 * The run's span in wall-clock time: first call's start to last call's end. Taken from the calls, not
 * from the process building the report, so a merged or rebuilt report names the run it measured.
 */
export function runSpan(
  models: readonly ModelInputs[],
  fallbackTime: string,
): { startedAt: string; endedAt: string } {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const { records } of models) {
    for (const record of records) {
      const at = Date.parse(record.timestamp);
      if (Number.isNaN(at)) continue;
      start = Math.min(start, at);
      end = Math.max(end, at + (record.latencyMs ?? 0));
    }
  }
  if (!Number.isFinite(start)) return { startedAt: fallbackTime, endedAt: fallbackTime };
  return { startedAt: new Date(start).toISOString(), endedAt: new Date(Math.round(end)).toISOString() };
}

/**
 * The calls a model's plan came to: what it scheduled, or for a closed-loop duration run (which
 * could not count them beforehand) the calls it made by its end; undefined when such a run never
 * ended (it was cut short).
 */
export function plannedCallsOf(model: ModelRunInfo): number | undefined {
  if (!runsUntilDeadline(model.options)) return model.scheduledCalls;
  return model.durationEnd?.calls;
}

/**
 * Stopped by Vitest, or some model has fewer rows than its plan (and did not stop early): planned =
 * rows + skipped. A closed-loop duration run is whole when it recorded its end.
 */
export function isInterrupted(inputs: ReportInputs): boolean {
  if (inputs.stopped || (inputs.neverStarted?.length ?? 0) > 0) return true;
  return inputs.models.some(({ model, records }) => {
    const planned = plannedCallsOf(model);
    return planned === undefined || records.length + (model.earlyStop?.skippedCalls ?? 0) < planned;
  });
}

function buildContext(inputs: ReportInputs): RunContext {
  const first = inputs.models[0]?.model;
  const options = first?.options ?? DEFAULT_OPTIONS;
  const prompts: Record<string, string> = {};
  for (const { model } of inputs.models) prompts[model.modelId] ??= model.promptFingerprint;
  return {
    runId: inputs.runId,
    ...runSpan(inputs.models, inputs.fallbackTime),
    interrupted: isInterrupted(inputs),
    target: options.target,
    endpoint:
      options.endpoint === undefined
        ? options.target === 'emulator'
          ? 'emulator (embedded)'
          : 'bedrock (default)'
        : shownEndpoint(options.endpoint),
    region: first?.region ?? options.region,
    transport: options.transport,
    versions: inputs.environment.versions,
    git: inputs.environment.git,
    host: inputs.environment.host,
    fingerprints: { dataset: first?.datasetFingerprint ?? '', prompts },
    ...authOf(inputs),
    ...(options.target === 'emulator' ? { timeScale: options.timeScale } : {}),
    ...clientHealthOf(inputs),
  };
}

/** RunContext.auth: the auth kinds the calls used, sorted. */
function authOf(inputs: ReportInputs): Pick<RunContext, 'auth'> {
  const kinds = new Set(inputs.models.flatMap(({ records }) => records.flatMap((r) => r.auth ?? [])));
  return kinds.size === 0 ? {} : { auth: [...kinds].sort().join('+') };
}

/**
 * RunContext.client from each model test's sample, when the tests recorded one. A model measured on
 * worker threads counts by its threads' own samples (each thread's CPU share of one core, each loop's
 * delay), not by the process's, whose CPU time spans every thread.
 */
function clientHealthOf(inputs: ReportInputs): Pick<RunContext, 'client'> {
  const client = aggregateClientHealth(
    inputs.models.flatMap(({ model }) => {
      if (model.threadHealth !== undefined && model.threadHealth.length > 0) {
        return model.threadHealth.map((sample, i) => ({ who: `${model.key} thread ${i + 1}`, sample }));
      }
      return model.clientHealth === undefined ? [] : [{ who: model.key, sample: model.clientHealth }];
    }),
  );
  return client === undefined ? {} : { client };
}

const rateOf = (load: LoadShape): number | undefined => (load.kind === 'open' ? load.rate : undefined);

/** Latency-versus-throughput tables of the models that ran as sweep levels. */
function sweepsOf(inputs: ReportInputs): Pick<RunRecord, 'sweeps'> {
  const runs = inputs.models.flatMap(({ model, records }) =>
    model.sweepLevel === undefined
      ? []
      : [
          {
            ...model,
            level: model.sweepLevel,
            slo: model.options.slo,
            records,
            scheduledRate: rateOf(scheduledLoad(model.options)),
          },
        ],
  );
  return runs.length === 0 ? {} : { sweeps: buildSweepTables(runs) };
}

function buildModelRun({ model, records, checks }: ModelInputs): ModelRun {
  return {
    key: model.key,
    modelId: model.modelId,
    api: model.api,
    latencyMode: model.latencyMode,
    region: model.region,
    role: model.role,
    benchFile: model.benchFile,
    options: model.options,
    summary: {
      ...summarizeCalls(records),
      cost: summarizeCost(records, model.pricing, model.options.target === 'emulator'),
    },
    checks: [...checks],
    ...(model.sweepLevel === undefined ? {} : { sweepLevel: model.sweepLevel }),
    ...(model.toolConfigFingerprint === undefined
      ? {}
      : { toolConfigFingerprint: model.toolConfigFingerprint }),
    ...(model.options.slo === undefined ? {} : { goodput: goodput(records, model.options.slo) }),
    ...(model.clientHealth === undefined ? {} : { clientHealth: model.clientHealth }),
    ...(model.threadHealth === undefined ? {} : { threadHealth: model.threadHealth }),
    ...(model.earlyStop === undefined ? {} : { earlyStop: model.earlyStop }),
    ...(model.durationEnd === undefined ? {} : { durationEnd: model.durationEnd }),
    ...(model.pricing === undefined ? {} : { pricing: model.pricing }),
    calls: records.map(withoutTexts),
  };
}

/** The run record: context first, then each model's summary, checks and calls (without texts). */
export function buildRunRecord(inputs: ReportInputs): RunRecord {
  // Regressions and confident budgets of every model are judged together, once (src/gate/family.ts).
  const { models, verdict } = judgeRun(inputs.models.map(buildModelRun));
  return {
    schema: RUN_RECORD_SCHEMA,
    context: buildContext(inputs),
    models,
    verdict,
    ...sweepsOf(inputs),
  };
}
