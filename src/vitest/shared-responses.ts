import type { CallRecord } from '../records/call-record.ts';

/** How many distinct responses are remembered; past it the memory starts again (a bound, not a cache policy). */
export const SHARED_RESPONSES_MAX = 1000;

/**
 * Makes calls that got the same response share one string. A model's records (its `benchModel`
 * result) hold every response until the bench file ends, and the emulator answers a document the same
 * way every time (so do many models at temperature 0): 100,000 calls of 10 documents then hold 10
 * responses, not 100,000 copies (~80 MB). The record keeps its value, only its storage is shared. At
 * most `max` distinct responses are remembered, so responses that never repeat cost one bounded map.
 */
export function sharedResponses(max = SHARED_RESPONSES_MAX): (record: CallRecord) => CallRecord {
  let seen = new Map<string, string>();
  const shared = (text: string): string => {
    const known = seen.get(text);
    if (known !== undefined) return known;
    if (seen.size >= max) seen = new Map();
    seen.set(text, text);
    return text;
  };
  return (record) => {
    if (record.status === 'ok') {
      if (record.text !== '') record.text = shared(record.text);
    } else if (record.partialText !== undefined && record.partialText !== '') {
      record.partialText = shared(record.partialText);
    }
    return record;
  };
}
