/**
 * Checks on a file's raw bytes before CSV parsing: byte-order marks, binary content, UTF-8 validity,
 * and the mapping from byte offsets to 1-based line numbers used in error messages.
 */

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** The bytes without a leading UTF-8 byte-order mark (Excel writes one for "CSV UTF-8"). */
export function stripUtf8Bom(bytes: Buffer): Buffer {
  return UTF8_BOM.every((b, i) => bytes[i] === b) ? bytes.subarray(UTF8_BOM.length) : bytes;
}

/** True for a UTF-16 byte-order mark (FF FE or FE FF): Excel's "Unicode text" export. */
export function hasUtf16Bom(bytes: Buffer): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/**
 * Offset of the first byte that is not valid UTF-8, or -1. Valid UTF-8 survives a decode/encode round
 * trip byte for byte, and the first replacement character marks where it stops doing so.
 */
export function firstInvalidUtf8(bytes: Buffer): number {
  const roundTrip = Buffer.from(bytes.toString('utf8'), 'utf8');
  const n = Math.min(bytes.length, roundTrip.length);
  for (let i = 0; i < n; i++) {
    if (bytes[i] !== roundTrip[i]) return i;
  }
  return bytes.length === roundTrip.length ? -1 : n;
}

/** Maps byte offsets to 1-based line numbers; `\r\n`, `\n` and a lone `\r` each end a line. */
export class LineIndex {
  readonly #starts: number[] = [0];
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) this.#starts.push(i + 1);
    }
  }

  /** Line holding the byte at `offset` (an offset at the end of the buffer is on the last line). */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Line of the first byte at or after `offset` that is not a line break (skips blank lines). */
  lineOfContentFrom(offset: number): number {
    let i = offset;
    while (i < this.#bytes.length && (this.#bytes[i] === 0x0a || this.#bytes[i] === 0x0d)) i++;
    return this.lineAt(Math.min(i, Math.max(0, this.#bytes.length - 1)));
  }
}
