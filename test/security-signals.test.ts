import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderBenchFile } from '../src/cli/init.ts';
import { BENCH_PROJECT_DATA_ENV, oneModelProject } from './helpers/project.ts';
import { CLI_MAIN, childEnv, ROOT } from './helpers/subprocess.ts';

/**
 * Control of a run (issue 16, items 6 and 7), with real processes: npm itself, `sh -c`, Vitest, the
 * CLI and the emulator. A project in a temporary folder (this repository's node_modules linked in)
 * has the scripts a user's has; its one model makes 100 calls of about 100 ms, 2 in flight.
 * - SIGTERM to npm alone (`kill <npm pid>`): npm exits at once without passing it on; whatever it
 *   started must notice its parent is gone, stop, and leave its outputs marked interrupted.
 * - A second Ctrl-C while the outputs of the first are being written must not lose them.
 */
const MODEL = 'amazon.nova-micro-v1:0';

function project(): string {
  const dir = oneModelProject('converse-bench-signals-', MODEL);
  writeFileSync(
    join(dir, 'bench/model.bench.ts'),
    renderBenchFile(MODEL, join(ROOT, 'src/vitest/bench-model.ts'), 'x'),
  );
  const cli = `node ${JSON.stringify(CLI_MAIN)}`;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'signals-fixture',
      private: true,
      type: 'module',
      scripts: { bench: 'vitest bench --run', 'converse-bench': cli, emulator: `${cli} emulator` },
    }),
  );
  return dir;
}

function env(outDir: string): Record<string, string> {
  return childEnv({
    ...BENCH_PROJECT_DATA_ENV,
    CONVERSE_BENCH_OUTPUT_DIR: outDir,
    CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '50',
    CONVERSE_BENCH_NUM_PARALLEL_CALLS: '2',
    CONVERSE_BENCH_DELAY_BETWEEN_CALLS: '0',
  });
}

/** npm as the user runs it; npm_execpath when this test itself runs under npm. */
const NPM = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** In a process group of its own, so that the test can clean up whatever it leaves behind. */
function start(command: string[], cwd: string, childEnvironment: Record<string, string>): Started {
  const [file = '', ...args] = command;
  const child = spawn(file, args, {
    cwd,
    env: childEnvironment,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => text, exited };
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-(child.pid as number), 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function journalCalls(outDir: string): number {
  const file = existsSync(outDir) ? readdirSync(outDir).find((f) => f.startsWith('journal-')) : undefined;
  if (file === undefined) return 0;
  return readFileSync(join(outDir, file), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"type":"call"')).length;
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The journal's calls once they stop changing for 1.5 s (at most 20 s). */
async function settledCalls(outDir: string): Promise<number> {
  let last = -1;
  for (let i = 0; i < 13; i++) {
    const now = journalCalls(outDir);
    if (now === last) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 1500));
  }
  return last;
}

/** The run record and how many calls each output holds. */
function outputs(outDir: string) {
  const files = readdirSync(outDir);
  const find = (prefix: string) => files.find((f) => f.startsWith(prefix));
  const run = find('run-');
  const record =
    run === undefined
      ? undefined
      : (JSON.parse(readFileSync(join(outDir, run), 'utf8')) as {
          context: { interrupted: boolean };
          models: { calls: unknown[] }[];
        });
  const rows = (prefix: string): number => {
    const csv = find(prefix);
    return csv === undefined ? 0 : readFileSync(join(outDir, csv), 'utf8').trim().split('\n').length - 1;
  };
  return {
    kinds: ['run-', 'report-', 'summary-', 'model_latency_benchmarking-', 'document_summarization_'].filter(
      (p) => find(p),
    ),
    interrupted: record?.context.interrupted,
    runCalls: record?.models.reduce((sum, m) => sum + m.calls.length, 0),
    // Measured and warmup rows: every call is a row in one of the two.
    csvRows:
      find('document_summarization_') === undefined
        ? undefined
        : rows('document_summarization_') + rows('warmup_document_summarization_'),
  };
}

const ALL_OUTPUTS = ['run-', 'report-', 'summary-', 'model_latency_benchmarking-', 'document_summarization_'];

describe('SIGTERM to npm alone stops what it started', () => {
  test.each([
    // Vitest itself is orphaned, and notices.
    { script: ['run', 'bench'], says: 'run interrupted because its parent process went away' },
    // The CLI is orphaned, notices, and passes SIGTERM on to Vitest.
    { script: ['run', 'converse-bench', '--', 'bench'], says: 'run interrupted by SIGTERM' },
  ])(
    'npm $script.1: the run stops, outputs marked interrupted',
    { timeout: 90_000 },
    async ({ script, says }) => {
      const dir = project();
      const outDir = join(dir, 'outputs');
      const npm = start([...NPM, ...script], dir, env(outDir));
      try {
        await until('3 calls in the journal', () => journalCalls(outDir) >= 3);
        process.kill(npm.child.pid as number, 'SIGTERM');
        await npm.exited;
        await until('the run record', () => outputs(outDir).kinds.length === ALL_OUTPUTS.length, 20_000);
        // Stopped: the journal stops growing (a call in flight may land while the run winds down);
        // a run that went on would make all 101 calls.
        const settled = await settledCalls(outDir);
        expect(settled, npm.output()).toBeLessThan(101);
        const counted = outputs(outDir);
        expect(counted, npm.output()).toMatchObject({ kinds: ALL_OUTPUTS, interrupted: true });
        expect(counted.runCalls).toBe(counted.csvRows);
        expect(settled - (counted.runCalls ?? 0)).toBeLessThanOrEqual(2);
        expect(npm.output()).toContain(`converse-bench: ${says}`);
      } finally {
        killGroup(npm.child);
      }
    },
  );

  test('npm run emulator: the emulator stops and frees its port', { timeout: 60_000 }, async () => {
    const dir = project();
    const npm = start([...NPM, 'run', 'emulator', '--', '--port', '0'], dir, childEnv());
    try {
      await until('the emulator URL', () => /listening on http:\/\/127\.0\.0\.1:\d+/.test(npm.output()));
      const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(npm.output())?.[1]);
      process.kill(npm.child.pid as number, 'SIGTERM');
      await npm.exited;
      let refused = false;
      await until(
        'the port to be freed',
        () => {
          const socket = connect(port, '127.0.0.1');
          socket.on('error', () => {
            refused = true;
          });
          socket.on('connect', () => socket.destroy());
          return refused;
        },
        20_000,
      );
      expect(refused).toBe(true);
    } finally {
      killGroup(npm.child);
    }
  });
});

describe('a second Ctrl-C while the outputs are written', () => {
  test.each([1, 5, 20, 60])(
    '%i ms after the first: every output is written, marked interrupted',
    {
      timeout: 60_000,
    },
    async (gapMs) => {
      const dir = project();
      const outDir = join(dir, 'outputs');
      const vitest = start(
        [process.execPath, join(ROOT, 'node_modules/vitest/vitest.mjs'), 'bench', '--run'],
        dir,
        env(outDir),
      );
      try {
        await until('20 calls in the journal', () => journalCalls(outDir) >= 20);
        process.kill(-(vitest.child.pid as number), 'SIGINT');
        await new Promise((r) => setTimeout(r, gapMs));
        try {
          process.kill(-(vitest.child.pid as number), 'SIGINT');
        } catch {
          // The run already ended: nothing for a second Ctrl-C to interrupt.
        }
        const code = await vitest.exited;
        expect(code, vitest.output()).toBe(130);
        const counted = outputs(outDir);
        expect(counted, vitest.output()).toMatchObject({ kinds: ALL_OUTPUTS, interrupted: true });
        expect(counted.runCalls).toBe(counted.csvRows);
      } finally {
        killGroup(vitest.child);
      }
    },
  );
});

describe('outputs that cannot be written', () => {
  /** A config whose reporter writes under `blocked/`, a file: every output fails, the journal does not. */
  function blockedProject(): string {
    const dir = project();
    writeFileSync(join(dir, 'blocked'), 'a file where the output folder should be\n');
    const src = (path: string): string => JSON.stringify(join(ROOT, 'src', path));
    writeFileSync(
      join(dir, 'vitest.blocked.config.ts'),
      [
        "import { defineConfig } from 'vitest/config';",
        'export default defineConfig({',
        '  test: {',
        '    include: [],',
        `    globalSetup: [${src('vitest/global-setup.ts')}],`,
        `    reporters: ['default', [${src('vitest/reporter.ts')}, { outputDir: 'blocked/outputs' }]],`,
        `    benchmark: { include: ['bench/**/*.bench.ts'], provider: ${src('vitest/provider.ts')} },`,
        '  },',
        '});',
        '',
      ].join('\n'),
    );
    return dir;
  }

  const VITEST_BLOCKED = [
    join(ROOT, 'node_modules/vitest/vitest.mjs'),
    'bench',
    '--run',
    '--config',
    'vitest.blocked.config.ts',
  ];

  test('at the end of a run: one line with the journal and the rebuild command, exit 1; the command works', {
    timeout: 60_000,
  }, async () => {
    const dir = blockedProject();
    const outDir = join(dir, 'outputs');
    const run = start([process.execPath, ...VITEST_BLOCKED], dir, {
      ...env(outDir),
      CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '1',
    });
    expect(await run.exited, run.output()).toBe(1);
    const journal = join(outDir, readdirSync(outDir).find((f) => f.startsWith('journal-')) as string);
    expect(run.output()).toMatch(
      new RegExp(
        `converse-bench: the outputs could not be written \\(cannot write to output folder [^\\n]*\\(ENOTDIR\\); [^\\n]*\\); every completed call is in ${journal}: rebuild them with \`converse-bench rebuild ${journal}\`\n`,
      ),
    );
    // What was measured is still shown: the summary table, printed before the line.
    expect(run.output()).toMatch(/^model\s+api\s+mode\s+tier\s+ok\s+failed/m);
    const rebuilt = start([process.execPath, CLI_MAIN, 'rebuild', journal], dir, env(outDir));
    expect(await rebuilt.exited, rebuilt.output()).toBe(0);
    expect(outputs(outDir)).toMatchObject({ kinds: ALL_OUTPUTS, runCalls: 3, csvRows: 3 });
  });

  test('after Ctrl-C: the same line, naming the journal', { timeout: 60_000 }, async () => {
    const dir = blockedProject();
    const outDir = join(dir, 'outputs');
    const run = start([process.execPath, ...VITEST_BLOCKED], dir, env(outDir));
    try {
      await until('3 calls in the journal', () => journalCalls(outDir) >= 3);
      process.kill(-(run.child.pid as number), 'SIGINT');
      expect(await run.exited).toBe(130);
      const journal = join(outDir, readdirSync(outDir).find((f) => f.startsWith('journal-')) as string);
      expect(run.output()).toMatch(
        /converse-bench: run interrupted by SIGINT; the outputs could not be written \(cannot write to output folder [^\n]*\(ENOTDIR\)/,
      );
      expect(run.output()).toContain(`rebuild them with \`converse-bench rebuild ${journal}\``);
    } finally {
      killGroup(run.child);
    }
  });
});
