import { readFileSync } from 'node:fs';

/**
 * Errors caused by what the user gave us (a file, a setting, a flag) rather than by a bug. Their
 * message is one line naming the input and the fix; the CLI prints it without a stack trace.
 * Named subclasses live next to what they validate (ConfigError, DatasetError, ...).
 */
export class UserError extends Error {
  readonly userError = true;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // A mistake in an input, not a bug: no stack frames, so Vitest (a bench file's error) prints the
    // message alone. Read lazily: subclasses set `name` after this constructor.
    Object.defineProperty(this, 'stack', {
      get: () => `${this.name}: ${this.message}`,
      configurable: true,
      enumerable: false,
    });
  }
}

/** True for UserError and for any error class elsewhere that marks itself `userError`. */
export function isUserError(error: unknown): error is Error {
  return error instanceof Error && (error as { userError?: unknown }).userError === true;
}

/**
 * A user's JSON file, parsed: a leading byte-order mark is dropped, and text that is not JSON is one
 * line, `<file>: not valid JSON (<why>)<fix>`, thrown as `error(line)` (the file's own error class).
 */
export function parseUserJson(
  text: string,
  file: string,
  fix: string,
  error: (line: string) => Error,
): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw error(`${file}: not valid JSON (${cause instanceof Error ? cause.message : String(cause)})${fix}`);
  }
}

/**
 * A user's text file (a leading byte-order mark dropped). One that cannot be read is thrown as
 * `error(code, cause)`: `code` is the system's (`ENOENT` for a missing file), the file's own error
 * class words the line.
 */
export function readUserText(path: string, error: (code: string, cause: unknown) => Error): string {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (cause) {
    throw error((cause as NodeJS.ErrnoException).code ?? String(cause), cause);
  }
}
