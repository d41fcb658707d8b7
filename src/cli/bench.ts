import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { envName } from '../config/env.ts';
import { DEFAULT_EMULATOR_PROFILES } from '../config/package-files.ts';
import { OPTION_TABLE, resolveOptions } from '../config/resolve.ts';
import { loadDataset } from '../data/dataset.ts';
import { loadToolConfig } from '../data/tool-config.ts';
import { loadTracking } from '../data/tracking.ts';
import { parseFaultSpec } from '../emulator/faults.ts';
import { loadProfiles } from '../emulator/profiles.ts';
import { UserError } from '../errors.ts';
import { watchParent } from '../lifecycle/parent-watch.ts';
import type { ResolvedOptions } from '../records/options.ts';

/**
 * `converse-bench bench [--flag value ...] [--preset NAME] [-- vitest args]`: `vitest bench` rejects
 * flags it does not know, so settings travel to the bench files as CONVERSE_BENCH_* variables.
 */

/** Named bundles of settings; flags given alongside a preset win over it. */
export const PRESETS: Record<string, { description: string; env: Record<string, string> }> = {
  gate: {
    description:
      '400 measured calls per model (10 documents x 40), 16 in flight, no pause between calls, every model needs a budget: enough to flag a 1.5x slower model 90% of the time',
    env: {
      CONVERSE_BENCH_REQUIRE_BUDGETS: 'true',
      CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '40',
      CONVERSE_BENCH_NUM_PARALLEL_CALLS: '16',
      CONVERSE_BENCH_WARMUP_CALLS: '4',
      CONVERSE_BENCH_DELAY_BETWEEN_CALLS: '0',
    },
  },
  smoke: {
    description: 'the default plan at 1/50 of real time against the emulator: a quick end-to-end check',
    env: { CONVERSE_BENCH_TIME_SCALE: '0.02' },
  },
};

/**
 * Each option on two lines: the flag and what it does, then its allowed values, its default and an
 * example. Shared by the commands that take the bench options (`bench`, `plan`).
 */
export function optionsHelp(): string[] {
  const width = Math.max(...OPTION_TABLE.map((row) => row.flag.length)) + 6;
  return OPTION_TABLE.flatMap((row) => {
    const value = row.type === 'boolean' ? '' : ' <v>';
    const fallback = row.default === '' ? 'not set' : row.default;
    const example = row.example === '' ? row.flag : `${row.flag} ${row.example}`;
    return [
      `  ${`${row.flag}${value}`.padEnd(width)}${row.description}`,
      `  ${''.padEnd(width)}values: ${row.type}; default: ${fallback}; e.g. ${example}`,
    ];
  });
}

function help(): string {
  const rows = optionsHelp();
  const width = Math.max(...OPTION_TABLE.map((row) => row.flag.length)) + 6;
  const presets = Object.entries(PRESETS).map(
    ([name, p]) => `  --preset ${name.padEnd(width - 9)}${p.description}`,
  );
  return [
    'usage: converse-bench bench [options] [-- vitest options]',
    '',
    'Runs `vitest bench --run` with these settings (each also settable as the environment variable',
    'named in the README, e.g. --num-parallel-calls 4 is CONVERSE_BENCH_NUM_PARALLEL_CALLS=4).',
    '',
    ...rows,
    '',
    'Presets (flags given alongside win):',
    ...presets,
    '',
    'Anything after `--` goes to Vitest unchanged, e.g. `-- --shard=1/2` or `-- bench/nova-micro`.',
    'Example: converse-bench bench --api both --num-parallel-calls 4 --time-scale 0.1',
  ].join('\n');
}

/** Turns flags into CONVERSE_BENCH_* variables; throws a UserError naming a bad flag. */
export function flagsToEnv(args: string[]): {
  env: Record<string, string>;
  vitestArgs: string[];
  help: boolean;
} {
  const byFlag = new Map(OPTION_TABLE.map((row) => [row.flag, row] as const));
  const env: Record<string, string> = {};
  const fromFlags: Record<string, string> = {};
  const split = args.indexOf('--');
  const own = split === -1 ? args : args.slice(0, split);
  const vitestArgs = split === -1 ? [] : args.slice(split + 1);
  for (let i = 0; i < own.length; i++) {
    const arg = own[i] ?? '';
    if (arg === '--help' || arg === '-h') return { env, vitestArgs, help: true };
    const [flag = '', inline] = arg.split(/=(.*)/s, 2);
    if (flag === '--preset') {
      const name = inline ?? own[++i];
      const preset = name === undefined ? undefined : PRESETS[name];
      if (preset === undefined) {
        throw new UserError(
          `--preset ${name ?? ''}: unknown preset; choose one of: ${Object.keys(PRESETS).join(', ')}`,
        );
      }
      Object.assign(env, preset.env);
      continue;
    }
    const row = byFlag.get(flag);
    if (row === undefined) {
      throw new UserError(
        `${flag}: unknown option; run \`converse-bench bench --help\` for the list (Vitest's own options go after \`--\`)`,
      );
    }
    let value = inline;
    if (value === undefined) {
      const next = own[i + 1];
      if (row.type === 'boolean' && (next === undefined || next.startsWith('--'))) value = 'true';
      else if (next === undefined) throw new UserError(`${flag}: needs a value (${row.type})`);
      else value = own[++i];
    }
    // In the environment an empty value means unset; given as a flag it is a mistake, not the default.
    if (row.type !== 'boolean' && (value ?? '').trim() === '') {
      const fallback = row.default === '' ? 'no value' : `the default (${row.default})`;
      throw new UserError(
        `${flag} ${JSON.stringify(value ?? '')}: empty; give a ${row.type}, or leave the flag out for ${fallback}`,
      );
    }
    fromFlags[row.env] = value ?? '';
  }
  // A --duration given alongside a preset wins over the preset's counted rounds, as every flag does.
  if (fromFlags[envName('duration')] !== undefined) {
    for (const key of ['experimentCounts', 'invocationsPerScenario'] as const) {
      if (fromFlags[envName(key)] === undefined) delete env[envName(key)];
    }
  }
  Object.assign(env, fromFlags);
  return { env, vitestArgs, help: false };
}

/**
 * The files a run reads, checked before Vitest starts so a mistake is one line and exit 2, not an
 * error banner with a stack: the embedded emulator's profiles and faults, and the dataset, tracking and
 * tool configuration files when given as flags (left to the default, a bench file may name its own).
 */
function checkRunFiles(options: ResolvedOptions, flags: Record<string, string>, root: string): void {
  if (options.target === 'emulator' && options.endpoint === undefined) {
    const profiles = options.emulatorProfilesFile;
    loadProfiles(profiles === undefined ? DEFAULT_EMULATOR_PROFILES : resolve(root, profiles));
    if (options.emulatorFaults !== undefined) parseFaultSpec(options.emulatorFaults, '--emulator-faults');
  }
  if (flags[envName('trackingFile')] !== undefined) loadTracking(resolve(root, options.trackingFile));
  if (flags[envName('datasetFile')] !== undefined) loadDataset(resolve(root, options.datasetFile));
  const tools = options.toolConfigFile;
  if (flags[envName('toolConfigFile')] !== undefined && tools !== undefined)
    loadToolConfig(resolve(root, tools), tools);
}

/** A child's exit as ours: its code, or 128 + the number of the signal that ended it (as a shell does). */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return signal === null ? 1 : 128 + (constants.signals[signal] ?? 0);
}

export async function benchCommand(args: string[]): Promise<number> {
  const parsed = flagsToEnv(args);
  if (parsed.help) {
    process.stdout.write(`${help()}\n`);
    return 0;
  }
  const env = { ...process.env, ...parsed.env };
  // Fail here, on one line, rather than once per bench file inside Vitest.
  checkRunFiles(resolveOptions({ env }), parsed.env, process.cwd());
  // vitest.mjs is not in Vitest's package exports; package.json is, and the bin sits next to it.
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const child = spawn(process.execPath, [vitest, 'bench', '--run', ...parsed.vitestArgs], {
    env,
    stdio: 'inherit',
  });
  // A terminal's Ctrl-C reaches Vitest too (same process group): wait for it to write what it
  // measured. SIGTERM is sent to us alone (CI time-outs, `kill`): pass it on.
  const ignore = (): void => {};
  const forward = (): void => {
    child.kill('SIGTERM');
  };
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  // Started through npm, which exits on SIGTERM without passing it on: pass it on for npm.
  const unwatch = watchParent(forward, { throughShells: process.env.npm_lifecycle_event !== undefined });
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(exitCodeOf(code, signal)));
    });
  } finally {
    unwatch();
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
  }
}
