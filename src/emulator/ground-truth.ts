import type { Api } from '../records/call-record.ts';
import type { Fault } from './plan.ts';

/** Ground-truth entries kept by default: the most recent requests, enough for any one benchmark round. */
export const DEFAULT_GROUND_TRUTH_CAPACITY = 10_000;

/** HTTP version a request arrived on. */
export type WireProtocol = 'http1' | 'http2';

/**
 * What the emulator scheduled for one Bedrock API request and when it really wrote each part. Stamps are
 * process.hrtime in ms (see clock.ts); a stamp is absent until that moment happens.
 */
export interface GroundTruthEntry {
  /** The `x-amzn-requestid` answered. */
  requestId: string;
  /** Model id as in the path (decoded); absent when the route had none. */
  modelId?: string;
  api?: Api;
  protocol: WireProtocol;
  /** HTTP status sent, once the response head is written. */
  status?: number;
  /** `x-amzn-errortype` of an HTTP error, or the exception type of a stream exception frame. */
  errorType?: string;
  fault?: Fault['kind'];
  /** Every input token, cached or not (the response's `inputTokens` leaves the cached ones out). */
  inputTokens?: number;
  outputTokens?: number;
  /** Requests with cache points: input tokens read from / written to the prompt cache. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Planned time from receive to the first token (Converse: to the body), stalls included. */
  scheduledTtftMs?: number;
  /** Planned time from receive to the last token, stalls included. */
  scheduledTotalMs?: number;
  /** When the request's head arrived. */
  receivedMs: number;
  /** When its body had been read. */
  bodyReceivedMs?: number;
  /** When the first text delta (Converse: the body) was written. */
  firstTokenMs?: number;
  /** When the last byte was handed to the socket (the response's `finish`). */
  lastByteMs?: number;
  /**
   * `pending` while in flight; `completed` when the response finished; `dropped` when the emulator cut
   * the connection on purpose; `aborted` when the client went away (or the emulator closed) first.
   */
  outcome: 'pending' | 'completed' | 'dropped' | 'aborted';
}

/**
 * The most recent entries, oldest evicted first, also looked up by request id. Bounded, so a long run's
 * memory stays flat: about 0.3 KB an entry.
 */
export class GroundTruthRing {
  readonly capacity: number;
  private readonly entries: (GroundTruthEntry | undefined)[];
  private readonly byId = new Map<string, GroundTruthEntry>();
  private next = 0;
  private size = 0;

  constructor(capacity = DEFAULT_GROUND_TRUTH_CAPACITY) {
    this.capacity = capacity;
    this.entries = new Array(capacity);
  }

  add(entry: GroundTruthEntry): void {
    const evicted = this.entries[this.next];
    if (evicted) this.byId.delete(evicted.requestId);
    this.entries[this.next] = entry;
    this.byId.set(entry.requestId, entry);
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  get(requestId: string): GroundTruthEntry | undefined {
    const entry = this.byId.get(requestId);
    return entry ? { ...entry } : undefined;
  }

  /** Copies, oldest first. */
  list(): GroundTruthEntry[] {
    const start = (this.next - this.size + this.capacity) % this.capacity;
    const out: GroundTruthEntry[] = [];
    for (let i = 0; i < this.size; i++) {
      const entry = this.entries[(start + i) % this.capacity];
      if (entry) out.push({ ...entry });
    }
    return out;
  }
}
