import type { CallRecord } from '../records/call-record.ts';

/** A call with its texts left out: the response becomes '', a partial response and reasoning are dropped. */
export function withoutTexts(record: CallRecord): CallRecord {
  if (record.status === 'ok') {
    const { reasoningText: _reasoning, ...ok } = record;
    return { ...ok, text: '' };
  }
  const { partialText: _dropped, ...rest } = record;
  return rest;
}
