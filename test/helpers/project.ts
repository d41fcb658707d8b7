import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './subprocess.ts';

/**
 * A throwaway converse-bench project in `dir`: the given tracking file as data/evaluation_tracking.csv,
 * the fixture project's documents (2) and fixed-latency profiles, and a vitest.config.ts using this
 * repository's src/ (test/fixtures/bench-project-config.ts). Bench files are the caller's.
 */
export function benchProject(dir: string, tracking: string): string {
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data/evaluation_tracking.csv'), tracking);
  for (const file of ['documents.csv', 'profiles.json']) {
    writeFileSync(join(dir, 'data', file), readFileSync(join(ROOT, 'test/fixtures/project/data', file)));
  }
  const config = pathToFileURL(join(ROOT, 'test/fixtures/bench-project-config.ts')).href;
  writeFileSync(
    join(dir, 'vitest.config.ts'),
    `import { benchProjectConfig } from ${JSON.stringify(config)};\n` +
      `export default benchProjectConfig({ cacheDir: ${JSON.stringify(join(dir, '.vite'))} });\n`,
  );
  return dir;
}

/** The environment that points a bench project at its data files (no budgets: these runs gate nothing). */
export const BENCH_PROJECT_DATA_ENV = {
  CONVERSE_BENCH_DATASET_FILE: 'data/documents.csv',
  CONVERSE_BENCH_EMULATOR_PROFILES_FILE: 'data/profiles.json',
  CONVERSE_BENCH_BUDGETS_FILE: 'none',
} as const;

/**
 * A bench project of one model in a new temporary folder, run as a user's: this repository's
 * node_modules linked in, the hardening fixture's profiles (calls of about 100 ms) and an empty bench/.
 */
export function oneModelProject(prefix: string, model: string): string {
  const dir = benchProject(
    mkdtempSync(join(tmpdir(), prefix)),
    `model,text_prompt\n${model},"Summarize: {context}"\n`,
  );
  copyFileSync(
    join(ROOT, 'test/fixtures/hardening/project/data/profiles.json'),
    join(dir, 'data/profiles.json'),
  );
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  mkdirSync(join(dir, 'bench'));
  return dir;
}
