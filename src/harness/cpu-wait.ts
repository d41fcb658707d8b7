import { readFileSync } from 'node:fs';

/**
 * A thread's run-queue wait so far, ns: how long it was ready to run but had no core, the second field
 * of its `schedstat` (time on a CPU, time waiting for one, time slices). By default the calling
 * thread's (`/proc/thread-self/schedstat`); `/proc/<pid>/schedstat` is another process's main thread.
 * Undefined where there is no such file (not Linux, or a kernel without schedstats). The one file of
 * the harness that reads one, and it reads the kernel's figures only.
 */
export function threadCpuWaitNs(
  path = '/proc/thread-self/schedstat',
  read: (path: string) => string = (file) => readFileSync(file, 'utf8'),
): number | undefined {
  try {
    const wait = Number(read(path).split(' ')[1]);
    return Number.isFinite(wait) ? wait : undefined;
  } catch {
    return undefined;
  }
}
