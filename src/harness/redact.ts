/**
 * Error messages are external text: a server (or a proxy) may echo the request's headers back.
 * These patterns cut out what would let someone act as the caller (signatures, tokens, key ids)
 * before a message enters a call record, and so any output.
 */
const PATTERNS: [RegExp, string][] = [
  // SigV4 Authorization value: credential scope, signed headers and signature.
  [
    /AWS4-HMAC-SHA256\s+Credential=[^\s",}]+(?:,\s*SignedHeaders=[^\s",}]+)?(?:,\s*Signature=[0-9a-f]+)?/gi,
    'AWS4-HMAC-SHA256 [redacted]',
  ],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/g, 'Bearer [redacted]'],
  // Header echoes: `x-amz-security-token: ...`, `"authorization":"..."`, `Authorization=...`.
  [
    /((?:x-amz-security-token|authorization|x-api-key)["']?\s*[:=]\s*["']?)[^"',}\s][^"',}]*/gi,
    '$1[redacted]',
  ],
  // Access key ids (long-term AKIA, temporary ASIA).
  [/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g, '[redacted key id]'],
];

export function redactSecrets(text: string): string {
  return PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
