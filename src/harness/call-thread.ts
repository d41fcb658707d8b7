import { parentPort, workerData } from 'node:worker_threads';
import type { CallRecord } from '../records/call-record.ts';
import { callModel } from './call.ts';
import { createBedrockClient } from './client.ts';
import { startClientHealth } from './client-health.ts';
import { type Clock, realClock } from './clock.ts';
import { runSchedule } from './scheduler.ts';
import type { FromThread, ThreadData, ToThread } from './thread-messages.ts';

/**
 * A measuring worker thread (started by thread-pool.ts): its own SDK client and event loop, running
 * the share of a schedule it is sent and posting each record as it completes. Its clock is the main
 * thread's time line (performance.timeOrigin + performance.now(), shifted once), so its records'
 * start times and the schedule's arrivals need no conversion.
 */

const port = parentPort;
if (port === null) throw new Error('call-thread.ts runs as a worker thread (thread-pool.ts starts it)');
const data = workerData as ThreadData;
const shift = performance.timeOrigin - data.originMs;
const clock: Clock = { now: () => performance.now() + shift, sleep: realClock.sleep };
const client = createBedrockClient(data.client);
const stop = new AbortController();
let stopStarting = false;
const post = (message: FromThread): void => port.postMessage(message);

async function run(message: Extract<ToThread, { type: 'run' }>): Promise<void> {
  const health = startClientHealth('thread');
  const specs = message.specs.map(({ promptIndex, ...spec }) => ({
    ...spec,
    prompt: message.prompts[promptIndex] ?? '',
  }));
  await runSchedule(
    specs,
    (spec, context) =>
      callModel(
        client.client,
        { ...spec, scheduledStartMs: context.scheduledStartMs, signal: context.signal },
        clock,
      ),
    {
      ...message.schedule,
      clock,
      signal: stop.signal,
      shouldStop: () => stopStarting,
      onRecord: (record: CallRecord) => post({ type: 'record', record }),
    },
  );
  post({ type: 'done', health: health.stop() });
}

port.on('message', (message: ToThread) => {
  if (message.type === 'run') void run(message);
  else if (message.type === 'abort') stop.abort();
  else if (message.type === 'stop') stopStarting = true;
  else if (message.type === 'close') {
    client.destroy();
    port.close();
  }
});
