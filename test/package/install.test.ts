import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { childEnv, type Outcome, ROOT, run, runOk } from '../helpers/subprocess.ts';

/**
 * converse-bench as a new user meets it: `npm pack` (which builds dist/ through `prepare`), the
 * tarball installed into an empty project outside this repository, on the machine's own Node 20 (no
 * Node 22 on PATH), `init`, `vitest bench`, every command from node_modules, and the generated
 * workflow's `run:` steps executed as GitHub Actions would on a push and then on a pull request.
 * Needs the npm registry (the tarball's dependencies); run by `npm run test:package` in .ci/run.
 */

const OWN = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const VERSION = OWN.version as string;
const NODE_PIN = OWN.devDependencies.node as string;
const VITE_PIN = OWN.devDependencies.vite as string;
const MODELS = 7;
const CALLS_PER_MODEL = 11;

/** PATH without any node_modules/.bin (this repository's pinned Node 22 among them). */
const MACHINE_PATH = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !dir.includes('node_modules'))
  .join(delimiter);

/** A child's environment: the machine's PATH, no npm-script, Node or converse-bench settings of ours. */
const env = (extra: Record<string, string> = {}): Record<string, string> =>
  childEnv({ PATH: MACHINE_PATH, ...extra }, ['npm_', 'NODE_', 'INIT_CWD', 'GITHUB_', 'CI_GATE_']);

let app: string;
let packDir: string;
let tarball: string;

function sh(command: string, extra: Record<string, string> = {}, timeout = 300_000): Promise<Outcome> {
  return run('bash', ['-e', '-c', command], { cwd: app, env: env(extra), timeout });
}

async function shOk(command: string, extra: Record<string, string> = {}): Promise<Outcome> {
  const outcome = await sh(command, extra);
  expect(outcome.code, `${command}:\n${outcome.stdout}${outcome.stderr}`).toBe(0);
  return outcome;
}

const outputs = (dir = 'outputs'): string[] => readdirSync(join(app, dir)).sort();

beforeAll(async () => {
  packDir = mkdtempSync(join(tmpdir(), 'converse-bench-pack-'));
  const packed = await runOk('npm', ['pack', '--pack-destination', packDir], {
    cwd: ROOT,
    env: childEnv({}, ['npm_']),
  });
  tarball = join(packDir, packed.stdout.trim().split('\n').at(-1) as string);
  app = mkdtempSync(join(tmpdir(), 'converse-bench-app-'));
}, 300_000);

// The project's node_modules is some 100 MB.
afterAll(() => {
  for (const dir of [app, packDir]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the packed tarball in a new project', () => {
  test('ships built JavaScript and declarations, no TypeScript source', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toContain('package/dist/cli/main.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/data/emulator-profiles.json');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('installs as a copy, not a link, on the machine Node', { timeout: 300_000 }, async () => {
    expect((await shOk('node --version')).stdout).toMatch(/^v20\./);
    // vite pinned to this repository's version: vite 8.4 has an optional dependency
    // (napi-windows-process-start-time) that the registry reachable here does not serve; npm install
    // skips it, and the workflow's `npm ci` then refuses the lock file as out of sync.
    await shOk(`npm init -y && npm install -D ${tarball} vite@${VITE_PIN}`);
    expect(lstatSync(join(app, 'node_modules/converse-bench')).isSymbolicLink()).toBe(false);
    const ls = JSON.parse((await shOk('npm ls --json --long')).stdout);
    expect(ls.dependencies['converse-bench'].resolved).toMatch(new RegExp(`^file:.*/${basename(tarball)}$`));
    expect((await shOk('npm ls --all')).stdout).not.toContain('->');
    expect((await shOk('npx converse-bench --version')).stdout).toBe(`${VERSION}\n`);
  });

  test('init scaffolds the project', async () => {
    const init = await shOk('npx converse-bench init');
    expect(init.stdout).toContain('wrote vitest.config.mts');
    expect(init.stdout).toMatch(/next: npm run bench; but note: Node\.js v20\.\S+ cannot run Vitest 5/);
    expect(readdirSync(join(app, 'bench'))).toHaveLength(MODELS);
    expect(readdirSync(join(app, 'data')).sort()).toEqual([
      'budgets.json',
      'document_sample_10.csv',
      'evaluation_tracking.csv',
    ]);
  });

  test('on Node 20, vitest bench and converse-bench bench refuse in one line; plan runs', async () => {
    const vitest = await sh('npx vitest bench --run');
    expect(vitest.code).toBe(1);
    expect(vitest.stderr).toMatch(
      /^converse-bench: Node\.js v20\.\S+ cannot run Vitest 5: it needs Node\.js 22\.12 or newer .*npm i -D node@22.*\n$/,
    );
    const cli = await sh('npx converse-bench bench');
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe(vitest.stderr);
    expect(existsSync(join(app, 'outputs'))).toBe(false);
    // Commands that do not start Vitest run on Node 20.
    const plan = await shOk('npx converse-bench plan');
    expect(plan.stdout).toContain(`total: ${MODELS * CALLS_PER_MODEL} calls for ${MODELS} model(s)`);
  });

  test('with Node 22 pinned as a devDependency, `npx vitest bench --run` benchmarks every model', {
    timeout: 300_000,
  }, async () => {
    await shOk(`npm install -D node@${NODE_PIN}`);
    const bench = await shOk('npx vitest bench --run', { CONVERSE_BENCH_TIME_SCALE: '0.01' });
    expect(bench.stdout).toContain('converse-bench wrote:');
    const files = outputs();
    expect(files.filter((f) => f.startsWith('document_summarization_'))).toHaveLength(MODELS);
    const runs = files.filter((f) => /^run-.*\.json$/.test(f));
    expect(runs).toHaveLength(1);
    for (const prefix of ['model_latency_benchmarking-', 'summary-', 'report-', 'journal-']) {
      expect(files.some((f) => f.startsWith(prefix))).toBe(true);
    }
    const record = JSON.parse(readFileSync(join(app, 'outputs', runs[0] as string), 'utf8'));
    expect(record.context.versions.node).toBe(`v${NODE_PIN}`);
    expect(record.context.versions.converseBench).toBe(VERSION);
    expect(record.models).toHaveLength(MODELS);
    for (const model of record.models) expect(model.calls).toHaveLength(CALLS_PER_MODEL);
  });

  test('compare, report, plan and rebuild run from node_modules', { timeout: 120_000 }, async () => {
    const run = `outputs/${outputs().find((f) => f.startsWith('run-'))}`;
    const compare = await shOk(`npx converse-bench compare ${run} ${run}`);
    expect(compare.stdout).toMatch(/^baseline: /);
    expect(compare.stdout.match(/\|converse\|\w+ +P90 .* x1\.000 /g)).toHaveLength(MODELS);
    const report = await shOk(`npx converse-bench report ${run} --out side.html --title Mine`);
    expect(report.stdout).toBe(`${join(app, 'side.html')}\n`);
    expect(readFileSync(join(app, 'side.html'), 'utf8')).toContain('<title>Mine</title>');
    const plan = await shOk('npx converse-bench plan');
    expect(plan.stdout).toContain(`total: ${MODELS * CALLS_PER_MODEL} calls for ${MODELS} model(s)`);
    const journal = `outputs/${outputs().find((f) => f.startsWith('journal-'))}`;
    const rebuilt = await shOk(`npx converse-bench rebuild ${journal} --output-dir rebuilt`);
    expect(rebuilt.stdout).toContain('rebuilt/run-');
  });

  test("the generated workflow's run: steps, on a push to main and then on a pull request", {
    timeout: 600_000,
  }, async () => {
    const workflow = parse(readFileSync(join(app, '.github/workflows/latency.yml'), 'utf8'));
    const steps = workflow.jobs.gate.steps as { if?: string; run?: string; env?: Record<string, string> }[];
    const forEvent = (event: 'push' | 'pull_request') =>
      steps.filter((s) => s.run !== undefined && (s.if === undefined || s.if.includes(`'${event}'`)));
    const base = { ...workflow.env, CONVERSE_BENCH_TIME_SCALE: '0.01' };

    // Push: npm ci, then the gate with no baseline yet (budgets only).
    const push = forEvent('push');
    expect(push.map((s) => s.run)).toEqual(['npm ci', 'npx converse-bench gate']);
    const before = outputs().filter((f) => f.startsWith('run-'));
    for (const step of push) await shOk(step.run as string, { ...base, ...step.env });
    const mainRun = outputs()
      .filter((f) => f.startsWith('run-'))
      .find((f) => !before.includes(f));
    expect(mainRun).toBeDefined();

    // Pull request: the baseline step downloads main's run record with `gh`, which needs GitHub; put
    // main's run record where it would land, then run the gate step as written.
    const pr = forEvent('pull_request');
    expect(pr.map((s) => s.run?.split(/\s/)[0])).toEqual(['npm', 'id=$(gh', 'npx', 'gh']);
    mkdirSync(join(app, 'baseline'));
    cpSync(join(app, 'outputs', mainRun as string), join(app, 'baseline', mainRun as string));
    const gateStep = pr.find((s) => s.run === 'npx converse-bench gate') as (typeof pr)[number];
    const gate = await sh(gateStep.run as string, { ...base, ...gateStep.env });
    const comparison = readFileSync(join(app, 'outputs/comparison.md'), 'utf8');
    expect(comparison).toMatch(/^### Latency comparison: /);
    // An A/A comparison may still flag a slowdown on a busy machine: the exit status must say so.
    expect(gate.code, gate.stderr).toBe(comparison.includes('| regressed') ? 1 : 0);
    expect(gate.stderr).toMatch(/converse-bench gate: benchmark exit [01], comparison exit [01]\n$/);
    expect(readFileSync(join(app, 'outputs/comparison.html'), 'utf8')).toContain('Comparison of 2 runs');
  });
});
