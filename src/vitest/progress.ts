import type { JournalLine } from '../report/journal.ts';
import { readJournalTail } from '../report/journal.ts';
import { ProgressBoard, progressDone, renderProgress } from '../report/progress.ts';

/**
 * Progress on stderr while a run goes, in Vitest's main process, beside Vitest's own reporter: it reads
 * the lines the bench files append to the run's journal (the records, as they complete), so nothing
 * runs on the event loop that times the calls. A plain line every few seconds while calls arrive (2 s
 * on a terminal, 5 s otherwise), and each model's last line when it has made every planned call (a
 * closed-loop duration run: when it recorded its end). Not a
 * line rewritten in place: on a terminal Vitest's live window intercepts stderr and prints every write
 * above itself, so a `\r` line would pile up there instead of updating.
 */
export interface ProgressOptions {
  /** The run's journal, once it is known (the global setup provides it after the reporter starts). */
  journal: () => string | undefined;
  write: (text: string) => void;
  tty: boolean;
  /** @default 500 */
  tickMs?: number;
  /** @default 2000 on a terminal, 5000 otherwise */
  plainEveryMs?: number;
  now?: () => number;
}

export interface ProgressWatch {
  /** Reads what is left, prints the last state and stops. */
  stop(): void;
  /** One tick, now (the timer's work; for tests). */
  tick(): void;
}

export function watchProgress(options: ProgressOptions): ProgressWatch {
  const board = new ProgressBoard();
  const now = options.now ?? Date.now;
  const plainEveryMs = options.plainEveryMs ?? (options.tty ? 2000 : 5000);
  const finished = new Set<string>();
  let offset = 0;
  let lastPlainMs = Number.NEGATIVE_INFINITY;

  const feed = (line: JournalLine): void => {
    if (line.type === 'model') board.addModel(line.model);
    else if (line.type === 'call') board.addCall(line.key, line.record);
    else if (line.type === 'duration-end') board.endModel(line.key);
  };
  const line = (text: string): string => `converse-bench: ${text}`;

  const tick = (): void => {
    const journal = options.journal();
    if (journal === undefined) return;
    const tail = readJournalTail(journal, offset);
    offset = tail.offset;
    for (const entry of tail.lines) feed(entry);
    const at = now();
    for (const model of board.models()) {
      if (finished.has(model.key) || !progressDone(model)) continue;
      finished.add(model.key);
      options.write(`${line(renderProgress(model, at))}\n`);
    }
    const latest = board.latest();
    if (latest === undefined || finished.has(latest.key) || at - lastPlainMs < plainEveryMs) return;
    options.write(`${line(renderProgress(latest, at))}\n`);
    lastPlainMs = at;
  };

  const timer = setInterval(tick, options.tickMs ?? 500);
  timer.unref();
  return {
    tick,
    stop() {
      clearInterval(timer);
      tick();
    },
  };
}
