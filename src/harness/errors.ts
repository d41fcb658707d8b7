import { UserError } from '../errors.ts';
import { cutSecrets, redactSecrets } from './redact.ts';
import { cutTexts, type TextIndex } from './redact-texts.ts';

/** The client factory was given options it cannot build a client from. */
export class ClientOptionsError extends UserError {
  override name = 'ClientOptionsError';
}

/** Error messages in call records are one line and at most this long. */
export const MAX_ERROR_MESSAGE = 300;

/** Node's codes for a connection that failed or was dropped. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
]);

/** What Node and the SDK's HTTP handlers say when a connection dies mid-response. */
const NETWORK_MESSAGE =
  /socket hang up|^aborted$|premature close|HTTP\/2 stream is abnormally aborted|http2 request did not get a response|Frame type id \d+ in stream id/i;

/**
 * What @smithy/core's event-stream codec throws for a frame it cannot decode (bad prelude or message
 * CRC, a frame cut short, a length that does not add up, a bad header or message type).
 */
const STREAM_MESSAGE =
  /checksum|Truncated event message|message length does not match|too short to accommodate event stream|Unrecognizable event type|Unrecognized header type|event message where size was not a number/i;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: unknown;
  cause?: unknown;
  $response?: unknown;
}

/** ` (text/html)`: the content type of the raw response the SDK kept on the error, when it did. */
function contentTypeOf(e: ErrorLike): string {
  const headers = (e.$response as { headers?: Record<string, unknown> } | undefined)?.headers;
  const type = headers?.['content-type'];
  return typeof type === 'string' ? ` (${type.split(';')[0]?.trim()})` : '';
}

/**
 * The HTTP status of an answer the SDK could not read as Bedrock's (a deserialization error carries
 * `$metadata` but no `$fault`): a proxy's or load balancer's error page, for one. Else undefined.
 */
function unreadableHttpStatus(e: ErrorLike): number | undefined {
  if (e.$fault !== undefined || typeof e.$metadata !== 'object' || e.$metadata === null) return undefined;
  const status = (e.$metadata as { httpStatusCode?: unknown }).httpStatusCode;
  return typeof status === 'number' && status >= 300 ? status : undefined;
}

/**
 * The `errorKind` of a failed call, from what was thrown (deadline and interruption are decided by
 * the caller, who knows why it aborted). Modeled service exceptions (`$fault` set, including those
 * from a mid-stream exception frame) keep their SDK name; connection failures are `network`;
 * undecodable event-stream frames are `stream`; an HTTP error whose body is not Bedrock's JSON (a
 * proxy's HTML page) is `http`; anything else keeps its own name.
 */
export function classifyError(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const name = typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';
  if (e.$fault === 'client' || e.$fault === 'server') return name;
  if (unreadableHttpStatus(e) !== undefined) return 'http';
  const message = typeof e.message === 'string' ? e.message : '';
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'network';
  if (NETWORK_MESSAGE.test(message)) return 'network';
  // The HTTP handlers' own socket timeouts are a stalled connection, not the call's deadline.
  if (name === 'TimeoutError') return 'network';
  if (STREAM_MESSAGE.test(message)) return 'stream';
  const cause = e.cause as ErrorLike | undefined;
  if (cause && typeof cause === 'object' && cause !== error) {
    const kind = classifyError(cause);
    if (kind === 'network' || kind === 'stream') return kind;
  }
  return name;
}

/** What a call's error message must not carry: what it was signed with, and (redactTexts) its texts. */
export interface MessageCuts {
  secrets?: Iterable<string>;
  texts?: TextIndex | undefined;
}

/**
 * One line, at most MAX_ERROR_MESSAGE characters, credentials (and with `texts`, the call's texts)
 * cut out: error messages are external text and may echo the request's headers and body.
 */
export function errorMessageOf(error: unknown, cuts: MessageCuts = {}): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const status = unreadableHttpStatus(e);
  // The parser's first line quotes the body's start; the SDK's hint after it is no use in a record.
  const raw =
    status === undefined
      ? message
      : `HTTP ${status}${contentTypeOf(e)}, not a Bedrock answer: ${message.replace(/\s*Deserialization error:[\s\S]*$/, '')}`;
  // Bounded before the word search; far more than is kept.
  let line = cutSecrets(raw, cuts.secrets ?? [])
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 8 * MAX_ERROR_MESSAGE);
  if (cuts.texts !== undefined) line = cutTexts(line, cuts.texts);
  line = redactSecrets(line) || classifyError(error);
  return line.length > MAX_ERROR_MESSAGE ? `${line.slice(0, MAX_ERROR_MESSAGE - 3)}...` : line;
}
