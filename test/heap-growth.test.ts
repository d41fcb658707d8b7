import { describe, expect, test } from 'vitest';
import { ownHeapGrowingPercent, withTightHeap } from '../src/lifecycle/heap-growth.ts';

describe('withTightHeap', () => {
  test('sets the growth for the work, returns its value, and gives back the process own setting', () => {
    const flags: string[] = [];
    const value = withTightHeap(
      () => {
        flags.push('work');
        return 42;
      },
      35,
      (flag) => flags.push(flag),
    );
    expect(value).toBe(42);
    expect(flags).toEqual(['--heap-growing-percent=20', 'work', '--heap-growing-percent=35']);
  });

  test('also when the work throws', () => {
    const flags: string[] = [];
    expect(() =>
      withTightHeap(
        () => {
          throw new Error('disk full');
        },
        0,
        (flag) => flags.push(flag),
      ),
    ).toThrow('disk full');
    expect(flags).toEqual(['--heap-growing-percent=20', '--heap-growing-percent=0']);
  });

  test('the real flag is accepted by this V8', () => {
    expect(withTightHeap(() => 'written', 0)).toBe('written');
  });
});

describe('ownHeapGrowingPercent', () => {
  test('0 (V8 heuristics) unless the process was started with the flag', () => {
    expect(ownHeapGrowingPercent([], undefined)).toBe(0);
    expect(ownHeapGrowingPercent(['--max-old-space-size=512'], '--enable-source-maps')).toBe(0);
  });

  test('node flags win over NODE_OPTIONS, and the last one counts; dashes or underscores', () => {
    expect(ownHeapGrowingPercent([], '--heap-growing-percent=50')).toBe(50);
    expect(ownHeapGrowingPercent(['--heap_growing_percent=30'], '--heap-growing-percent=50')).toBe(30);
    expect(ownHeapGrowingPercent(['--heap-growing-percent=10', '--heap-growing-percent=70'], undefined)).toBe(
      70,
    );
  });
});
