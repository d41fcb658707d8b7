/**
 * While the outputs of an interrupted run are written, further signals must not kill the process:
 * Vitest and the reporter listen with `once`, so after the first Ctrl-C nothing listens, and a second
 * one would end the process mid-write with the system's default action. Listening (and doing nothing)
 * keeps that from happening; the write is synchronous, so nothing runs before it ends, and Vitest
 * exits right after it with the first signal's code.
 */
const HELD: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const ignore = (): void => {};

/** From now on these signals are received and ignored; the process is on its way out. */
export function holdSignals(): void {
  for (const signal of HELD) process.on(signal, ignore);
}
