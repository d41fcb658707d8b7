import { afterEach, describe, expect, test, vi } from 'vitest';
import { PARENT_POLL_MS, parseStat, watchParent } from '../src/lifecycle/parent-watch.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('watchParent', () => {
  test('calls back once, at the first poll after the parent is gone, and not before', () => {
    vi.useFakeTimers();
    let present = true;
    const gone = vi.fn();
    watchParent(gone, { probe: () => present });
    vi.advanceTimersByTime(PARENT_POLL_MS * 3);
    expect(gone).not.toHaveBeenCalled();
    present = false;
    vi.advanceTimersByTime(PARENT_POLL_MS - 1);
    expect(gone).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(gone).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(PARENT_POLL_MS * 10);
    expect(gone).toHaveBeenCalledTimes(1);
  });

  test('stopping the watch stops the polls', () => {
    vi.useFakeTimers();
    const probe = vi.fn(() => false);
    const gone = vi.fn();
    const stop = watchParent(gone, { probe });
    stop();
    vi.advanceTimersByTime(PARENT_POLL_MS * 5);
    expect(probe).not.toHaveBeenCalled();
    expect(gone).not.toHaveBeenCalled();
  });

  test('the real probe of this process: its parent is there', () => {
    vi.useFakeTimers();
    const gone = vi.fn();
    const stop = watchParent(gone);
    vi.advanceTimersByTime(PARENT_POLL_MS * 2);
    stop();
    expect(gone).not.toHaveBeenCalled();
  });
});

test('parseStat reads a command name with spaces and parentheses', () => {
  expect(parseStat('4242 (npm run (x) y) S 17 4242 4242 0 -1 4194560')).toEqual({
    comm: 'npm run (x) y',
    state: 'S',
    ppid: 17,
  });
  expect(parseStat('garbage')).toBeUndefined();
});
