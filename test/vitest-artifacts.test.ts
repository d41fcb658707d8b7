import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/records/call-record.ts';
import { buildOutputs, outputText } from '../src/report/build-outputs.ts';
import type { ReportInputs } from '../src/report/report-inputs.ts';
import { withoutTexts } from '../src/report/without-texts.ts';
import { PackedTexts, packCalls, unpackCalls, unpackRecords } from '../src/vitest/artifacts.ts';
import {
  DOCUMENTS,
  errorCall,
  okCall,
  sampleInputs,
  streamedCall,
  warmupCall,
} from './fixtures/report-records.ts';

describe('calls artifacts', () => {
  const records = [
    warmupCall(),
    okCall({ text: 'the answer' }),
    streamedCall(),
    errorCall({ partialText: 'half' }),
  ];

  it('pack a batch of records and give them back as they were', () => {
    const packed = packCalls(records, { redactTexts: false });
    expect(packed.packed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(packed.texts).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(unpackCalls(packed)).toEqual(records);
    expect(unpackCalls(packCalls([], { redactTexts: false }))).toEqual([]);
  });

  it('pack the texts apart: the records alone come back without them', () => {
    const { packed } = packCalls(records, { redactTexts: false });
    expect(unpackRecords(packed)).toEqual(records.map(withoutTexts));
  });

  it('leave out the texts of a model run with redactTexts, as the journal does', () => {
    const redacted = packCalls(records, { redactTexts: true });
    expect(redacted.texts).toBeUndefined();
    const unpacked = unpackCalls(redacted);
    expect(unpacked).toEqual(records.map(withoutTexts));
    expect(unpacked[1]).toMatchObject({ status: 'ok', text: '' });
    expect(unpacked[3]).not.toHaveProperty('partialText');
  });

  it('are smaller than the JSON they carry', () => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      okCall({ requestId: `request-${i}`, latencyMs: 100 + i / 7 }),
    );
    const json = many.map((record) => JSON.stringify(record)).join('\n');
    const { packed, texts = '' } = packCalls(many, { redactTexts: false });
    expect(packed.length + texts.length).toBeLessThan(json.length / 4);
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

describe('PackedTexts', () => {
  const packedTextsOf = (batch: CallRecord[]): string => {
    const { texts } = packCalls(batch, { redactTexts: false });
    if (texts === undefined) throw new Error('texts kept, so packed');
    return texts;
  };
  const documents = () => DOCUMENTS;
  const texts = (built: ReturnType<typeof buildOutputs>): string[] => built.files.map(outputText);

  /** The inputs as the reporter gathers them: records without texts, responses left in batches of `size`. */
  function gathered(inputs: ReportInputs, size: number): ReportInputs {
    return {
      ...inputs,
      models: inputs.models.map((entry) => {
        const packedTexts = new PackedTexts();
        for (let i = 0; i < entry.records.length; i += size) {
          const batch = entry.records.slice(i, i + size);
          packedTexts.add(packedTextsOf(batch), batch.length);
        }
        return { ...entry, records: entry.records.map(withoutTexts), texts: packedTexts };
      }),
    };
  }

  it('give each record its own response, across batch ends and in any order', () => {
    const batch = [
      okCall({ text: 'one' }),
      errorCall({ partialText: 'half' }),
      errorCall(),
      okCall({ text: 'four' }),
    ];
    const packedTexts = new PackedTexts();
    packedTexts.add(packedTextsOf(batch.slice(0, 3)), 3);
    packedTexts.add(packedTextsOf(batch.slice(3)), 1);
    expect([0, 1, 2, 3].map((i) => packedTexts.responseOf(i))).toEqual(['one', 'half', undefined, 'four']);
    expect([3, 0, 3, 1].map((i) => packedTexts.responseOf(i))).toEqual(['four', 'one', 'four', 'half']);
    expect(packedTexts.responseOf(4)).toBeUndefined();
  });

  it('make the same outputs, byte for byte, as records that carry their texts', () => {
    const direct = sampleInputs();
    const [source, candidate] = direct.models;
    if (!source || !candidate) throw new Error('fixture has two models');
    source.records = [
      warmupCall({ text: 'warm' }),
      okCall({ text: 'an answer, "quoted"' }),
      errorCall({ partialText: 'cut short' }),
      okCall({ invocation: 1, text: 'another\nline' }),
    ];
    candidate.records = candidate.records.map((record, i) => ({ ...record, text: `streamed ${i}` }));
    for (const size of [1, 2, 1000]) {
      const built = texts(buildOutputs(gathered(direct, size), documents));
      expect(built).toEqual(texts(buildOutputs(direct, documents)));
      expect(built.join('')).toContain('cut short');
    }
  });
});
