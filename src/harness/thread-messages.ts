import type { CallRecord } from '../records/call-record.ts';
import type { ClientHealthSample } from '../records/client-health.ts';
import type { CallSpec } from './call.ts';
import type { ClientOptions } from './client.ts';
import type { ScheduleOptions } from './scheduler.ts';

/** What a measuring thread is started with. */
export interface ThreadData {
  /** The main thread's performance.timeOrigin: the thread's clock is shifted onto its time line. */
  originMs: number;
  client: ClientOptions;
}

/** A spec as it crosses to a thread: its prompt by index into the message's prompts, sent once each. */
export type ThreadSpec = Omit<CallSpec, 'prompt' | 'signal' | 'scheduledStartMs'> & { promptIndex: number };

/** The schedule of a share, as plain data. */
export type ThreadSchedule = Pick<
  ScheduleOptions,
  'concurrency' | 'delayBetweenMs' | 'load' | 'maxInFlight' | 'arrivals' | 'until'
>;

export type ToThread =
  | { type: 'run'; prompts: string[]; specs: ThreadSpec[]; schedule: ThreadSchedule }
  | { type: 'abort' }
  /** No further call starts (an early stop); calls in flight finish. */
  | { type: 'stop' }
  | { type: 'close' };

export type FromThread =
  | { type: 'record'; record: CallRecord }
  | { type: 'done'; health: ClientHealthSample };
