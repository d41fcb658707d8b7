/**
 * Time for the scheduler: `now()` in ms (monotonic) and `sleep()`. The real clock uses
 * `performance.now()` (the same origin as call records' `startMs`); the fake clock lets tests drive
 * schedules exactly, without waiting.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms` (at once for ms <= 0), or early when `signal` aborts; never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Node's longest timer, ms: a longer one fires after 1 ms with a TimeoutOverflowWarning. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  now: () => performance.now(),
  sleep(ms, signal) {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    const due = performance.now() + ms;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // Timers have whole-ms granularity and can fire a fraction of a ms early: re-arm until due,
      // so an open-loop call never starts before its scheduled time.
      const check = (): void => {
        const left = due - performance.now();
        if (left > 0) timer = setTimeout(check, Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(left))));
        else done();
      };
      timer = setTimeout(check, Math.min(MAX_TIMER_MS, Math.ceil(ms)));
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

interface Sleeper {
  due: number;
  /** Insertion order, so sleepers due at the same time wake in the order they slept. */
  seq: number;
  wake: () => void;
}

/** Lets every pending promise callback (and what it chains) run before time moves on. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A clock that moves only when told: `advance(ms)` wakes due sleepers one by one, in due order. */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #sleepers: Sleeper[] = [];

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        due: this.#now + ms,
        seq: this.#seq++,
        wake: () => {
          signal?.removeEventListener('abort', sleeper.wake);
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          resolve();
        },
      };
      this.#sleepers.push(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  /** Sleepers not yet woken. */
  get pending(): number {
    return this.#sleepers.length;
  }

  /**
   * Moves time forward by `ms`, stopping at each due sleeper to wake it and let the code it resumes
   * run (which may sleep again, within the same window).
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#nextDue(target);
      if (!next) break;
      this.#now = next.due;
      next.wake();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  /** Advances until no sleeper is left (or `limitMs` has passed, to stop runaway loops). */
  async runAll(limitMs = 1e9): Promise<void> {
    const end = this.#now + limitMs;
    await settle();
    for (;;) {
      const next = this.#nextDue(end);
      if (!next) break;
      this.#now = next.due;
      next.wake();
      await settle();
    }
  }

  #nextDue(limit: number): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.#sleepers) {
      if (s.due > limit) continue;
      if (!best || s.due < best.due || (s.due === best.due && s.seq < best.seq)) best = s;
    }
    return best;
  }
}
