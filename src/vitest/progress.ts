import type { JournalLine } from '../report/journal.ts';
import { readJournalTail } from '../report/journal.ts';
import { ProgressBoard, renderProgress } from '../report/progress.ts';

/**
 * Progress on stderr while a run goes, in Vitest's main process, beside Vitest's own reporter: it reads
 * the lines the bench files append to the run's journal (the records, as they complete), so nothing
 * runs on the event loop that times the calls. On a terminal one line, rewritten each tick; otherwise
 * (CI logs) a plain line every `plainEveryMs` while calls arrive, and each model's last line when it
 * has made every planned call.
 */
export interface ProgressOptions {
  /** The run's journal, once it is known (the global setup provides it after the reporter starts). */
  journal: () => string | undefined;
  write: (text: string) => void;
  tty: boolean;
  /** @default 500 */
  tickMs?: number;
  /** @default 5000 */
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
  const plainEveryMs = options.plainEveryMs ?? 5000;
  const finished = new Set<string>();
  let offset = 0;
  let lastPlainMs = Number.NEGATIVE_INFINITY;
  let lastPlain = '';
  let shown = false;

  const feed = (line: JournalLine): void => {
    if (line.type === 'model') board.addModel(line.model);
    else if (line.type === 'call') board.addCall(line.key, line.record);
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
      if (finished.has(model.key) || model.done < model.planned || model.planned === 0) continue;
      finished.add(model.key);
      const text = line(renderProgress(model, at));
      options.write(options.tty ? `\r\u001b[K${text}\n` : `${text}\n`);
      shown = false;
    }
    const latest = board.latest();
    if (latest === undefined || finished.has(latest.key)) return;
    const text = line(renderProgress(latest, at));
    if (options.tty) {
      options.write(`\r\u001b[K${text}`);
      shown = true;
    } else if (at - lastPlainMs >= plainEveryMs && text !== lastPlain) {
      options.write(`${text}\n`);
      lastPlainMs = at;
      lastPlain = text;
    }
  };

  const timer = setInterval(tick, options.tickMs ?? 500);
  timer.unref();
  return {
    tick,
    stop() {
      clearInterval(timer);
      tick();
      if (shown) options.write('\r\u001b[K');
    },
  };
}
