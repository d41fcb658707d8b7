/**
 * Errors caused by what the user gave us (a file, a setting, a flag) rather than by a bug. Their
 * message is one line naming the input and the fix; the CLI prints it without a stack trace.
 * Named subclasses live next to what they validate (ConfigError, DatasetError, ...).
 */
export class UserError extends Error {
  readonly userError = true;
}

/** True for UserError and for any error class elsewhere that marks itself `userError`. */
export function isUserError(error: unknown): error is Error {
  return error instanceof Error && (error as { userError?: unknown }).userError === true;
}
