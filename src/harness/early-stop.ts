import type { CallRecord } from '../records/call-record.ts';

/**
 * Stop early when a model's first `calls` calls (warmup included, in completion order) all failed:
 * a model that cannot be called (no access, a wrong id, a region without it) is not sent hundreds of
 * failing, billed calls. One success among them and the model runs to the end. `calls` 0: never.
 */
export interface EarlyStop {
  /** Feed every record as it completes. */
  observe(record: CallRecord): void;
  /** True once the first `calls` calls all failed. */
  readonly stopped: boolean;
  /** Why, when stopped: the failures by error kind, e.g. `AccessDeniedException x5`. */
  readonly reason: string | undefined;
}

export function earlyStop(calls: number): EarlyStop {
  let seen = 0;
  let anyOk = false;
  const kinds = new Map<string, number>();
  return {
    observe(record) {
      if (seen >= calls) return;
      seen++;
      if (record.status === 'ok') anyOk = true;
      else kinds.set(record.errorKind, (kinds.get(record.errorKind) ?? 0) + 1);
    },
    get stopped() {
      return calls > 0 && seen >= calls && !anyOk;
    },
    get reason() {
      if (!this.stopped) return undefined;
      const counts = [...kinds].map(([kind, n]) => `${kind} x${n}`).join(', ');
      return `its first ${calls} calls all failed (${counts})`;
    },
  };
}
