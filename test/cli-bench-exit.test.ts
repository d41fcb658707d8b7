import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../src/cli/bench.ts';

describe('converse-bench bench exits as its Vitest child did', () => {
  it.each([
    [0, null, 0],
    [1, null, 1],
    [null, 'SIGINT', 130],
    [null, 'SIGTERM', 143],
    [null, 'SIGKILL', 137],
    [null, 'SIGSEGV', 139],
    [null, 'SIGABRT', 134],
  ] as const)('code %s, signal %s: %s', (code, signal, expected) => {
    expect(exitCodeOf(code, signal)).toBe(expected);
  });
});
