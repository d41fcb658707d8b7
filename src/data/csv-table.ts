import { readFileSync } from 'node:fs';
import type { CsvError } from 'csv-parse/sync';
import { parse } from 'csv-parse/sync';
import { DatasetError } from './errors.ts';
import { firstInvalidUtf8, hasUtf16Bom, LineIndex, stripUtf8Bom } from './text-bytes.ts';

/**
 * Reads a small CSV input file (dataset or tracking file) into rows keyed by header name, each with
 * the file line it starts on. Everything that makes the file unusable is a DatasetError naming the
 * file, the line and the fix; a UTF-8 byte-order mark is accepted.
 */

export interface CsvRow {
  /** Cells by trimmed header name; extra columns are kept, missing optional columns are ''. */
  cells: Record<string, string>;
  /** 1-based file line the record starts on (a quoted cell may span several lines). */
  line: number;
}

export interface CsvTable {
  /** Header names as written, trimmed. */
  columns: string[];
  rows: CsvRow[];
}

export interface ColumnSpec {
  required: readonly string[];
  optional: readonly string[];
}

interface ParsedRecord {
  record: string[];
  info: { bytes: number };
}

const OTHER_DELIMITERS: ReadonlyArray<[string, string]> = [
  [';', 'semicolons'],
  ['\t', 'tabs'],
  ['|', 'pipes'],
];

export function readCsvTable(file: string, spec: ColumnSpec): CsvTable {
  const bytes = checkedBytes(file);
  const lines = new LineIndex(bytes);
  const records = parseRecords(file, bytes, lines);
  const [header, ...body] = records;
  if (header === undefined) {
    throw new DatasetError(file, undefined, `file is empty; ${headerFix(spec)}`);
  }
  const columns = checkHeader(file, lines.lineOfContentFrom(0), header.record, spec);
  if (body.length === 0) {
    throw new DatasetError(
      file,
      undefined,
      'has a header but no rows; add at least one row below the header',
    );
  }
  const rows: CsvRow[] = [];
  let previousEnd = header.info.bytes;
  for (const { record, info } of body) {
    const cells: Record<string, string> = {};
    for (const name of spec.optional) cells[name] = '';
    columns.forEach((name, i) => {
      cells[name] = record[i] ?? '';
    });
    rows.push({ cells, line: lines.lineOfContentFrom(previousEnd) });
    previousEnd = info.bytes;
  }
  return { columns, rows };
}

function headerFix(spec: ColumnSpec): string {
  return `write a header line (${spec.required.join(',')}) and one row per line`;
}

function checkedBytes(file: string): Buffer {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'no such file; check the path (relative paths start at the project root)'
        : code === 'EISDIR'
          ? 'is a directory; give the path of a .csv file'
          : `cannot be read (${code ?? String(error)}); check its permissions`;
    throw new DatasetError(file, undefined, problem, { cause: error });
  }
  if (hasUtf16Bom(raw)) {
    throw new DatasetError(file, undefined, 'is UTF-16 encoded; save it as UTF-8 (Excel: "CSV UTF-8")');
  }
  const bytes = stripUtf8Bom(raw);
  const lines = new LineIndex(bytes);
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new DatasetError(
      file,
      lines.lineAt(nul),
      'contains NUL bytes, so it is binary, not CSV text; export the data as CSV UTF-8',
    );
  }
  const invalid = firstInvalidUtf8(bytes);
  if (invalid !== -1) {
    const hex = (bytes[invalid] ?? 0).toString(16).padStart(2, '0');
    throw new DatasetError(
      file,
      lines.lineAt(invalid),
      `invalid UTF-8 (byte 0x${hex} at offset ${invalid}); save the file as UTF-8`,
    );
  }
  return bytes;
}

function parseRecords(file: string, bytes: Buffer, lines: LineIndex): ParsedRecord[] {
  // Where the last good record ended: a failing record starts after it. (The error's own
  // `bytes_records` can point into the middle of the failing record.)
  let lastRecordEnd = 0;
  try {
    // Explicit record delimiters: auto-detection takes the first one seen, so a file with mixed line
    // endings would keep stray '\r' characters in its cells.
    return parse(bytes, {
      info: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (record, context) => {
        lastRecordEnd = context.bytes;
        return record;
      },
    }) as unknown as ParsedRecord[];
  } catch (error) {
    throw mapParseError(file, error as CsvError, lines.lineOfContentFrom(lastRecordEnd));
  }
}

/** csv-parse's errors, with the line the bad record starts on (or the bad quote is on) and a fix. */
function mapParseError(file: string, error: CsvError, startLine: number): DatasetError {
  const errorLine = typeof error.lines === 'number' ? error.lines : startLine;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new DatasetError(
        file,
        startLine,
        'a quoted cell starting in this row is never closed; add the closing double quote (write "" for a quote inside a cell)',
        { cause: error },
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
      return new DatasetError(
        file,
        errorLine,
        'stray double quote in a cell; wrap the whole cell in double quotes and double every quote inside it',
        { cause: error },
      );
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const got = Array.isArray(error.record) ? error.record.length : undefined;
      const expected = /expect (\d+)/.exec(error.message)?.[1];
      return new DatasetError(
        file,
        startLine,
        `has ${got ?? 'a different number of'} cells but the header has ${expected ?? 'another number'}; wrap cells that contain commas in double quotes`,
        { cause: error },
      );
    }
    default:
      return new DatasetError(file, errorLine, `is not valid CSV (${error.message}); fix the row`, {
        cause: error,
      });
  }
}

function checkHeader(file: string, line: number, header: string[], spec: ColumnSpec): string[] {
  const columns = header.map((name) => name.trim());
  const first = columns[0] ?? '';
  if (columns.length === 1) {
    const other = OTHER_DELIMITERS.find(([delimiter]) => first.includes(delimiter));
    if (other !== undefined) {
      throw new DatasetError(
        file,
        line,
        `the header is separated by ${other[1]}, not commas; save the file as comma-separated CSV`,
      );
    }
  }
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name)) {
      throw new DatasetError(
        file,
        line,
        `column "${name}" appears twice in the header; rename or remove one`,
      );
    }
    seen.add(name);
  }
  for (const name of spec.required) {
    if (seen.has(name)) continue;
    const nearly = columns.find((found) => found.toLowerCase() === name.toLowerCase());
    const found = columns.map((c) => (c === '' ? '(empty)' : c)).join(', ');
    const fix = nearly === undefined ? headerFix(spec) : `rename "${nearly}" to "${name}"`;
    throw new DatasetError(file, line, `missing column "${name}" (found: ${found}); ${fix}`);
  }
  return columns;
}
