import { createHash } from 'node:crypto';
import { readUserText } from '../errors.ts';
import type { Turn } from '../records/call-record.ts';
import { isJsonObject } from '../records/json-object.ts';
import { type Dataset, type DatasetDocument, DOCUMENT_CHAR_LIMIT } from './dataset-rows.ts';
import { DatasetError } from './errors.ts';

/**
 * The conversation form of the dataset (a `.jsonl` file): one JSON object per line, a whole multi-turn
 * conversation in Converse's own shape, and optionally a reference answer:
 * `{"messages": [{"role": "user", "content": [{"text": "..."}]}, {"role": "assistant", ...}, ...],
 *   "referenceResponse": "..."}`. It starts with a user turn, alternates user and assistant, and ends
 * with the user turn the model answers. That last turn's text is the row's `document` (the prompt
 * template wraps it); the turns before it are sent as they are. Blank lines are skipped.
 */
export function loadConversations(path: string): Dataset {
  const text = readUserText(path, (code, cause) => {
    const problem =
      code === 'ENOENT'
        ? 'no such file; check the path (relative paths start at the project root)'
        : `cannot be read (${code}); check the path and its permissions`;
    return new DatasetError(path, undefined, problem, { cause });
  });
  const documents: DatasetDocument[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    documents.push(parseLine(path, i + 1, raw, documents.length));
  });
  if (documents.length === 0) {
    throw new DatasetError(
      path,
      undefined,
      'has no conversations; write one JSON object per line with "messages"',
    );
  }
  return { path, documents, fingerprint: conversationsFingerprint(documents) };
}

function parseLine(path: string, line: number, raw: string, index: number): DatasetDocument {
  const fail = (problem: string): never => {
    throw new DatasetError(path, line, problem);
  };
  let row: unknown;
  try {
    row = JSON.parse(raw);
  } catch (error) {
    fail(
      `is not JSON (${error instanceof Error ? error.message : String(error)}); write one JSON object per line`,
    );
  }
  if (!isJsonObject(row))
    return fail('must be a JSON object with "messages" and optionally "referenceResponse"');
  for (const key of Object.keys(row)) {
    if (key !== 'messages' && key !== 'referenceResponse') {
      fail(`"${key}" is not a field of a conversation; allowed: messages, referenceResponse`);
    }
  }
  const reference = row.referenceResponse ?? '';
  if (typeof reference !== 'string') fail('"referenceResponse" must be a text');
  const messages = row.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return fail('"messages" must be a non-empty list of { "role", "content": [{ "text" }] }');
  }
  const turns = messages.map((message, i) => parseTurn(message, i, fail));
  turns.forEach((turn, i) => {
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (turn.role !== expected) {
      fail(
        `messages[${i}] is from ${turn.role}, expected ${expected}: a conversation starts with a user turn and alternates user and assistant`,
      );
    }
  });
  if (turns.length % 2 === 0) {
    fail(
      `messages[${turns.length - 1}] is from assistant; end the conversation with the user turn the model answers`,
    );
  }
  const last = turns.at(-1) as Turn;
  const document = last.texts.join('\n');
  if (document.length > DOCUMENT_CHAR_LIMIT) {
    fail(
      `the last user turn has ${document.length} characters, over the limit of ${DOCUMENT_CHAR_LIMIT}; shorten it`,
    );
  }
  return { index, document, referenceResponse: reference as string, line, history: turns.slice(0, -1) };
}

function parseTurn(message: unknown, i: number, fail: (problem: string) => never): Turn {
  const at = `messages[${i}]`;
  if (!isJsonObject(message))
    return fail(`${at} must be { "role": "user" | "assistant", "content": [{ "text" }] }`);
  const { role, content } = message;
  if (role !== 'user' && role !== 'assistant') fail(`${at}.role must be "user" or "assistant"`);
  if (!Array.isArray(content) || content.length === 0) {
    return fail(`${at}.content must be a non-empty list of { "text": "..." } blocks`);
  }
  const texts = content.map((block, j) => {
    if (!isJsonObject(block) || typeof block.text !== 'string' || Object.keys(block).length !== 1) {
      return fail(`${at}.content[${j}] must be { "text": "..." }: only text content is supported`);
    }
    if (block.text.trim() === '')
      fail(`${at}.content[${j}].text is blank; Bedrock refuses a blank text block`);
    return block.text;
  });
  return { role: role as Turn['role'], texts };
}

/** sha256 (hex) over every conversation in order: each turn's role and texts, length-prefixed. */
function conversationsFingerprint(documents: readonly DatasetDocument[]): string {
  const hash = createHash('sha256');
  for (const d of documents) {
    const turns = [...(d.history ?? []), { role: 'user', texts: [d.document] }];
    hash.update(`${turns.length}:`);
    for (const turn of turns) {
      for (const part of [turn.role, ...turn.texts])
        hash.update(`${Buffer.byteLength(part, 'utf8')}:${part}`, 'utf8');
    }
  }
  return hash.digest('hex');
}
