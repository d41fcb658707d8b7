import { countTokens } from '../emulator/tokenizer.ts';
import type { CallRecord } from '../records/call-record.ts';

/**
 * The reasoning text's tokens, counted with the emulator's tokenizer (o200k_base) once the call has
 * ended, never inside its timing: an estimate, since Converse reports no reasoning token count.
 */
export function withReasoningEstimate(record: CallRecord): CallRecord {
  if (record.status !== 'ok' || record.reasoningText === undefined) return record;
  return { ...record, reasoningTokensEstimate: countTokens(record.reasoningText) };
}
