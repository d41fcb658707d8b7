import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { ownHeapGrowingPercent, withTightHeap } from '../lifecycle/heap-growth.ts';
import { rebuildFromJournal } from '../report/rebuild-from-journal.ts';
import { writeReport } from '../report/write-report.ts';

const USAGE = `usage: converse-bench rebuild [--output-dir DIR] JOURNAL...

Rebuilds the CSVs, log and run record of a run from its journal(s) (outputs/journal-<runId>.jsonl;
several for a sharded run), e.g. after the run was killed. Calls missing from the plan mark the run
interrupted. A cut-short last line (a killed writer) is left out. Nothing is written over: a name
already taken (the run's own outputs, an earlier rebuild) gets the next free -N suffix.

  --output-dir DIR   where to write (default: the folder of the first journal)

Example: converse-bench rebuild --output-dir outputs/rebuilt outputs/journal-20261201-101530-ab12.jsonl`;

export class RebuildUsageError extends UserError {
  override name = 'RebuildUsageError';
}

function parseArgs(args: readonly string[]): { journals: string[]; outputDir?: string; help: boolean } {
  const journals: string[] = [];
  let outputDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--help' || arg === '-h') return { journals, help: true };
    if (arg === '--output-dir') {
      outputDir = args[++i];
      if (outputDir === undefined)
        throw new RebuildUsageError('rebuild: --output-dir needs a folder, e.g. --output-dir outputs');
    } else if (arg.startsWith('--output-dir=')) outputDir = arg.slice('--output-dir='.length);
    else if (arg.startsWith('-'))
      throw new RebuildUsageError(`rebuild: unknown option ${arg}; see converse-bench rebuild --help`);
    else journals.push(arg);
  }
  if (journals.length === 0) {
    throw new RebuildUsageError('rebuild: no journal given; pass outputs/journal-<runId>.jsonl');
  }
  const seen = new Set<string>();
  for (const journal of journals) {
    const path = resolve(journal);
    if (seen.has(path))
      throw new RebuildUsageError(`rebuild: ${path} is given twice; pass each journal once`);
    seen.add(path);
  }
  if (outputDir?.trim() === '') {
    throw new RebuildUsageError(
      'rebuild: --output-dir is empty; give a folder, or leave it out to write beside the journal',
    );
  }
  return { journals, ...(outputDir === undefined ? {} : { outputDir }), help: false };
}

/** `converse-bench rebuild outputs/journal-<runId>.jsonl`: every output of a run, from its journal. */
export async function rebuildCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const rootDir = process.cwd();
  // A long run's journal makes as many records, and as much garbage, as the reporter's end of a run.
  return withTightHeap(
    () => rebuild(parsed, rootDir),
    ownHeapGrowingPercent(process.execArgv, process.env.NODE_OPTIONS),
  );
}

function rebuild(parsed: { journals: string[]; outputDir?: string | undefined }, rootDir: string): number {
  const { inputs, tornJournals } = rebuildFromJournal(parsed.journals, {
    rootDir,
    now: new Date().toISOString(),
  });
  for (const path of tornJournals) {
    process.stderr.write(`converse-bench: ${path}: last line was cut short (writer killed) and left out\n`);
  }
  if (inputs.models.every(({ records }) => records.length === 0)) {
    throw new RebuildUsageError(
      `rebuild: ${parsed.journals.join(', ')} holds no calls; pass the journal of a run that made calls, or rerun the benchmark`,
    );
  }
  // Beside the journal, not in the folder the journal names: a journal is data, and may come from anywhere.
  const outputDir = parsed.outputDir ?? dirname(resolve(parsed.journals[0] as string));
  const result = writeReport(inputs, { rootDir, outputDir, color: process.stdout.isTTY === true });
  for (const warning of result.warnings) process.stderr.write(`converse-bench: ${warning}\n`);
  process.stdout.write(result.printed);
  return 0;
}
