import { UserError } from '../errors.ts';

/** This Node cannot run Vitest 5, or this checkout's build is older than its sources. */
export class ConverseBenchSetupError extends UserError {
  override name = 'ConverseBenchSetupError';
}
