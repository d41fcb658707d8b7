#!/usr/bin/env node
/**
 * `converse-bench <command>`: the one entry point that touches process.argv and process.exit.
 * A user mistake (any error marked `userError`) prints one line and exits 2; anything else is a bug
 * and keeps its stack.
 */
import { readFileSync } from 'node:fs';
import { nodeVersionProblem } from '../config/node-version.ts';
import { packageFile } from '../config/package-files.ts';
import { isUserError } from '../errors.ts';

type Command = (args: string[]) => Promise<number>;

/** Commands that start Vitest 5, which needs Node 22.12 or newer; the others run on Node 20 too. */
const NEEDS_VITEST = new Set(['bench', 'gate']);

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  bench: {
    summary: 'run `vitest bench` with converse-bench settings given as flags',
    load: async () => (await import('./bench.ts')).benchCommand,
  },
  gate: {
    summary: 'the pull-request gate: bench, then compare with the baseline run and draw both',
    load: async () => (await import('./gate.ts')).gateCommand,
  },
  emulator: {
    summary: 'serve the Bedrock-compatible emulator until stopped',
    load: async () => (await import('./emulator.ts')).emulatorCommand,
  },
  plan: {
    summary: 'print the plan of a run (models, calls, estimated tokens) without calling anything',
    load: async () => (await import('./plan.ts')).planCommand,
  },
  init: {
    summary: 'generate one bench/<model>.bench.ts per model of the tracking file (safe to re-run)',
    load: async () => (await import('./init.ts')).initCommand,
  },
  compare: {
    summary: 'compare a run record with a baseline (one run or a history), with confidence bounds',
    load: async () => (await import('./compare.ts')).compareCommand,
  },
  report: {
    summary: 'write the HTML report of one or more run records',
    load: async () => (await import('./report.ts')).reportCommand,
  },
  rebuild: {
    summary: 'rebuild CSVs, log, run record and report from a journal (after a crash or a kill)',
    load: async () => (await import('./rebuild.ts')).rebuildCommand,
  },
  calibrate: {
    summary: "fit the emulator's latency profiles (TTFT, output speed, errors) to a real-time run record",
    load: async () => (await import('./calibrate.ts')).calibrateCommand,
  },
  synth: {
    summary: 'write a seeded synthetic dataset of chosen document lengths',
    load: async () => (await import('./synth.ts')).synthCommand,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: converse-bench <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    "converse-bench <command> --help shows a command's options; converse-bench --version its version.",
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    const { version } = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(
      `converse-bench: unknown command "${name}"; run \`converse-bench --help\` for the list\n`,
    );
    return 2;
  }
  const tooOld = NEEDS_VITEST.has(name) ? nodeVersionProblem(process.version) : undefined;
  if (tooOld !== undefined) {
    process.stderr.write(`converse-bench: ${tooOld}\n`);
    return 2;
  }
  return (await command.load())(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (isUserError(error)) {
    process.stderr.write(`converse-bench: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
