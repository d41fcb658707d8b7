import { describe, expect, it } from 'vitest';
import { sharedResponses } from '../src/vitest/shared-responses.ts';
import { errorCall, okCall } from './fixtures/report-records.ts';

describe('sharedResponses', () => {
  // Whether two equal strings share storage is not observable from JS (bench:scale measures it).
  it('keeps every record, response and partial response as they were', () => {
    const share = sharedResponses();
    const first = share(okCall({ text: ['the', 'answer'].join(' ') }));
    const again = okCall({ text: ['the', 'answer'].join(' ') });
    expect(share(again)).toBe(again);
    expect(again).toEqual(okCall({ text: 'the answer' }));
    expect(first).toEqual(okCall({ text: 'the answer' }));
    const failed = share(errorCall({ partialText: 'half' }));
    expect(failed).toEqual(errorCall({ partialText: 'half' }));
    expect(share(errorCall())).toEqual(errorCall());
    expect(share(okCall({ text: '' }))).toEqual(okCall({ text: '' }));
  });

  it('remembers at most max responses, then starts again', () => {
    const share = sharedResponses(2);
    const texts = ['a', 'b', 'c', 'a'].map((text) => share(okCall({ text })));
    expect(texts.map((record) => (record.status === 'ok' ? record.text : undefined))).toEqual([
      'a',
      'b',
      'c',
      'a',
    ]);
  });
});
