import type { BedrockError } from './bedrock-error.ts';
import type { Exchange } from './exchange.ts';
import type { GroundTruthEntry } from './ground-truth.ts';

/** Answers with Bedrock's error shape and notes it in the request's ground truth. */
export function sendError(
  ex: Exchange,
  entry: GroundTruthEntry | undefined,
  requestId: string,
  error: BedrockError,
): void {
  if (entry) {
    entry.status = error.status;
    entry.errorType = error.errorType;
  }
  ex.json(
    error.status,
    { 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.errorType },
    { message: error.message },
  );
}
