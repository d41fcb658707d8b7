import type { CallRecord } from '../records/call-record.ts';

/**
 * A call with its texts left out: the response becomes '', a partial response and reasoning are
 * dropped. A record that has none is returned as it is, not copied: a long run's run record shares its
 * calls' objects.
 */
export function withoutTexts(record: CallRecord): CallRecord {
  if (record.status === 'ok') {
    if (record.text === '' && record.reasoningText === undefined) return record;
    const { reasoningText: _reasoning, ...ok } = record;
    return { ...ok, text: '' };
  }
  if (record.partialText === undefined && !('partialText' in record)) return record;
  const { partialText: _dropped, ...rest } = record;
  return rest;
}
