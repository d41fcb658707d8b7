import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { nodeVersionProblem } from '../src/config/node-version.ts';
import { DEFAULT_EMULATOR_PROFILES, PACKAGE_ROOT } from '../src/config/package-files.ts';
import { converseBench } from '../src/vitest/plugin.ts';
import ConverseBenchReporter from '../src/vitest/reporter.ts';
import { staleBuildProblem } from '../src/vitest/stale-build.ts';
import { CLI_MAIN, childEnv, ROOT, run } from './helpers/subprocess.ts';

describe('the Node versions Vitest 5 runs on (its engines: ^22.12.0 || ^24.0.0 || >=26.0.0)', () => {
  test.each([
    ['v22.12.0', true],
    ['v22.23.3', true],
    ['v24.0.0', true],
    ['v26.1.0', true],
    ['v20.20.2', false],
    ['v22.11.0', false],
    ['v23.11.1', false],
    ['v25.0.0', false],
  ])('%s: runs %s', (version, runs) => {
    expect(nodeVersionProblem(version) === undefined).toBe(runs);
  });

  test('the refusal names this Node, the Node needed and the fix', () => {
    expect(nodeVersionProblem('v20.20.2')).toBe(
      'Node.js v20.20.2 cannot run Vitest 5: it needs Node.js 22.12 or newer (^22.12.0 || ^24.0.0 || >=26.0.0); ' +
        'install Node 22, or add it to the project with `npm i -D node@22` and run through `npm run` / `npx`',
    );
  });
});

describe('package files', () => {
  test("are found relative to the package: its root holds this package's package.json", () => {
    expect(PACKAGE_ROOT).toBe(`${ROOT}/`);
    expect(DEFAULT_EMULATOR_PROFILES).toBe(join(ROOT, 'data/emulator-profiles.json'));
  });
});

describe('a build older than its sources', () => {
  function checkout(): string {
    const root = mkdtempSync(join(tmpdir(), 'stale-build-'));
    mkdirSync(join(root, 'src/vitest'), { recursive: true });
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'src/index.ts'), '');
    writeFileSync(join(root, 'src/vitest/plugin.ts'), '');
    writeFileSync(join(root, 'dist/index.js'), '');
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    utimesSync(join(root, 'src/index.ts'), t(0), t(0));
    utimesSync(join(root, 'src/vitest/plugin.ts'), t(0), t(0));
    utimesSync(join(root, 'dist/index.js'), t(10), t(10));
    return root;
  }

  test('is named with the newer source file and the fix', () => {
    const root = checkout();
    expect(staleBuildProblem(root)).toBeUndefined();
    const later = new Date(Date.UTC(2026, 0, 1, 0, 0, 20));
    utimesSync(join(root, 'src/vitest/plugin.ts'), later, later);
    expect(staleBuildProblem(root)).toBe(
      'dist/ is older than src/vitest/plugin.ts: run `npm run build` (npm scripts do it for you)',
    );
  });

  test('an installed package (no src/) is never stale', () => {
    const root = mkdtempSync(join(tmpdir(), 'installed-'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist/index.js'), '');
    expect(staleBuildProblem(root)).toBeUndefined();
  });
});

describe('converseBench(): the one Vitest integration point', () => {
  type Hook = (
    user: object,
    env: object,
  ) => {
    test: {
      globalSetup: string[];
      reporters: unknown[];
      benchmark: { include: string[]; provider: string };
    };
  };
  const configOf = (plugin: ReturnType<typeof converseBench>, user: object) =>
    (plugin.config as unknown as Hook)(user, { command: 'serve', mode: 'test' });

  test('adds the provider, the global setup (files next to it), the reporter and the bench include', () => {
    const { test: config } = configOf(converseBench(), {});
    expect(config.benchmark).toEqual({
      include: ['bench/**/*.bench.ts'],
      provider: join(ROOT, 'src/vitest/provider.ts'),
    });
    expect(config.globalSetup).toEqual([join(ROOT, 'src/vitest/global-setup.ts')]);
    expect(existsSync(config.benchmark.provider) && existsSync(config.globalSetup[0] as string)).toBe(true);
    expect(config.reporters[0]).toBe('default');
    expect(config.reporters[1]).toBeInstanceOf(ConverseBenchReporter);
  });

  test("keeps the project's reporters (no extra default) and takes its own bench include", () => {
    const { test: config } = configOf(converseBench({ include: ['perf/*.bench.ts'] }), {
      test: { reporters: ['verbose'] },
    });
    expect(config.reporters).toHaveLength(1);
    expect(config.reporters[0]).toBeInstanceOf(ConverseBenchReporter);
    expect(config.benchmark.include).toEqual(['perf/*.bench.ts']);
  });
});

describe('converse-bench --version and gate arguments', () => {
  const cli = (args: string[]) => run(process.execPath, [CLI_MAIN, ...args], { cwd: ROOT, env: childEnv() });

  test('--version prints the package version alone', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  test('gate: a bad --shard or --merge is one line, exit 2, before anything runs', async () => {
    expect(await cli(['gate', '--shard', 'two'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'converse-bench gate: --shard needs I/N, e.g. --shard 1/3\n',
    });
    expect(await cli(['gate', '--merge', 'no-such-folder'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'converse-bench gate: --merge needs the folder of blob reports, e.g. --merge .vitest-reports\n',
    });
  });
});
