import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_EMULATOR_PROFILES } from '../config/package-files.ts';
import { readRunRecord } from '../data/read-run-record.ts';
import {
  type Calibration,
  CalibrationError,
  calibrate,
  calibratedProfileFile,
  type Estimate,
  type ModelCalibration,
} from '../emulator/calibrate.ts';
import { parseProfiles } from '../emulator/profiles.ts';
import { UserError } from '../errors.ts';
import { replaceFile } from '../report/sink.ts';

const USAGE = `usage: converse-bench calibrate <run record> [--out FILE] [--base FILE] [--json]

Fits each model's emulator latency profile to a real-time run: time to first token against input
length (median, sigma, ms per input token), output speed (median, sigma) and error rates per request,
from the run's successful ConverseStream calls at the standard latency mode and default tier (run the
benchmark with --api converse-stream or both). A run of the emulator at a time scale other than 1 is
refused: its times are not real. Each figure is printed with its standard error.

  --out FILE    the profile file to write (default data/emulator-profiles.json); point
                emulatorProfilesFile (CONVERSE_BENCH_EMULATOR_PROFILES_FILE) at it
  --base FILE   profiles kept for every model the run does not calibrate, and the token jitter,
                output limits, tiers and optimized factors of those it does (default: --out when it
                exists, else the package's own data/emulator-profiles.json)
  --json        print the fitted figures as JSON

Example: converse-bench calibrate outputs/run-20261201_101530.json --out data/emulator-profiles.json

Exit status: 0; 2 on bad input (a missing or time-scaled run record, no model with enough calls).`;

export class CalibrateUsageError extends UserError {
  override name = 'CalibrateUsageError';
}

interface CalibrateArgs {
  run?: string;
  out: string;
  base?: string;
  json: boolean;
  help: boolean;
}

function parseArgs(args: readonly string[]): CalibrateArgs {
  const parsed: CalibrateArgs = { out: 'data/emulator-profiles.json', json: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (name: string): string => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (v === undefined || v === '' || v.startsWith('--')) {
        throw new CalibrateUsageError(
          `calibrate: ${name} needs a file, e.g. ${name} data/emulator-profiles.json`,
        );
      }
      return v;
    };
    if (arg === '--help' || arg === '-h') parsed.help = true;
    else if (arg === '--json') parsed.json = true;
    else if (arg === '--out' || arg.startsWith('--out=')) parsed.out = value('--out');
    else if (arg === '--base' || arg.startsWith('--base=')) parsed.base = value('--base');
    else if (arg.startsWith('-'))
      throw new CalibrateUsageError(`calibrate: unknown option ${arg}; see converse-bench calibrate --help`);
    else if (parsed.run === undefined) parsed.run = arg;
    else throw new CalibrateUsageError(`calibrate: one run record at a time (got ${parsed.run} and ${arg})`);
  }
  if (!parsed.help && parsed.run === undefined) {
    throw new CalibrateUsageError(
      'calibrate: no run record given; pass outputs/run-<timestamp>.json of a real-time run',
    );
  }
  return parsed;
}

function figure(e: Estimate, digits: number): string {
  return `${e.value.toFixed(digits)} +- ${e.se.toFixed(digits)}`;
}

function percent(e: Estimate): string {
  return `${(e.value * 100).toFixed(2)}% +- ${(e.se * 100).toFixed(2)}%`;
}

/** One line per calibrated model, then one per model skipped. */
export function renderCalibration(calibration: Calibration): string {
  const lines = calibration.models.map((m: ModelCalibration) => {
    const perToken =
      m.perInputTokenMs === undefined
        ? 'per input token kept (input lengths hardly vary)'
        : `${figure(m.perInputTokenMs, 4)} ms per input token`;
    const faults = Object.entries(m.faults);
    const errors =
      faults.length === 0 ? 'no errors' : faults.map(([name, e]) => `${name} ${percent(e)}`).join(', ');
    const unmodelled = Object.entries(m.notModelled).map(([kind, n]) => `${kind} x${n}`);
    return (
      `calibrated ${m.modelId} from ${m.calls} streamed calls, ${m.requests} requests: ` +
      `TTFT median ${figure(m.ttftMedianMs, 1)} ms, sigma ${figure(m.ttftSigma, 3)}, ${perToken}; ` +
      `output speed median ${figure(m.speedMedian, 1)} tokens/s, sigma ${figure(m.speedSigma, 3)}; ` +
      `errors per request: ${errors}${unmodelled.length === 0 ? '' : `; not modelled: ${unmodelled.join(', ')}`}`
    );
  });
  for (const s of calibration.skipped) lines.push(`skip ${s.modelId}: ${s.why}`);
  return `${lines.join('\n')}\n`;
}

export async function calibrateCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const runPath = resolve(parsed.run as string);
  if (!existsSync(runPath)) {
    throw new CalibrateUsageError(
      `calibrate: ${parsed.run} does not exist; pass outputs/run-<timestamp>.json of a real-time run`,
    );
  }
  const run = readRunRecord(runPath, 'calls');
  const out = resolve(parsed.out);
  const baseShown =
    parsed.base ?? (existsSync(out) ? parsed.out : 'data/emulator-profiles.json (converse-bench)');
  const basePath =
    parsed.base === undefined ? (existsSync(out) ? out : DEFAULT_EMULATOR_PROFILES) : resolve(parsed.base);
  let baseText: string;
  try {
    baseText = readFileSync(basePath, 'utf8');
  } catch (error) {
    throw new CalibrateUsageError(
      `calibrate: cannot read --base ${baseShown} (${(error as NodeJS.ErrnoException).code}); check the path`,
    );
  }
  const base = parseProfiles(baseText, baseShown);
  const calibration = calibrate(run, base, parsed.run as string);
  if (calibration.models.length === 0) {
    const why = calibration.skipped.map((s) => `${s.modelId}: ${s.why}`).join('; ');
    throw new CalibrationError(
      `calibrate: no model of ${parsed.run} can be calibrated (${why || 'the run has no models'})`,
    );
  }
  const text = calibratedProfileFile(JSON.parse(baseText) as Record<string, unknown>, calibration, run);
  parseProfiles(text, parsed.out); // what is written must be what the emulator reads
  replaceFile(out, text);
  if (run.context.target === 'emulator') {
    process.stderr.write(
      `note: run ${run.context.runId} measured the emulator, not Bedrock: the profiles reproduce the emulator's own\n`,
    );
  }
  process.stdout.write(
    parsed.json ? `${JSON.stringify(calibration, null, 2)}\n` : renderCalibration(calibration),
  );
  process.stdout.write(
    `wrote ${parsed.out} (${calibration.models.length} model(s) calibrated; others as in ${baseShown}); the emulator reads it when emulatorProfilesFile names it\n`,
  );
  return 0;
}
