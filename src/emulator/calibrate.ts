import { UserError } from '../errors.ts';
import type { CallRecord, OkCall } from '../records/call-record.ts';
import { okMeasuredCalls, outputTokensPerSecond } from '../records/metrics.ts';
import type { RunRecord } from '../records/run-record.ts';
import { mean, sampleStd } from '../stats/distribution.ts';
import { STREAM_EXCEPTIONS } from './faults.ts';
import { baseModelId } from './models.ts';
import { type LatencyProfile, type ProfileSet, resolveProfile } from './profiles.ts';

/**
 * `converse-bench calibrate`: each model's emulator profile fitted to a real-time run, so that pull
 * requests gated on the emulator see the team's own Bedrock figures. The emulator's model (profiles.ts,
 * planner.ts) is: TTFT = logNormal(medianMs, sigma) + perInputTokenMs x input tokens; a request's
 * output speed = logNormal(median, sigma), its token gaps spread by mean-one factors of sigma
 * `tokenJitter`; faults fire on a share of requests (attempts). Fitted here, by maximum likelihood:
 *
 * - TTFT: perInputTokenMs maximises the log-normal likelihood of TTFT - b x inputTokens (a search
 *   over b from 0 to where a residual would reach 0); medianMs = exp(mean ln residual), sigma = their
 *   sample standard deviation. Not fitted when the run's input lengths hardly vary (kept from the base);
 * - output speed: median = exp(mean ln speed), sigma = their standard deviation, each less what the
 *   token jitter adds to a request's measured speed (its mean of n - 1 factors);
 * - errors: per request, as the emulator draws them: a kind the SDK does not retry at its share of
 *   attempts; retried attempts (a call's attempts - 1) and retried kinds that failed every attempt are
 *   split among those kinds as the final failures are (all to throttling when no call failed).
 *
 * Over ConverseStream calls served at the standard latency mode and the default (or reserved) tier:
 * the only calls whose TTFT and speed the profile's base figures describe. Pure: the command reads
 * and writes the files.
 */

export class CalibrationError extends UserError {
  override name = 'CalibrationError';
}

/** Fewer streamed calls than this give no profile: sigma alone would be off by a quarter. */
export const MIN_CALIBRATION_CALLS = 10;

/** Below this spread of input lengths (std / mean) the per-token cost cannot be told from the median. */
const MIN_INPUT_SPREAD = 0.05;

/** A figure and its standard error (its sampling error at this many calls). */
export interface Estimate {
  value: number;
  se: number;
}

export interface ModelCalibration {
  /** Base model id the profile is keyed by. */
  modelId: string;
  /** Streamed calls the latency figures are over; requests (attempts) the error rates are over. */
  calls: number;
  requests: number;
  ttftMedianMs: Estimate;
  ttftSigma: Estimate;
  /** Absent when the input lengths hardly varied: kept from the base profile. */
  perInputTokenMs?: Estimate;
  speedMedian: Estimate;
  speedSigma: Estimate;
  /** Share of requests per fault item, e.g. `throttle` 0.02; keys are fault spec names. */
  faults: Record<string, Estimate>;
  /** Failed calls of kinds the emulator cannot act out, by kind (`timeout`: 2). */
  notModelled: Record<string, number>;
  /** The fitted profile, as the profile file writes it. */
  profile: ProfileJson;
}

/** A profile as the file holds it (docs/emulator-profiles.md). */
export interface ProfileJson {
  source: string;
  ttft: { medianMs: number; sigma: number; perInputTokenMs: number };
  outputSpeed: { medianTokensPerSecond: number; sigma: number };
  tokenJitter: number;
  optimized?: { ttftFactor: number; tokensPerSecondFactor: number };
  serviceTiers?: string[];
  maxOutputTokens: number;
  faults: string;
}

export interface Calibration {
  models: ModelCalibration[];
  /** Models of the run that got no profile, and why. */
  skipped: { modelId: string; why: string }[];
}

/** HTTP errors the SDK retries in standard mode (DESIGN.md, observed with SDK 3.1164). */
const RETRIED = [
  'ThrottlingException',
  'ModelNotReadyException',
  'ServiceUnavailableException',
  'InternalServerException',
];

/**
 * Refuses a run whose times are not real: an emulator run at another time scale than 1. (An emulator
 * run at scale 1 is accepted: it reproduces the emulator's own profile, which is how this is tested.)
 */
export function checkRealTime(run: RunRecord, file: string): void {
  const scale = run.context.timeScale;
  if (run.context.target === 'emulator' && scale !== undefined && scale !== 1) {
    throw new CalibrationError(
      `${file}: run ${run.context.runId} ran the emulator at time scale ${scale}: its times are not real; calibrate from a real-time run (Bedrock, or the emulator at time scale 1)`,
    );
  }
}

/** Fits a profile per base model of the run; `base` gives what a run cannot measure (jitter, limits). */
export function calibrate(run: RunRecord, base: ProfileSet, file: string): Calibration {
  checkRealTime(run, file);
  const byModel = new Map<string, CallRecord[]>();
  for (const model of run.models) {
    const id = baseModelId(model.modelId) ?? model.modelId;
    byModel.set(id, [...(byModel.get(id) ?? []), ...model.calls]);
  }
  const models: ModelCalibration[] = [];
  const skipped: Calibration['skipped'] = [];
  for (const [modelId, calls] of byModel) {
    const fit = fitModel(modelId, calls, resolveProfile(base, modelId).profile, run, base.file);
    if ('why' in fit) skipped.push({ modelId, why: fit.why });
    else models.push(fit);
  }
  return { models, skipped };
}

/** The calls whose TTFT and speed the profile's base figures describe. */
function baseCalls(calls: readonly CallRecord[]): OkCall[] {
  return okMeasuredCalls(calls).filter(
    (c) =>
      c.api === 'converse-stream' &&
      c.ttftMs !== undefined &&
      (c.latencyModeServed ?? c.latencyMode) === 'standard' &&
      ['default', 'reserved'].includes(c.serviceTierServed ?? c.serviceTier),
  );
}

function fitModel(
  modelId: string,
  calls: readonly CallRecord[],
  base: LatencyProfile,
  run: RunRecord,
  baseFile: string,
): ModelCalibration | { why: string } {
  const streamed = baseCalls(calls);
  if (streamed.length < MIN_CALIBRATION_CALLS) {
    return {
      why: `${streamed.length} successful ConverseStream calls at the standard latency mode and default tier; calibrating needs at least ${MIN_CALIBRATION_CALLS} (run with --api converse-stream or both)`,
    };
  }
  const ttft = fitTtft(
    streamed.map((c) => c.ttftMs ?? 0),
    streamed.map((c) => c.inputTokens),
  );
  const speeds = streamed.flatMap((c) => {
    const s = outputTokensPerSecond(c);
    return s === undefined ? [] : [{ speed: s, gaps: c.outputTokens - 1 }];
  });
  if (speeds.length < MIN_CALIBRATION_CALLS) {
    return {
      why: `${speeds.length} streamed calls with at least 2 output tokens; calibrating needs ${MIN_CALIBRATION_CALLS}`,
    };
  }
  const speed = fitSpeed(speeds, base.tokenJitter);
  const errors = fitErrors(calls);
  const perInputTokenMs = ttft.perInputTokenMs?.value ?? base.ttft.perInputTokenMs;
  const figures: string[] = [
    `TTFT median ${shown(ttft.median)} ms, sigma ${shown(ttft.sigma)}, ` +
      (ttft.perInputTokenMs === undefined
        ? `${round(perInputTokenMs)} ms per input token kept from ${baseFile} (the run's input lengths hardly vary)`
        : `${shown(ttft.perInputTokenMs)} ms per input token`),
    `output speed median ${shown(speed.median)} tokens/s, sigma ${shown(speed.sigma)}`,
    Object.keys(errors.faults).length === 0
      ? 'no errors'
      : `errors per request: ${Object.entries(errors.faults)
          .map(([name, e]) => `${name} ${shown(e)}`)
          .join(', ')}`,
  ];
  const unmodelled = Object.entries(errors.notModelled);
  if (unmodelled.length > 0) {
    figures.push(`not modelled: ${unmodelled.map(([kind, n]) => `${kind} x${n}`).join(', ')}`);
  }
  const { context } = run;
  const source =
    `Calibrated by converse-bench calibrate from run ${context.runId} (target ${context.target}, region ${context.region}, ${context.startedAt}), ` +
    `${streamed.length} streamed calls and ${errors.requests} requests (figures +- one standard error): ${figures.join('; ')}. ` +
    `tokenJitter, maxOutputTokens, serviceTiers and optimized kept from ${baseFile}.`;
  const profile: ProfileJson = {
    source,
    ttft: {
      medianMs: round(ttft.median.value),
      sigma: round(ttft.sigma.value),
      perInputTokenMs: round(perInputTokenMs),
    },
    outputSpeed: { medianTokensPerSecond: round(speed.median.value), sigma: round(speed.sigma.value) },
    tokenJitter: base.tokenJitter,
    ...(base.optimized === undefined ? {} : { optimized: base.optimized }),
    ...(base.serviceTiers.length === 0 ? {} : { serviceTiers: [...base.serviceTiers] }),
    maxOutputTokens: base.maxOutputTokens,
    faults: Object.entries(errors.faults)
      .map(([name, e]) => `${name}~${round(e.value)}`)
      .join(','),
  };
  return {
    modelId,
    calls: streamed.length,
    requests: errors.requests,
    ttftMedianMs: ttft.median,
    ttftSigma: ttft.sigma,
    ...(ttft.perInputTokenMs === undefined ? {} : { perInputTokenMs: ttft.perInputTokenMs }),
    speedMedian: speed.median,
    speedSigma: speed.sigma,
    faults: errors.faults,
    notModelled: errors.notModelled,
    profile,
  };
}

interface LogNormalFit {
  /** exp(mean ln), and sigma = sample std of ln, each with its standard error. */
  median: Estimate;
  sigma: Estimate;
}

function logNormalFit(logs: readonly number[], sigmaSquaredLess = 0, centreLess = 0): LogNormalFit {
  const n = logs.length;
  const mu = mean(logs) - centreLess;
  const sigma = Math.sqrt(Math.max(0, sampleStd(logs) ** 2 - sigmaSquaredLess));
  const median = Math.exp(mu);
  return {
    median: { value: median, se: (median * sigma) / Math.sqrt(n) },
    sigma: { value: sigma, se: sigma / Math.sqrt(2 * (n - 1)) },
  };
}

/**
 * TTFT = logNormal(m, s) + b x tokens: b by the profile likelihood of the log-normal residuals (a
 * golden-section search), m and s from the residuals at that b.
 */
export function fitTtft(
  ttftMs: readonly number[],
  inputTokens: readonly number[],
): LogNormalFit & { perInputTokenMs?: Estimate } {
  const xs = inputTokens;
  const spread = mean(xs) > 0 && xs.length > 1 ? sampleStd(xs) / mean(xs) : 0;
  if (!(spread >= MIN_INPUT_SPREAD)) return logNormalFit(ttftMs.map(Math.log));
  // b below the smallest TTFT / tokens keeps every residual positive.
  let high = Number.POSITIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? 0;
    if (x > 0) high = Math.min(high, (ttftMs[i] ?? 0) / x);
  }
  high *= 1 - 1e-9;
  const residuals = (b: number): number[] => ttftMs.map((t, i) => t - b * (xs[i] ?? 0));
  // Negative log-likelihood of log-normal residuals, constants dropped: sum ln r + n ln sigma-hat.
  const cost = (b: number): number => {
    const logs = residuals(b).map(Math.log);
    const mu = mean(logs);
    const variance = mean(logs.map((l) => (l - mu) ** 2));
    return logs.reduce((sum, l) => sum + l, 0) + (logs.length / 2) * Math.log(variance);
  };
  const b = goldenMinimum(cost, 0, high);
  const fit = logNormalFit(residuals(b).map(Math.log));
  // Standard error of b as least squares gives it, from the residuals' spread and the lengths' spread.
  const r = residuals(b);
  const xMean = mean(xs);
  const sxx = xs.reduce((sum, x) => sum + (x - xMean) ** 2, 0);
  const seB = sampleStd(r) / Math.sqrt(sxx);
  // The median is the fit's intercept: its error grows with the slope's, as x-bar x SE(b).
  const seMedian = Math.sqrt(fit.median.se ** 2 + (xMean * seB) ** 2);
  return {
    ...fit,
    median: { value: fit.median.value, se: seMedian },
    perInputTokenMs: { value: b, se: seB },
  };
}

/** The minimum of a function over [low, high] by golden-section search (unimodal there). */
function goldenMinimum(f: (x: number) => number, low: number, high: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = low;
  let b = high;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 200 && b - a > 1e-12 * (1 + Math.abs(b)); i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  const best = (a + b) / 2;
  // The likelihood can peak at b = 0 (no per-token cost): compare with the end.
  return f(low) <= f(best) ? low : best;
}

/**
 * Output speed: a request's measured speed is its drawn speed over the mean of its n - 1 gap factors
 * (mean one, CV^2 = e^(jitter^2) - 1), whose log has mean about -CV^2 / 2(n - 1) and variance about
 * CV^2 / (n - 1): both are taken out.
 */
export function fitSpeed(
  speeds: readonly { speed: number; gaps: number }[],
  tokenJitter: number,
): LogNormalFit {
  const cv2 = Math.exp(tokenJitter * tokenJitter) - 1;
  const added = mean(speeds.map((s) => cv2 / s.gaps));
  return logNormalFit(
    speeds.map((s) => Math.log(s.speed)),
    added,
    added / 2,
  );
}

/** Share of requests per fault the emulator can act out, and the failed calls it cannot. */
function fitErrors(calls: readonly CallRecord[]): {
  requests: number;
  faults: Record<string, Estimate>;
  notModelled: Record<string, number>;
} {
  const measured = calls.filter((c) => c.phase === 'measure');
  const requests = measured.reduce((sum, c) => sum + Math.max(1, c.attempts), 0);
  const counts: Record<string, number> = {};
  const notModelled: Record<string, number> = {};
  let retriedAttempts = 0;
  const retriedFinal: Record<string, number> = {};
  for (const c of measured) {
    const attempts = Math.max(1, c.attempts);
    if (c.status === 'ok') {
      retriedAttempts += attempts - 1;
      continue;
    }
    const name = faultName(c);
    if (c.httpStatus !== 200 && RETRIED.includes(c.errorKind)) {
      retriedAttempts += attempts;
      retriedFinal[c.errorKind] = (retriedFinal[c.errorKind] ?? 0) + 1;
      continue;
    }
    retriedAttempts += attempts - 1;
    if (name === undefined) notModelled[c.errorKind] = (notModelled[c.errorKind] ?? 0) + 1;
    else counts[name] = (counts[name] ?? 0) + 1;
  }
  const finals = Object.entries(retriedFinal);
  const total = finals.reduce((sum, [, n]) => sum + n, 0);
  const shares: [string, number][] =
    total === 0 ? [['ThrottlingException', 1]] : finals.map(([k, n]) => [k, n / total]);
  if (retriedAttempts > 0) {
    for (const [kind, share] of shares) {
      const name = kind === 'ThrottlingException' ? 'throttle' : `error=${kind}`;
      counts[name] = (counts[name] ?? 0) + retriedAttempts * share;
    }
  }
  const faults: Record<string, Estimate> = {};
  for (const [name, n] of Object.entries(counts)) {
    const p = n / requests;
    faults[name] = { value: p, se: Math.sqrt((p * (1 - p)) / requests) };
  }
  return { requests, faults, notModelled };
}

/** The fault spec item that acts out a failed call's kind, or undefined when none does. */
function faultName(call: CallRecord & { status: 'error' }): string | undefined {
  const kind = call.errorKind;
  if (call.httpStatus === 200) {
    // Failed after the stream started: a mid-stream exception frame.
    const frame = `${kind.charAt(0).toLowerCase()}${kind.slice(1)}`;
    return frame in STREAM_EXCEPTIONS ? `stream-exception=${frame}` : undefined;
  }
  if (kind === 'ThrottlingException') return 'throttle';
  if (kind === 'network') return 'drop';
  if (
    /^[A-Z][A-Za-z]+Exception$/.test(kind) &&
    kind !== 'ValidationException' &&
    kind !== 'AccessDeniedException'
  ) {
    return `error=${kind}`;
  }
  return undefined;
}

/** Four significant digits: what a profile file needs, and what a reviewer reads in a diff. */
function round(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(4));
}

function shown(e: Estimate): string {
  return `${round(e.value)} +- ${Number(e.se.toPrecision(2))}`;
}

/** An earlier calibration's note at the start of the file's comment, replaced by this one's. */
const EARLIER = /^Calibrated by converse-bench calibrate .*?every other entry as it was\. /;

/**
 * The profile file with the calibrated models replaced (others kept as the base has them), as JSON
 * text. `baseJson` is the base file's parsed JSON; the result is validated by the caller.
 */
export function calibratedProfileFile(
  baseJson: Record<string, unknown>,
  calibration: Calibration,
  run: RunRecord,
): string {
  const models = { ...((baseJson.models as Record<string, unknown> | undefined) ?? {}) };
  for (const m of calibration.models) models[m.modelId] = m.profile;
  const ids = calibration.models.map((m) => m.modelId).join(', ');
  const comment =
    `Calibrated by converse-bench calibrate from run ${run.context.runId} (${run.context.target}, ${run.context.startedAt}) for ${ids}; ` +
    `every other entry as it was. ${typeof baseJson.$comment === 'string' ? baseJson.$comment.replace(EARLIER, '') : ''}`.trim();
  return `${JSON.stringify({ ...baseJson, $comment: comment, models }, null, 2)}\n`;
}
