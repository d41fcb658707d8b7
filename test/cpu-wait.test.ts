import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { startClientHealth } from '../src/harness/client-health.ts';
import { threadCpuWaitNs } from '../src/harness/cpu-wait.ts';

describe('run-queue wait (client health)', () => {
  test("reads the second field of a thread's schedstat, in ns", () => {
    const files: string[] = [];
    const read = (path: string): string => {
      files.push(path);
      return '1225811 4482593 3\n';
    };
    expect(threadCpuWaitNs(undefined, read)).toBe(4482593);
    expect(threadCpuWaitNs('/proc/42/schedstat', read)).toBe(4482593);
    expect(files).toEqual(['/proc/thread-self/schedstat', '/proc/42/schedstat']);
  });

  test('undefined where the kernel gives no such file, or nothing readable', () => {
    expect(
      threadCpuWaitNs(undefined, () => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      }),
    ).toBeUndefined();
    expect(threadCpuWaitNs(undefined, () => '')).toBeUndefined();
    expect(threadCpuWaitNs(undefined, () => 'garbage')).toBeUndefined();
  });

  test.runIf(existsSync('/proc/thread-self/schedstat'))(
    'a client-health sample on Linux carries the wait of its span: never negative, never more than its wall clock',
    async () => {
      const health = startClientHealth();
      await new Promise((done) => setTimeout(done, 30));
      const sample = health.stop();
      expect(sample.cpuWaitMs).toBeGreaterThanOrEqual(0);
      expect(sample.cpuWaitMs).toBeLessThanOrEqual(sample.wallMs);
    },
  );
});
