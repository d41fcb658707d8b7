/**
 * Error messages are external text: a server (or a proxy) may echo the request's headers back, in
 * any format. Two layers cut out what would let someone act as the caller before a message enters a
 * call record, and so any output: the literal values this call was signed with (`cutSecrets`, in the
 * forms an echo may carry them: as sent, URL-encoded, JSON-escaped, in any letter case), then these
 * patterns, for what the client did not sign with (another caller's token in a proxy's message).
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

/** Shorter values are not secrets worth the risk of shredding ordinary words. */
const MIN_SECRET_LENGTH = 8;

/** The forms a value takes in an echo: as sent, URL-encoded, JSON-escaped (with or without `\/`). */
function echoForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [value, encodeURIComponent(value), json, json.replaceAll('/', '\\/')];
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with every form of every secret replaced by `[redacted]`, in any letter case. */
export function cutSecrets(text: string, secrets: Iterable<string>): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) for (const form of echoForms(secret)) forms.add(form);
  }
  if (forms.size === 0) return text;
  // Longest first, so a whole Authorization value goes before the signature inside it.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return text.replace(new RegExp(alternatives.join('|'), 'gi'), '[redacted]');
}
