import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

/** Subprocesses for tests that run `vitest bench`, the CLI or a script on a fixture project. */
export const ROOT = resolve(import.meta.dirname, '../..');
export const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
export const CLI_MAIN = join(ROOT, 'src/cli/main.ts');

/**
 * The data files every fixture project holds, relative to its folder (the child's cwd), and no pause
 * between calls: fixture runs are about other things than the workshop's 1 s courtesy delay (which
 * test/workshop-analysis.test.ts and the scheduler tests cover), and pay it per call at real time.
 */
export const FIXTURE_DATA_ENV = {
  CONVERSE_BENCH_EMULATOR_PROFILES_FILE: 'data/profiles.json',
  CONVERSE_BENCH_DATASET_FILE: 'data/documents.csv',
  CONVERSE_BENCH_TRACKING_FILE: 'data/tracking.csv',
  CONVERSE_BENCH_DELAY_BETWEEN_CALLS: '0',
} as const;

/**
 * The parent's environment for a child: without CONVERSE_BENCH_* (the child's settings are the test's
 * alone), VITEST* (they would make the child think it runs inside a worker) and any `dropPrefixes`;
 * plain output (NO_COLOR), then `extra`.
 */
export function childEnv(
  extra: Record<string, string> = {},
  dropPrefixes: readonly string[] = [],
): Record<string, string> {
  const dropped = ['CONVERSE_BENCH_', 'VITEST', ...dropPrefixes];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !dropped.some((prefix) => name.startsWith(prefix))) env[name] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

export interface Outcome {
  /** Exit code; -1 when the child ended by a signal or did not start. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env: Record<string, string>;
  /** Kill the child after this many ms; none by default. */
  timeout?: number;
}

/** Runs a command to its end; a non-zero exit resolves (with its code), never rejects. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<Outcome> {
  return new Promise((done) => {
    execFile(command, args, options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** Like `run`, but a non-zero exit rejects with the command and its output. */
export async function runOk(command: string, args: readonly string[], options: RunOptions): Promise<Outcome> {
  const outcome = await run(command, args, options);
  if (outcome.code !== 0) {
    throw new Error(
      `${[command, ...args].join(' ')} exited ${outcome.code}:\n${outcome.stdout}${outcome.stderr}`,
    );
  }
  return outcome;
}

/** `vitest bench --run` under this project's Node, in the fixture project `project`. */
export function vitestBench(
  project: string,
  env: Record<string, string>,
  timeout?: number,
): Promise<Outcome> {
  return run(process.execPath, [VITEST, 'bench', '--run'], { cwd: project, env, timeout });
}
