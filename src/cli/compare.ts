import { parseArgs } from 'node:util';
import { COMPARE_DEFAULTS, compareRuns } from '../compare/compare-runs.ts';
import { loadRuns } from '../compare/load-runs.ts';
import { renderComparisonMarkdown, renderComparisonText } from '../compare/render.ts';
import { UserError } from '../errors.ts';

const HELP = `usage: converse-bench compare <baseline>... <candidate> [options]

Compares a candidate run record with a baseline: one run record, several, or folders of them (a
history from the main branch; run-to-run drift is then accounted for). The last path is the
candidate (a run record, or a folder whose newest run record is taken).

  --tolerance <f>        tolerated slowdown of P90 and TTFT P90 (default 0.1 = 10%)
  --error-tolerance <f>  tolerated rise in error rate, fraction of calls (default 0.02)
  --confidence <f>       one-sided confidence of each bound (default 0.95)
  --allow-mismatch       compare runs that differ in dataset, prompts, maxTokens, target,
                         region, time scale, transport, concurrency, load shape, api or
                         latency mode (a warning per difference is printed)
  --json                 print the comparison as JSON (schema: docs/compare-json.md)
  --markdown             print it as a markdown table (for a pull request)

P90 and TTFT P90 (type 7, as the summary), the error rate, and the candidate's confident budgets
are one family of tests with one verdict (docs/gate-statistics.md); P50 and mean are shown only.
Output ends with the verdict line: regressed, no regression or inconclusive, with counts.

Exit status: 0 when nothing regressed, 1 when a check regressed, 2 on bad input.
Examples:
  converse-bench compare outputs/main-history/ outputs/run-20261201_101530.json
  converse-bench compare --tolerance 0 --confidence 0.99 base.json candidate.json
  converse-bench compare --error-tolerance 0.05 --allow-mismatch --json base.json candidate.json
  converse-bench compare --markdown base.json candidate.json >> comment.md`;

function fraction(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UserError(`${flag} ${text}: must be a number from ${min} to ${max}, e.g. ${fallback}`);
  }
  return value;
}

export async function compareCommand(args: string[]): Promise<number> {
  const { text, code } = compareOutput(args);
  process.stdout.write(text);
  return code;
}

/** What `compare` prints (warnings go to stderr as they arise) and its exit code. */
export function compareOutput(args: string[]): { text: string; code: number } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (cause) {
    throw new UserError(`${(cause as Error).message}; run \`converse-bench compare --help\``, { cause });
  }
  const { values, positionals } = parsed;
  if (values.help) return { text: `${HELP}\n`, code: 0 };
  if (positionals.length < 2) {
    throw new UserError(
      'compare needs a baseline and a candidate: converse-bench compare <baseline> <candidate>',
    );
  }
  if (values.json && values.markdown) throw new UserError('--json and --markdown: choose one');
  const tolerance = fraction('--tolerance', values.tolerance, COMPARE_DEFAULTS.tolerance, 0, 10);
  const errorRateTolerance = fraction(
    '--error-tolerance',
    values['error-tolerance'],
    COMPARE_DEFAULTS.errorRateTolerance,
    0,
    1,
  );
  const confidence = fraction('--confidence', values.confidence, COMPARE_DEFAULTS.confidence, 0.5, 0.9999);
  const baselines = loadRuns(positionals.slice(0, -1));
  const candidate = loadRuns(positionals.slice(-1)).at(-1);
  if (candidate === undefined) throw new UserError(`${positionals.at(-1)}: no run record found`);
  const comparison = compareRuns(baselines, candidate, { tolerance, errorRateTolerance, confidence });
  if (comparison.incompatibilities.length > 0 && !values['allow-mismatch']) {
    throw new UserError(
      `runs are not comparable (${comparison.incompatibilities.join('; ')}); rerun with the same settings, or pass --allow-mismatch`,
    );
  }
  for (const problem of comparison.incompatibilities) process.stderr.write(`warning: ${problem}\n`);
  const output = values.json
    ? JSON.stringify(comparison, null, 2)
    : values.markdown
      ? renderComparisonMarkdown(comparison)
      : renderComparisonText(comparison);
  return {
    text: `${output}
`,
    code: comparison.verdict.word === 'regressed' ? 1 : 0,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      tolerance: { type: 'string' },
      'error-tolerance': { type: 'string' },
      confidence: { type: 'string' },
      'allow-mismatch': { type: 'boolean' },
      json: { type: 'boolean' },
      markdown: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
