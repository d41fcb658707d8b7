import { readFileSync } from 'node:fs';

/**
 * Notices when whoever started this process goes away. `npm run ...` exits at once on SIGTERM
 * without passing it on, so a run started through npm would go on alone, making every remaining
 * call; watching the parent (not standard input: CI runs with none) lets it stop as if it had been
 * sent SIGTERM. On Linux, /proc tells: an orphan is reparented, so its parent id changes; and inside
 * an npm script, where npm may start a shell (`sh -c`) that outlives npm, npm itself is watched
 * through the shells. Elsewhere the original parent is probed with signal 0.
 */

/** How often the parent is looked at: a run stops within this long of being orphaned. */
export const PARENT_POLL_MS = 500;

/** True while whoever started this process is still there. */
export type ParentProbe = () => boolean;

interface ProcStat {
  comm: string;
  state: string;
  ppid: number;
}

/** `pid (comm) state ppid ...`: the command name may hold spaces and parentheses. */
export function parseStat(stat: string): ProcStat | undefined {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const [state = '', ppid] = stat.slice(close + 2).split(' ');
  const parent = Number(ppid);
  if (open < 0 || close < open || !Number.isInteger(parent)) return undefined;
  return { comm: stat.slice(open + 1, close), state, ppid: parent };
}

function readStat(pid: number | 'self'): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh', 'ash', 'ksh']);

/** The first ancestor above `pid` that is not a shell, when there is a shell in between. */
function aboveShells(pid: number): number | undefined {
  let current = pid;
  for (let depth = 0; depth < 4; depth++) {
    const stat = readStat(current);
    if (stat === undefined || !SHELLS.has(stat.comm)) return current === pid ? undefined : current;
    current = stat.ppid;
  }
  return undefined;
}

function linuxProbe(parent: number, throughShells: boolean): ParentProbe {
  const starter = throughShells ? aboveShells(parent) : undefined;
  return () => {
    const self = readStat('self');
    if (self !== undefined && self.ppid !== parent) return false;
    if (starter === undefined) return true;
    const stat = readStat(starter);
    return stat !== undefined && stat.state !== 'Z';
  };
}

function signalProbe(parent: number): ParentProbe {
  return () => {
    try {
      process.kill(parent, 0);
      return true;
    } catch (error) {
      return (error as { code?: string }).code !== 'ESRCH';
    }
  };
}

export interface WatchOptions {
  /** Inside an npm script (`npm_lifecycle_event` set): watch npm through any shells it started. */
  throughShells?: boolean;
  intervalMs?: number;
  /** Replaces the look at /proc (tests). */
  probe?: ParentProbe;
}

/**
 * Calls `onGone` once, soon after whoever started this process goes away; returns a function that
 * stops watching. The timer never keeps the process alive by itself.
 */
export function watchParent(onGone: () => void, options: WatchOptions = {}): () => void {
  const parent = process.ppid;
  const probe =
    options.probe ??
    (process.platform === 'linux' ? linuxProbe(parent, options.throughShells ?? false) : signalProbe(parent));
  const timer = setInterval(() => {
    if (probe()) return;
    clearInterval(timer);
    onGone();
  }, options.intervalMs ?? PARENT_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
