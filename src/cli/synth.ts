import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDatasetCsv } from '../data/dataset-csv.ts';
import { SyntheticOptionsError } from '../data/errors.ts';
import { generateDataset, MAX_SYNTHETIC_WORDS, MIN_SYNTHETIC_WORDS } from '../data/synthetic.ts';

const USAGE = `usage: converse-bench synth [--seed N] [--count N] [--words N | --words MIN-MAX] [--out FILE]

Writes a synthetic dataset CSV (document,referenceResponse) of English-looking documents with reference
summaries. The same flags always give the same bytes.

  --seed N          integer from 0 to 4294967295 (default 1)
  --count N         documents to write (default 10)
  --words N         words per document, exactly (${MIN_SYNTHETIC_WORDS} to ${MAX_SYNTHETIC_WORDS})
  --words MIN-MAX   words per document, drawn per document (default 150-1500)
  --out FILE        write the CSV to FILE (folders are created) instead of stdout
  --help            show this help

Examples:
  converse-bench synth --count 50 --words 200-2000 --seed 7 --out data/synthetic.csv
  converse-bench synth --count 5 --words 8000 > long.csv`;

/** Where the command writes; the process streams unless a test passes its own. */
export interface SynthIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const PROCESS_IO: SynthIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

class SynthUsageError extends Error {}

/** `converse-bench synth`: returns the exit code (2 for a bad flag, with one line on stderr). */
export async function synthCommand(args: string[], io: SynthIo = PROCESS_IO): Promise<number> {
  let flags: { seed: number; count: number; words: number | [number, number]; out?: string; help: boolean };
  try {
    flags = parseFlags(args);
  } catch (error) {
    if (!(error instanceof SynthUsageError)) throw error;
    io.stderr(`converse-bench synth: ${error.message}\n`);
    return 2;
  }
  if (flags.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let csv: string;
  try {
    csv = writeDatasetCsv(generateDataset(flags));
  } catch (error) {
    if (!(error instanceof SyntheticOptionsError)) throw error;
    io.stderr(`converse-bench synth: --${error.message}\n`);
    return 2;
  }
  if (flags.out === undefined) {
    io.stdout(csv);
  } else {
    mkdirSync(dirname(flags.out), { recursive: true });
    writeFileSync(flags.out, csv);
    io.stderr(`converse-bench synth: wrote ${flags.count} documents to ${flags.out}\n`);
  }
  return 0;
}

function parseFlags(args: string[]) {
  let values: { seed?: string; count?: string; words?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        seed: { type: 'string' },
        count: { type: 'string' },
        words: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs' own messages are multi-line and name no fix: keep the flag, say what to do.
    const message = (error as Error).message;
    const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
    const code = (error as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new SynthUsageError(`unknown flag ${flag ?? ''}; run converse-bench synth --help for the flags`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new SynthUsageError(
        `unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}; every value goes after its flag, e.g. --count 10`,
      );
    }
    throw new SynthUsageError(
      `${flag ?? 'a flag'} needs a value, e.g. ${flag ?? '--count'} 10; run converse-bench synth --help`,
    );
  }
  if (values.out === '')
    throw new SynthUsageError('--out is empty; give a file path, e.g. --out data/synthetic.csv');
  return {
    seed: integerFlag('seed', values.seed ?? '1'),
    count: integerFlag('count', values.count ?? '10'),
    words: wordsFlag(values.words ?? '150-1500'),
    ...(values.out === undefined ? {} : { out: values.out }),
    help: values.help === true,
  };
}

function integerFlag(name: string, value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new SynthUsageError(
      `--${name} ${JSON.stringify(value)} is not a whole number; write e.g. --${name} 10`,
    );
  }
  return Number(value);
}

function wordsFlag(value: string): number | [number, number] {
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (range !== null) return [Number(range[1]), Number(range[2])];
  if (/^\d+$/.test(value)) return Number(value);
  throw new SynthUsageError(
    `--words ${JSON.stringify(value)} is not a number or range; write e.g. --words 500 or --words 200-2000`,
  );
}
