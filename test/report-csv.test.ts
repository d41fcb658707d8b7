import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { renderCsv } from '../src/report/csv.ts';
import { CSV_COLUMNS, toCsvRow } from '../src/report/rows.ts';
import { errorCall, okCall } from './fixtures/report-records.ts';

const documents = [
  { document: 'Plain, with a comma and "quotes"\nand a newline', referenceResponse: '@SUM(A1:A2)' },
];
const context = { transport: 'http2', documents, redactTexts: false } as const;

describe('renderCsv', () => {
  it('writes the header then one line per row', () => {
    const text = renderCsv([toCsvRow(okCall({ document: 5 }), context)]);
    const [header, first] = text.split('\n');
    expect(header).toBe(CSV_COLUMNS.join(','));
    expect(
      first?.startsWith(
        'anthropic.claude-3-haiku-20240307-v1:0,us-east-1,standard,,,A short summary.,1.2345,1100,812,190,success,,',
      ),
    ).toBe(true);
  });

  it('guards spreadsheet formulas in external text', () => {
    const rows = [
      toCsvRow(okCall({ document: 0, text: '=HYPERLINK("http://evil","x")' }), context),
      toCsvRow(errorCall({ errorMessage: '+1 more', modelId: '-model' }), context),
    ];
    const parsed = parse(renderCsv(rows), { columns: true }) as Record<string, string>[];
    expect(parsed[0]?.model_response).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(parsed[0]?.referenceResponse).toBe(`'@SUM(A1:A2)`);
    expect(parsed[1]?.error_message).toBe(`'+1 more`);
    expect(parsed[1]?.model).toBe(`'-model`);
  });

  it('guards cells whose formula hides behind a line feed or leading spaces', () => {
    const rows = [
      toCsvRow(okCall({ document: 0, text: '\n=1+1' }), context),
      toCsvRow(errorCall({ errorMessage: '  =cmd|"/c calc"!A1', modelId: ' \t+model' }), context),
    ];
    const parsed = parse(renderCsv(rows), { columns: true }) as Record<string, string>[];
    expect(parsed[0]?.model_response).toBe(`'\n=1+1`);
    expect(parsed[1]?.error_message).toBe(`'  =cmd|"/c calc"!A1`);
    expect(parsed[1]?.model).toBe(`' \t+model`);
  });

  it('leaves text that merely contains a formula sign alone', () => {
    const parsed = parse(renderCsv([toCsvRow(errorCall({ errorMessage: 'a = b' }), context)]), {
      columns: true,
    }) as Record<string, string>[];
    expect(parsed[0]?.error_message).toBe('a = b');
  });

  it('leaves negative numbers alone: they are numbers, not formulas', () => {
    const parsed = parse(renderCsv([toCsvRow(okCall({ queueDelayMs: -0.5 }), context)]), {
      columns: true,
    }) as Record<string, string>[];
    expect(parsed[0]?.queue_delay_ms).toBe('-0.5');
  });

  it('quotes commas, quotes and newlines so the text round-trips', () => {
    const text = renderCsv([toCsvRow(okCall({ document: 0 }), context)]);
    expect(text).toContain('"Plain, with a comma and ""quotes""\nand a newline"');
    const parsed = parse(text, { columns: true }) as Record<string, string>[];
    expect(parsed[0]?.document).toBe(documents[0]?.document);
    expect(parsed[0]?.attempt_ms).toBe('1234.5');
  });

  it('writes only a header when there are no rows', () => {
    expect(renderCsv([])).toBe(`${CSV_COLUMNS.join(',')}\n`);
  });
});
