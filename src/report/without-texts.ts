import type { CallRecord } from '../records/call-record.ts';

/** A call with its texts left out: the response becomes '', a partial response is dropped. */
export function withoutTexts(record: CallRecord): CallRecord {
  if (record.status === 'ok') return { ...record, text: '' };
  const { partialText: _dropped, ...rest } = record;
  return rest;
}
