import { describe, expect, test } from 'vitest';
import { OPTION_TABLE } from '../src/config/resolve.ts';
import { CLI_MAIN, childEnv, run } from './helpers/subprocess.ts';

/** `--help` of every command, as a user runs it: allowed values, defaults and examples. */
const help = async (...args: string[]) => {
  const outcome = await run(process.execPath, [CLI_MAIN, ...args, '--help'], { env: childEnv() });
  expect(outcome.code, outcome.stderr).toBe(0);
  return outcome.stdout;
};

describe('converse-bench --help', () => {
  test('bench and plan list every option with its values, default and an example', async () => {
    for (const text of [await help('bench'), await help('plan')]) {
      for (const row of OPTION_TABLE) {
        const example = row.example === '' ? row.flag : `${row.flag} ${row.example}`;
        expect(text).toContain(
          `values: ${row.type}; default: ${row.default === '' ? 'not set' : row.default}; e.g. ${example}\n`,
        );
      }
    }
    expect(await help('bench')).toContain('  --num-parallel-calls <v>');
    expect(await help('bench')).toMatch(/\nExample: converse-bench bench /);
  });

  test('every example is a value the option accepts', async () => {
    const { resolveOptions } = await import('../src/config/resolve.ts');
    for (const row of OPTION_TABLE) {
      const value = row.example === '' ? 'true' : row.example;
      expect(() => resolveOptions({ env: { [row.env]: value } }), row.flag).not.toThrow();
    }
  });

  test('the other commands end with examples', { timeout: 60_000 }, async () => {
    for (const command of ['compare', 'report', 'rebuild', 'init', 'synth', 'emulator']) {
      expect(await help(command), command).toMatch(/\nExamples?:( |\n {2})converse-bench /);
    }
  });
});
