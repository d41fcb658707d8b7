import type { Readable } from 'node:stream';

export type BodyResult = { kind: 'ok'; text: string } | { kind: 'too-large'; bytes: number };

/**
 * Reads a request body as UTF-8, keeping at most `maxBytes`. A larger body is still drained to its end
 * (so the client can read the error answer instead of failing on a reset) but not kept.
 */
export async function readBody(stream: Readable, maxBytes: number): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    if (bytes <= maxBytes) chunks.push(buffer);
  }
  if (bytes > maxBytes) return { kind: 'too-large', bytes };
  return { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') };
}
