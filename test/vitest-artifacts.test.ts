import { describe, expect, it } from 'vitest';
import { withoutTexts } from '../src/report/without-texts.ts';
import { packCalls, unpackCalls } from '../src/vitest/artifacts.ts';
import { errorCall, okCall, streamedCall, warmupCall } from './fixtures/report-records.ts';

describe('calls artifacts', () => {
  const records = [
    warmupCall(),
    okCall({ text: 'the answer' }),
    streamedCall(),
    errorCall({ partialText: 'half' }),
  ];

  it('pack a batch of records and give them back as they were', () => {
    const packed = packCalls(records, { redactTexts: false });
    expect(packed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(unpackCalls(packed)).toEqual(records);
    expect(unpackCalls(packCalls([], { redactTexts: false }))).toEqual([]);
  });

  it('leave out the texts of a model run with redactTexts, as the journal does', () => {
    const unpacked = unpackCalls(packCalls(records, { redactTexts: true }));
    expect(unpacked).toEqual(records.map(withoutTexts));
    expect(unpacked[1]).toMatchObject({ status: 'ok', text: '' });
    expect(unpacked[3]).not.toHaveProperty('partialText');
  });

  it('are smaller than the JSON they carry', () => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      okCall({ requestId: `request-${i}`, latencyMs: 100 + i / 7 }),
    );
    const json = many.map((record) => JSON.stringify(record)).join('\n');
    expect(packCalls(many, { redactTexts: false }).length).toBeLessThan(json.length / 4);
  });
});

describe('withoutTexts', () => {
  it('copies a record that has texts and returns one that has none as it is', () => {
    const ok = okCall({ text: 'the answer' });
    expect(withoutTexts(ok)).toEqual({ ...ok, text: '' });
    expect(withoutTexts(ok)).not.toBe(ok);
    const blank = okCall({ text: '' });
    expect(withoutTexts(blank)).toBe(blank);
    const failed = errorCall({ partialText: 'half' });
    const { partialText: _dropped, ...rest } = failed;
    expect(withoutTexts(failed)).toEqual(rest);
    const plainFailure = errorCall();
    expect(withoutTexts(plainFailure)).toBe(plainFailure);
  });
});
