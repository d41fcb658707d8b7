import { UserError } from '../errors.ts';

/**
 * Errors for bad input files and templates. Each message is one line that names the input (file and
 * line, or the option) and says how to fix it; `cause` keeps the underlying error when one is wrapped.
 * `userError` marks them as the user's to fix: the CLI prints the line without a stack trace.
 */

/** A data file (dataset or tracking CSV) that cannot be used as it is. */
export class DatasetError extends UserError {
  override name = 'DatasetError';
  /** The file as it was given. */
  readonly file: string;
  /** 1-based line in the file, when the problem has one. */
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, problem: string, options?: ErrorOptions) {
    super(`${line === undefined ? file : `${file} line ${line}`}: ${problem}`, options);
    this.file = file;
    this.line = line;
  }
}

/** A prompt template with a missing, unknown or malformed placeholder. `where` names its origin. */
export class TemplateError extends UserError {
  override name = 'TemplateError';
  readonly where: string;
  /** The message without `where`, for callers that name the origin their own way. */
  readonly problem: string;

  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.where = where;
    this.problem = problem;
  }
}

/** Bad options for the synthetic dataset generator; `option` names the one at fault. */
export class SyntheticOptionsError extends UserError {
  override name = 'SyntheticOptionsError';
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`${option}: ${problem}`);
    this.option = option;
  }
}
