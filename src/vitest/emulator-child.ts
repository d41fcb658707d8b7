import { type RunningEmulator, startEmulator } from '../emulator/index.ts';
import {
  type EmbeddedEmulatorSettings,
  type EmulatorProcessMessage,
  emulatorServing,
} from './embedded-emulator.ts';

/**
 * The embedded emulator's process (forked by embedded-emulator.ts): takes its settings as its one
 * argument (JSON), answers with its URL, and serves until told to close or until the process that started it
 * goes away (its IPC channel closes: Vitest ended, was killed, or crashed), so it never outlives a run;
 * signals it leaves to that process.
 */
let emulator: RunningEmulator | undefined;

async function stop(code: number): Promise<void> {
  await emulator?.close();
  process.exit(code);
}

function say(message: EmulatorProcessMessage, then: () => void = () => {}): void {
  process.send?.(message, undefined, {}, then);
}

async function serve(settings: EmbeddedEmulatorSettings): Promise<void> {
  try {
    emulator = await startEmulator({ port: 0, ...emulatorServing(settings) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    say({ type: 'failed', message }, () => void stop(1));
    return;
  }
  say({ type: 'listening', url: emulator.url });
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'close') void stop(0);
  });
}

process.on('disconnect', () => void stop(0));
// A terminal's Ctrl-C (and a group's SIGTERM) reaches this process too. It stays and answers the calls
// in flight until Vitest has written the interrupted run's outputs and gone (the channel closes): dying
// first would turn those calls into connection errors, rows the interrupt made rather than the model.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
void serve(JSON.parse(process.argv[2] ?? '{}') as EmbeddedEmulatorSettings);
