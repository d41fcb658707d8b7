import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readRunRecord } from '../data/read-run-record.ts';
import { isUserError, UserError } from '../errors.ts';
import type { RunRecord } from '../records/run-record.ts';
import { fileTimestamp } from '../report/file-names.ts';
import { loadEchartsSource } from '../report/html/assets.ts';
import { renderHtmlReport } from '../report/html/report.ts';

const USAGE = `usage: converse-bench report [--out FILE] [--title TEXT] RUN_RECORD_OR_FOLDER...

Writes one self-contained HTML report (charts work offline) from one run record, or from several
drawn side by side. A folder stands for every run-*.json in it, oldest name first.

  --out FILE     where to write (default: outputs/report-<time>.html)
  --title TEXT   the page's title (default: converse-bench report)

Example: converse-bench report --out outputs/main-vs-pr.html --title 'main vs PR 123' base.json candidate.json`;

export class ReportUsageError extends UserError {
  override name = 'ReportUsageError';
}

interface ReportArgs {
  inputs: string[];
  out?: string;
  title?: string;
  help: boolean;
}

function optionValue(args: readonly string[], i: number, name: string, example: string): string {
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) {
    throw new ReportUsageError(`report: ${name} needs a value, e.g. ${name} ${example}`);
  }
  return value;
}

function parseArgs(args: readonly string[]): ReportArgs {
  const parsed: ReportArgs = { inputs: [], help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--help' || arg === '-h') return { ...parsed, help: true };
    if (arg === '--out') parsed.out = optionValue(args, i++, '--out', 'outputs/report.html');
    else if (arg.startsWith('--out=')) parsed.out = arg.slice('--out='.length);
    else if (arg === '--title')
      parsed.title = optionValue(args, i++, '--title', '"P90 after the HTTP/2 switch"');
    else if (arg.startsWith('--title=')) parsed.title = arg.slice('--title='.length);
    else if (arg.startsWith('-'))
      throw new ReportUsageError(`report: unknown option ${arg}; see converse-bench report --help`);
    else parsed.inputs.push(arg);
  }
  if (!parsed.help && parsed.inputs.length === 0) {
    throw new ReportUsageError(
      'report: no run record given; pass outputs/run-<timestamp>.json or a folder of them',
    );
  }
  return parsed;
}

/** Run-record files named by the arguments: files as given, folders expanded to their run-*.json. */
export function runRecordPaths(inputs: readonly string[]): string[] {
  return inputs.flatMap((input) => {
    let isFolder: boolean;
    try {
      isFolder = statSync(input).isDirectory();
    } catch (cause) {
      throw new ReportUsageError(
        `report: ${input} does not exist; pass a run record file or a folder of them`,
        {
          cause,
        },
      );
    }
    if (!isFolder) return [input];
    const files = readdirSync(input)
      .filter((name) => name.startsWith('run-') && name.endsWith('.json'))
      .sort()
      .map((name) => join(input, name));
    if (files.length === 0) {
      throw new ReportUsageError(
        `report: folder ${input} holds no run-*.json; pass run record files by name`,
      );
    }
    return files;
  });
}

/** The HTML report of the run records named by `inputs`, written to `out`; returns its absolute path. */
export function writeHtmlReport(inputs: readonly string[], out: string, title?: string): string {
  const runs: RunRecord[] = runRecordPaths(inputs).map((path) => readRunRecord(path));
  const html = renderHtmlReport(runs, {
    echartsSource: loadEchartsSource(),
    ...(title === undefined ? {} : { title }),
  });
  const path = resolve(out);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, html);
  } catch (cause) {
    throw new ReportUsageError(
      `report: cannot write ${path}: ${(cause as Error).message}; choose another --out`,
      {
        cause,
      },
    );
  }
  return path;
}

/** `converse-bench report run.json... [--out FILE]`: writes the HTML report and prints its path. */
export async function reportCommand(args: string[]): Promise<number> {
  try {
    const parsed = parseArgs(args);
    if (parsed.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const out = writeHtmlReport(
      parsed.inputs,
      parsed.out ?? join('outputs', `report-${fileTimestamp(new Date().toISOString())}.html`),
      parsed.title,
    );
    process.stdout.write(`${out}\n`);
    return 0;
  } catch (error) {
    if (!isUserError(error)) throw error;
    process.stderr.write(`converse-bench: ${error.message}\n`);
    return 2;
  }
}
