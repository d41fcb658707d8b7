import { EventStreamCodec } from '@smithy/core/event-streams';
import type { MessageHeaders } from '@smithy/types';

/** Encoding of ConverseStream's `application/vnd.amazon.eventstream` frames. */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const codec = new EventStreamCodec(
  (bytes) => decoder.decode(bytes),
  (text) => encoder.encode(text),
);

function frame(headers: MessageHeaders, payload: unknown): Uint8Array {
  return codec.encode({ headers, body: encoder.encode(JSON.stringify(payload)) });
}

/** An event frame such as `contentBlockDelta`; the payload is the event's JSON member. */
export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return frame(
    {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    payload,
  );
}

/** A mid-stream exception frame, e.g. `modelStreamErrorException`, with a JSON `{ message }` body. */
export function encodeException(exceptionType: string, message: string): Uint8Array {
  return frame(
    {
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    { message },
  );
}

/** The first half of a frame: the reader sees a prelude promising bytes that never come. */
export function truncateFrame(bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, Math.floor(bytes.length / 2));
}

/** The frame with its trailing message CRC flipped, so checksum validation fails. */
export function breakCrc(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const last = copy.length - 1;
  copy[last] = (copy[last] ?? 0) ^ 0xff;
  return copy;
}
