import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS } from '../config/defaults.ts';
import { nodeVersionProblem } from '../config/node-version.ts';
import { packageFile } from '../config/package-files.ts';
import { loadTracking, type TrackedModel } from '../data/tracking.ts';
import {
  MARKER_TEXT,
  scaffoldData,
  scaffoldGitignore,
  scaffoldPackageJson,
  scaffoldVitestConfig,
  scaffoldWorkflow,
  VITEST_CONFIG_FILE,
  WORKFLOW_FILE,
  writeGenerated,
} from './scaffold.ts';

const USAGE = `usage: converse-bench init [--tracking FILE] [--dataset FILE] [--budgets FILE] [--out DIR]

Sets up converse-bench in this project: data/ (the tracking file, dataset and budgets: yours, copied
in, or the examples), one bench file per model of the tracking file (DIR/<model>.bench.ts, a few
lines calling benchModel), ${VITEST_CONFIG_FILE}, npm scripts (bench, bench:gate), a .gitignore for
outputs/ and a GitHub Actions workflow gating pull requests (${WORKFLOW_FILE}).
Safe to re-run: files carrying the generated marker are rewritten (bench files removed when their
model left the tracking file); any other file is left alone, and init says what to add to it. With your own tracking file and no
budgets file, init writes a starter one (every model, error rate 0; add latency limits from a first run).

  --tracking FILE     your tracking CSV, copied to ${DEFAULT_OPTIONS.trackingFile} (default: the example)
  --dataset FILE      your documents CSV, copied to ${DEFAULT_OPTIONS.datasetFile} (default: the example)
  --budgets FILE      your budgets JSON, copied to ${DEFAULT_OPTIONS.budgetsFile} (default: the example)
  --out DIR           folder of bench files (default bench)
  --import SPECIFIER  where benchModel comes from (default converse-bench)
  --help              show this help

Example: converse-bench init --tracking my-models.csv --dataset my-documents.csv`;

/** First line of every generated file; remove it to keep a file as you edit it. */
export const GENERATED_MARKER = `// ${MARKER_TEXT}`;

export interface InitIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const PROCESS_IO: InitIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

interface InitFlags {
  tracking?: string;
  dataset?: string;
  budgets?: string;
  out: string;
  import?: string;
  help: boolean;
}

/** `converse-bench init`: returns the exit code (2 for a bad flag, with one line on stderr). */
export async function initCommand(
  args: string[],
  io: InitIo = PROCESS_IO,
  cwd = process.cwd(),
): Promise<number> {
  let flags: InitFlags;
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        tracking: { type: 'string' },
        dataset: { type: 'string' },
        budgets: { type: 'string' },
        out: { type: 'string', default: 'bench' },
        import: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    flags = values as InitFlags;
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    io.stderr(`converse-bench init: ${why}; run \`converse-bench init --help\` for the flags\n`);
    return 2;
  }
  if (flags.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const say = (line: string): void => io.stdout(`${line}\n`);
  // Your own tracking file is checked where it is, so a mistake names your file and nothing is written.
  if (flags.tracking !== undefined) loadTracking(resolve(cwd, flags.tracking));
  // Budgets are the user's, or chosen below once the tracking file is in place.
  scaffoldData(cwd, flags, say, flags.budgets === undefined ? ['budgets'] : []);
  const tracking = DEFAULT_OPTIONS.trackingFile;
  const outDir = resolve(cwd, flags.out);
  const importPath = flags.import ?? 'converse-bench';
  const models = loadTracking(resolve(cwd, tracking));
  if (flags.budgets === undefined) scaffoldBudgets(cwd, models, say);
  const wanted = new Map<string, string>();
  const names = benchFileNames(models.filter((m) => !m.skipReason).map((m) => m.modelId));
  for (const model of models) {
    if (model.skipReason) {
      io.stdout(`skipped ${model.modelId}: ${model.skipReason}\n`);
      continue;
    }
    wanted.set(names.get(model.modelId) as string, renderBenchFile(model.modelId, importPath, tracking));
  }
  mkdirSync(outDir, { recursive: true });
  const shown = (file: string): string => relative(cwd, join(outDir, file));
  for (const [file, text] of wanted) writeGenerated(join(outDir, file), text, shown(file), say);
  for (const file of readdirSync(outDir)) {
    if (!file.endsWith('.bench.ts') || wanted.has(file)) continue;
    const text = readFileSync(join(outDir, file), 'utf8');
    if (text.startsWith(GENERATED_MARKER)) {
      rmSync(join(outDir, file));
      io.stdout(`removed ${shown(file)}: its model is no longer in ${tracking}\n`);
    } else {
      io.stdout(`kept ${shown(file)}: not generated, not in ${tracking}\n`);
    }
  }
  scaffoldVitestConfig(cwd, say);
  scaffoldPackageJson(cwd, say);
  scaffoldGitignore(cwd, say);
  scaffoldWorkflow(cwd, say);
  const tooOld = nodeVersionProblem(process.version);
  say(tooOld === undefined ? 'next: npm run bench' : `next: npm run bench; but note: ${tooOld}`);
  return 0;
}

/**
 * Without a budgets file of the user's: the example's when the tracking file is the example (they name
 * the same models), else a starter one for the tracking file's models. An existing file is kept.
 */
function scaffoldBudgets(cwd: string, models: readonly TrackedModel[], say: (line: string) => void): void {
  const to = DEFAULT_OPTIONS.budgetsFile;
  const path = resolve(cwd, to);
  const example = readFileSync(packageFile(DEFAULT_OPTIONS.trackingFile), 'utf8');
  const own = readFileSync(resolve(cwd, DEFAULT_OPTIONS.trackingFile), 'utf8');
  const [text, origin] =
    own === example
      ? [readFileSync(packageFile(to), 'utf8'), '(the example)']
      : [
          starterBudgets(models.filter((m) => !m.skipReason).map((m) => m.modelId)),
          ': an error budget per model of your tracking file; add latency limits',
        ];
  if (existsSync(path)) {
    say(readFileSync(path, 'utf8') === text ? `unchanged ${to}` : `kept ${to}: it exists`);
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  say(`wrote ${to}${origin.startsWith(':') ? origin : ` ${origin}`}`);
}

/**
 * A budgets file for every model: error rate 0 only, since no latency has been measured yet. A gate
 * never passes by default: the user adds `p90LatencyMs` (or a `confident` budget) from a first run.
 */
export function starterBudgets(modelIds: readonly string[]): string {
  const emulator = Object.fromEntries(modelIds.map((id) => [id, { maxErrorRate: 0 }]));
  const comment =
    'Written by converse-bench init: latency budgets by target, then model id. Add p90LatencyMs (ms) per model from a first run; mode "confident" fails only when P90 is confidently over (README, Budgets).';
  return `${JSON.stringify({ $comment: comment, emulator }, null, 2)}\n`;
}

/** The whole generated file: the marker, the import and one benchModel call. */
export function renderBenchFile(modelId: string, importPath: string, trackingFile: string): string {
  // Every external text is serialized, never pasted: ids and paths are data, whatever they hold.
  const model = stringLiteral(modelId);
  const shownTracking = /^[\x20-\x7e]*$/.test(trackingFile) ? trackingFile : stringLiteral(trackingFile);
  return [
    `${GENERATED_MARKER} from ${shownTracking}; re-running it rewrites this file.`,
    `// Options: benchModel({ model: ${model}, numParallelCalls: 4 }); budgets: data/budgets.json.`,
    `import { benchModel } from ${stringLiteral(importPath)};`,
    '',
    `benchModel(${model});`,
    '',
  ].join('\n');
}

/**
 * A single-quoted string literal of any text (single quotes, as Biome formats them, so a formatted
 * generated file still reads as unchanged): JSON.stringify escapes backslashes, control characters and
 * lone surrogates; then `\"` becomes `"`, and `'` and every character outside printable ASCII
 * (line separators included) become `\uXXXX`, so the literal is one line of ASCII.
 */
function stringLiteral(text: string): string {
  const body = JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\.|'|[^\x20-\x7e]/g, (c) => {
      if (c === '\\"') return '"';
      if (c.length === 2) return c;
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    });
  return `'${body}'`;
}

/**
 * `amazon.nova-micro-v1:0` -> `amazon.nova-micro-v1-0.bench.ts`: lower case, anything outside
 * [a-z0-9.-] becomes `-`, ARNs keep their last part; ids that would share a name get a short hash.
 */
export function benchFileNames(modelIds: readonly string[]): Map<string, string> {
  const base = (id: string): string => {
    const tail = id.startsWith('arn:') ? (id.split('/').pop() ?? id) : id;
    const name = tail
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[.-]+|[.-]+$/g, '')
      .slice(0, 100);
    return name === '' ? 'model' : name;
  };
  const counts = new Map<string, number>();
  for (const id of modelIds) counts.set(base(id), (counts.get(base(id)) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const id of modelIds) {
    const b = base(id);
    const unique =
      counts.get(b) === 1 ? b : `${b}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
    names.set(id, `${unique}.bench.ts`);
  }
  return names;
}
