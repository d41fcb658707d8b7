import { parseArgs } from 'node:util';
import { parseFaultSpec } from '../emulator/faults.ts';
import { fixedPlanner } from '../emulator/fixed-planner.ts';
import { createPromptCache, type EmulatorOptions, startEmulator } from '../emulator/index.ts';
import { createPlanner } from '../emulator/planner.ts';
import { catalogueOf, loadProfiles } from '../emulator/profiles.ts';
import { isUserError, UserError } from '../errors.ts';
import { watchParent } from '../lifecycle/parent-watch.ts';

const HELP = `usage: converse-bench emulator [options]

Serves a Bedrock-compatible Converse / ConverseStream endpoint (HTTP/1.1 and cleartext HTTP/2) until
stopped with Ctrl-C. Point the AWS SDK at it with \`endpoint\` and any dummy credentials.

options:
  --port N               port to listen on, 0 for any free one (default 4010)
  --host ADDR            address to bind (default 127.0.0.1)
  --ttft-ms MS           fixed time to first token (default 300)
  --tokens-per-second N  fixed output speed (default 80)
  --profiles FILE        use seeded per-model latency profiles from FILE instead of the fixed latency
  --seed N               seed of the profile draws (default 1; with --profiles)
  --fault SPEC           fault for every model, repeatable, e.g. throttle~0.1 (with --profiles)
  --time-scale X         multiply every delay, e.g. 0.01 for 100x faster (default 1)
  --help                 show this help

Examples:
  converse-bench emulator --port 0 --host 127.0.0.1 --ttft-ms 200 --tokens-per-second 120
  converse-bench emulator --profiles data/emulator-profiles.json --seed 7 --fault 'throttle~0.05' --time-scale 0.1
`;

/** Where the command writes and what stops it; the defaults are the process's own. */
export interface EmulatorCommandIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Resolves when the server should stop. @default the first SIGINT or SIGTERM */
  stopped: Promise<void>;
}

class FlagError extends UserError {}

/** Until SIGINT or SIGTERM, or until the parent goes away (npm exits on SIGTERM without passing it on). */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      unwatch();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const unwatch = watchParent(stop, { throughShells: process.env.npm_lifecycle_event !== undefined });
  });
}

function number(
  flag: string,
  text: string | undefined,
  fallback: number,
  check: (n: number) => boolean,
  fix: string,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !check(value)) throw new FlagError(`--${flag} ${text}: ${fix}`);
  return value;
}

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'ttft-ms': { type: 'string' },
  'tokens-per-second': { type: 'string' },
  profiles: { type: 'string' },
  seed: { type: 'string' },
  fault: { type: 'string', multiple: true },
  'time-scale': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** The planner the flags ask for and, with --profiles, the catalogue the profile file extends. */
function servingFrom(
  values: ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>['values'],
): Pick<EmulatorOptions, 'planner' | 'models' | 'promptCache'> {
  const timeScale = number(
    'time-scale',
    values['time-scale'],
    1,
    (n) => Number.isFinite(n) && n > 0,
    'use a positive number such as 1 or 0.01',
  );
  if (values.profiles === undefined) {
    if (values.seed !== undefined || values.fault !== undefined) {
      throw new FlagError(
        '--seed and --fault need --profiles FILE; add --profiles data/emulator-profiles.json',
      );
    }
    const planner = fixedPlanner({
      ttftMs: number(
        'ttft-ms',
        values['ttft-ms'],
        300,
        (n) => Number.isFinite(n) && n >= 0,
        'use a number of ms >= 0',
      ),
      tokensPerSecond: number(
        'tokens-per-second',
        values['tokens-per-second'],
        80,
        (n) => Number.isFinite(n) && n > 0,
        'use a positive number',
      ),
      timeScale,
    });
    return { planner, promptCache: createPromptCache({ timeScale }) };
  }
  if (values['ttft-ms'] !== undefined || values['tokens-per-second'] !== undefined) {
    throw new FlagError(
      '--ttft-ms and --tokens-per-second set the fixed latency; drop them when using --profiles',
    );
  }
  const profiles = loadProfiles(values.profiles);
  const planner = createPlanner({
    profiles,
    seed: number('seed', values.seed, 1, Number.isInteger, 'use a whole number'),
    timeScale,
    faults: (values.fault ?? []).flatMap((spec) => parseFaultSpec(spec, `--fault ${spec}`)),
  });
  return { planner, models: catalogueOf(profiles), promptCache: createPromptCache({ timeScale }) };
}

/** `converse-bench emulator`: serve until stopped; 0 after a clean stop, 2 for a bad flag or port. */
export async function emulatorCommand(args: string[], io?: Partial<EmulatorCommandIo>): Promise<number> {
  const stdout = io?.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stderr = io?.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  let serving: Pick<EmulatorOptions, 'planner' | 'models' | 'promptCache'>;
  let port: number;
  let host: string;
  try {
    const { values } = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false });
    if (values.help) {
      stdout(HELP.trimEnd());
      return 0;
    }
    port = number(
      'port',
      values.port,
      4010,
      (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
      'use a port number from 0 to 65535',
    );
    host = values.host ?? '127.0.0.1';
    // Node reads an empty host as "every interface": never by accident.
    if (host.trim() === '') {
      throw new FlagError(
        `--host ${JSON.stringify(host)}: empty; give an address such as 127.0.0.1 (or 0.0.0.0 to serve every interface on purpose)`,
      );
    }
    serving = servingFrom(values);
  } catch (error) {
    // parseArgs explains some mistakes over several lines: keep the promise of one line.
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
    if (!isUserError(error) && !(error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw error;
    stderr(`converse-bench emulator: ${message}; run with --help for the options`);
    return 2;
  }
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({ host, port, ...serving });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
      stderr(
        `converse-bench emulator: cannot resolve --host ${host} (${code}); give an address such as 127.0.0.1 or a name this machine resolves`,
      );
      return 2;
    }
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw error;
    stderr(
      `converse-bench emulator: cannot listen on ${host}:${port} (${code}); choose another --port or --host`,
    );
    return 2;
  }
  stdout(`converse-bench emulator listening on ${emulator.url}`);
  await (io?.stopped ?? untilSignal());
  await emulator.close();
  return 0;
}
