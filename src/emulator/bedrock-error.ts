/**
 * An error answer as Bedrock sends it: HTTP status, `x-amzn-errortype` header, JSON `{ "message" }`
 * body. The SDK picks the exception class from the header, so the type names must match Bedrock's.
 */
export class BedrockError extends Error {
  override readonly name = 'BedrockError';
  readonly status: number;
  readonly errorType: string;

  constructor(status: number, errorType: string, message: string) {
    super(message);
    this.status = status;
    this.errorType = errorType;
  }
}

/** Coral-style constraint message, as Bedrock words them (`1 validation error detected: ...`). */
export function constraintError(value: unknown, path: string, constraint: string): BedrockError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return new BedrockError(
    400,
    'ValidationException',
    `1 validation error detected: Value '${shown}' at '${path}' failed to satisfy constraint: ${constraint}`,
  );
}

export function validationError(message: string): BedrockError {
  return new BedrockError(400, 'ValidationException', message);
}

export const invalidModelError = (): BedrockError =>
  validationError('The provided model identifier is invalid.');

export const noAccessError = (): BedrockError =>
  new BedrockError(
    403,
    'AccessDeniedException',
    "You don't have access to the model with the specified model ID.",
  );

export const notJsonError = (detail: string): BedrockError =>
  new BedrockError(400, 'SerializationException', `The request body is not valid JSON: ${detail}`);

export function bodyTooLargeError(limit: number): BedrockError {
  return new BedrockError(
    413,
    'ValidationException',
    `The request body is larger than the ${limit}-byte limit. Send a smaller request and try again.`,
  );
}

export function unknownRouteError(method: string, path: string): BedrockError {
  return new BedrockError(
    404,
    'UnknownOperationException',
    `No operation matches ${method} ${path}. Use POST /model/{modelId}/converse or /model/{modelId}/converse-stream.`,
  );
}

export function methodNotAllowedError(method: string, path: string): BedrockError {
  return new BedrockError(
    405,
    'MethodNotAllowedException',
    `Method ${method} is not allowed on ${path}. Send the request with POST.`,
  );
}

/** HTTP status and error type for a Bedrock exception named in a stream's camelCase style. */
const STREAM_EXCEPTION_STATUS: Readonly<Record<string, number>> = {
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  ModelStreamErrorException: 424,
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
};

/**
 * The HTTP error a Converse call gets for a fault planned as a stream exception
 * (`modelStreamErrorException` -> 424 ModelStreamErrorException).
 */
export function httpErrorForStreamException(exceptionType: string, message: string): BedrockError {
  const errorType = exceptionType.charAt(0).toUpperCase() + exceptionType.slice(1);
  return new BedrockError(STREAM_EXCEPTION_STATUS[errorType] ?? 500, errorType, message);
}
