import { type ChildProcess, fork } from 'node:child_process';
import { parseFaultSpec } from '../emulator/faults.ts';
import { createPromptCache, type EmulatorOptions } from '../emulator/index.ts';
import { createPlanner } from '../emulator/planner.ts';
import { catalogueOf, loadProfiles } from '../emulator/profiles.ts';

/**
 * The emulator a run starts for itself (target emulator, no endpoint given), in a process of its own:
 * Node forked by the global setup with these settings as its argument, which sends its URL back. Not in Vitest's
 * main process, where it was in 0.1: there its per-request garbage and its tokenizer (tens of MB
 * live) let V8 grow that process's heap past 400 MB in a 100,000-call run, and Vitest's own work (the
 * workers' messages, the artifacts, the reporter) shared the event loop that times the emulator's
 * answers. Its own process has neither problem, and costs one Node start (~50 ms) beside the
 * tokenizer's second, which it paid before too.
 */
export interface EmbeddedEmulatorSettings {
  /** The latency profiles, an absolute path. */
  profilesFile: string;
  timeScale: number;
  seed: number;
  /** `CONVERSE_BENCH_EMULATOR_FAULTS`, as given. */
  faults?: string;
}

/** What the emulator's process says back: its URL once it listens, or why it could not start. */
export type EmulatorProcessMessage = { type: 'listening'; url: string } | { type: 'failed'; message: string };

export interface EmbeddedEmulator {
  url: string;
  /** Its process. */
  pid: number;
  /** Stops it and waits for its process to exit. */
  close(): Promise<void>;
}

/** The planner, models and prompt cache of the settings; throws the user's error for bad profiles or faults. */
export function emulatorServing(
  settings: EmbeddedEmulatorSettings,
): Pick<EmulatorOptions, 'planner' | 'models' | 'promptCache'> {
  const profiles = loadProfiles(settings.profilesFile);
  return {
    models: catalogueOf(profiles),
    promptCache: createPromptCache({ timeScale: settings.timeScale }),
    planner: createPlanner({
      profiles,
      timeScale: settings.timeScale,
      seed: settings.seed,
      ...(settings.faults === undefined
        ? {}
        : { faults: parseFaultSpec(settings.faults, 'CONVERSE_BENCH_EMULATOR_FAULTS') }),
    }),
  };
}

/** How long a closing emulator may take to exit before it is killed. */
const CLOSE_GRACE_MS = 5_000;

/** The child's entry beside this file: .ts when run from source (this repository's tests), else .js. */
function childEntry(): URL {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./emulator-child.${extension}`, import.meta.url);
}

/**
 * Starts the run's emulator in its own process. Bad settings are refused here, in this process, with
 * the user's one-line error, before anything is forked. `onExit` hears of the process ending before
 * `close` was called (a crash): the calls after it fail as connection errors, each a row.
 */
export async function startEmbeddedEmulator(
  settings: EmbeddedEmulatorSettings,
  onExit: (why: string) => void,
): Promise<EmbeddedEmulator> {
  emulatorServing(settings);
  // No inherited Node flags: an `--inspect` of Vitest's would clash, and the child needs none.
  // The settings as its one argument: there from its first line, with no message to wait for.
  const child = fork(childEntry(), [JSON.stringify(settings)], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  // A crash is told once it served; a start that failed is the error thrown below instead.
  let serving = false;
  let closing = false;
  const exited = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      if (serving && !closing) onExit(signal === null ? `exit code ${code}` : `signal ${signal}`);
      done();
    });
  });
  const url = await new Promise<string>((done, fail) => {
    child.once('message', (message: EmulatorProcessMessage) => {
      if (message.type === 'listening') done(message.url);
      else fail(new Error(`the embedded emulator could not start: ${message.message}`));
    });
    child.once('exit', (code, signal) =>
      fail(new Error(`the embedded emulator exited before listening (${signal ?? `exit code ${code}`})`)),
    );
  });
  serving = true;
  // Never what keeps Vitest's main process alive: it exits when Vitest does (its IPC channel closes).
  unrefChild(child);
  return {
    url,
    pid: child.pid as number,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      closing = true;
      child.ref();
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

function unrefChild(child: ChildProcess): void {
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
}
