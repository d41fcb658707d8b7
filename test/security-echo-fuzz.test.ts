import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { callModel } from '../src/harness/call.ts';
import { indexTexts } from '../src/harness/redact-texts.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import { mulberry32, type Random } from '../src/stats/random.ts';
import { callSpec, clientAt } from './helpers/calls.ts';

/**
 * A loopback server that answers every request with a 400 whose message echoes what it was sent,
 * in a format drawn at random for each request (issue 16, items 2 and 4): header names in any case or
 * nicknamed, any separator and quoting, values raw, URL-encoded or JSON-escaped, the body whole or cut
 * short. The client signs with planted fake credentials (target bedrock, the standard chain); no
 * value the client resolved or signed with, and no text of the call, may survive into its record.
 */

const SIGV4 = {
  AWS_ACCESS_KEY_ID: 'ASIAPLANTEDFUZZ00042',
  AWS_SECRET_ACCESS_KEY: 'plantedFuzzSecret/kkkkkkkkkkkkkkkkkkkkkkkkkkk+Q',
  AWS_SESSION_TOKEN: 'IQoJplantedFuzzSession/+=mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm==',
};
const BEARER = { AWS_BEARER_TOKEN_BEDROCK: 'ABSKplantedFuzzBearer+/nnnnnnnnnnnnnnnnnnnnnnnnnnnn=' };

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const SEPARATORS = [': ', ':', '=', ' = ', '\t', ' ', ' => ', '": "', "' => '", ' is ', '->', '|'];
const QUOTES = ['', '"', "'", '<', '[', '`'];
const JOINERS = [', ', '; ', '\n', ' | ', '&', ' ', '\r\n'];

function nameOf(random: Random, name: string): string {
  const nick: Record<string, string[]> = {
    authorization: ['auth', 'Authorization', 'AUTHORIZATION', 'authz'],
    'x-amz-security-token': ['token', 'X-Amz-Security-Token', 'X-AMZ-SECURITY-TOKEN', 'session', 'tok'],
    signature: ['sig', 'Signature', 'signature', 's'],
    'access-key': ['key', 'AccessKeyId', 'akid', 'k'],
    secret: ['secret', 'SecretAccessKey', 'sk'],
  };
  return random() < 0.2 ? '' : pick(random, [name, ...(nick[name] ?? [])]);
}

function encode(random: Random, value: string): string {
  const r = random();
  if (r < 0.4) return value;
  if (r < 0.6) return encodeURIComponent(value);
  if (r < 0.8) return JSON.stringify(value).slice(1, -1).replaceAll('/', '\\/');
  return value.toUpperCase();
}

/** One echo of the request: what it signed with, in a random format, secrets first so they fit. */
function echo(random: Random, seen: Seen): string {
  const auth = String(seen.headers.authorization ?? '');
  const items: [string, string][] = [['authorization', auth]];
  const signature = /Signature=([0-9a-f]+)/.exec(auth)?.[1];
  if (signature) items.push(['signature', signature]);
  const keyId = /Credential=([^/]+)/.exec(auth)?.[1];
  if (keyId) items.push(['access-key', keyId]);
  const token = seen.headers['x-amz-security-token'];
  if (typeof token === 'string') items.push(['x-amz-security-token', token]);
  // A proxy that logs the caller's configuration could hold the secret too.
  if (auth.startsWith('AWS4') && random() < 0.3) items.push(['secret', SIGV4.AWS_SECRET_ACCESS_KEY]);
  if (random() < 0.3) items.push(['x-amz-date', String(seen.headers['x-amz-date'])]);
  const shuffled = items.sort(() => random() - 0.5);
  const quote = pick(random, QUOTES);
  const close = quote === '<' ? '>' : quote === '[' ? ']' : quote;
  const parts = shuffled.map(([name, value]) => {
    const shown = nameOf(random, name);
    const sep = shown === '' ? '' : pick(random, SEPARATORS);
    return `${shown}${sep}${quote}${encode(random, value)}${close}`;
  });
  return `${pick(random, ['you sent ', 'denied: ', '', 'headers='])}${parts.join(pick(random, JOINERS))}`;
}

let server: Server;
let endpoint: string;
let respond: (seen: Seen) => string;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const message = respond({ headers: request.headers, body });
      response.writeHead(400, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      });
      response.end(JSON.stringify({ message }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function plant(env: Record<string, string>): void {
  for (const name of ['AWS_PROFILE', 'AWS_BEARER_TOKEN_BEDROCK', 'AWS_SESSION_TOKEN'])
    vi.stubEnv(name, undefined);
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/converse-bench/credentials');
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/converse-bench/config');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}

/** Every form of a value a record could carry it in, lower-cased. */
function forms(value: string): string[] {
  return [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1).replaceAll('/', '\\/')].map(
    (v) => v.toLowerCase(),
  );
}

async function fuzzedCalls(env: Record<string, string>, seed: number, calls: number) {
  plant(env);
  const random = mulberry32(seed);
  const signatures: string[] = [];
  const echoes: string[] = [];
  respond = (seen) => {
    const signature = /Signature=([0-9a-f]+)/.exec(String(seen.headers.authorization ?? ''))?.[1];
    if (signature) signatures.push(signature);
    const message = echo(random, seen);
    echoes.push(message);
    return message;
  };
  const client = clientAt(endpoint, { target: 'bedrock' });
  const records: CallRecord[] = [];
  try {
    for (let i = 0; i < calls; i++) records.push(await callModel(client.client, callSpec({ invocation: i })));
  } finally {
    client.destroy();
  }
  return { records, signatures, echoes };
}

describe('credentials echoed in any format never reach a record', () => {
  test('SigV4 with a session token: 150 fuzzed echoes', async () => {
    const { records, signatures, echoes } = await fuzzedCalls(SIGV4, 16, 150);
    expect(records.every((r) => r.status === 'error' && r.errorKind === 'ValidationException')).toBe(true);
    expect(signatures).toHaveLength(150);
    // The echoes carried them (so the search means something) ...
    expect(
      echoes.filter((e) => e.toLowerCase().includes(SIGV4.AWS_SESSION_TOKEN.toLowerCase())).length,
    ).toBeGreaterThan(20);
    // ... and no record does, in any form.
    const secrets = [...Object.values(SIGV4), ...signatures].flatMap(forms);
    for (const record of records) {
      const text = JSON.stringify(record).toLowerCase();
      for (const secret of secrets) expect(text, JSON.stringify(record)).not.toContain(secret);
    }
  });

  test('a Bedrock API key (bearer token): 100 fuzzed echoes', async () => {
    const { records, echoes } = await fuzzedCalls({ ...SIGV4, ...BEARER }, 17, 100);
    expect(echoes.some((e) => e.includes(BEARER.AWS_BEARER_TOKEN_BEDROCK))).toBe(true);
    const secrets = [...Object.values(SIGV4), ...Object.values(BEARER)].flatMap(forms);
    for (const record of records) {
      const text = JSON.stringify(record).toLowerCase();
      for (const secret of secrets) expect(text, JSON.stringify(record)).not.toContain(secret);
    }
  });

  test('a bare sig=<hex> echo of the signature is cut', async () => {
    plant(SIGV4);
    let signature = '';
    respond = (seen) => {
      signature = /Signature=([0-9a-f]+)/.exec(String(seen.headers.authorization))?.[1] ?? '';
      return `request failed (sig=${signature})`;
    };
    const client = clientAt(endpoint, { target: 'bedrock' });
    const record = await callModel(client.client, callSpec());
    client.destroy();
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(record).toMatchObject({ status: 'error', errorMessage: 'request failed (sig=[redacted])' });
  });
});

/** Three words in a row of the text, lower-cased: what the call's texts may never leave behind. */
function wordTriples(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const triples = new Set<string>();
  for (let i = 0; i + 2 < words.length; i++) triples.add(words.slice(i, i + 3).join(' '));
  return triples;
}

describe('with redactTexts, the call texts echoed back are cut from its error message', () => {
  const DOCUMENT =
    'The harbour bridge closed for two nights of cable inspection.\nEngineers found no damage and reopened it on schedule; traffic moved to the "ferry", which added three extra crossings each evening.';
  const PROMPT = `Summarize the following document in two sentences.\n\n${DOCUMENT}`;

  function bodyEcho(random: Random, seen: Seen): string {
    const r = random();
    const body =
      r < 0.5 ? seen.body : r < 0.75 ? seen.body.slice(0, 120 + Math.floor(random() * 200)) : PROMPT;
    return `${pick(random, ['Malformed input request: ', 'bad body ', ''])}${body}`;
  }

  test('80 fuzzed echoes of the request body: no three words of the prompt in a row survive', async () => {
    plant(SIGV4);
    const random = mulberry32(4);
    const echoes: string[] = [];
    respond = (seen) => {
      const message = bodyEcho(random, seen);
      echoes.push(message);
      return message;
    };
    const client = clientAt(endpoint, { target: 'bedrock' });
    const texts = indexTexts([PROMPT]);
    const records: CallRecord[] = [];
    for (let i = 0; i < 80; i++) {
      records.push(await callModel(client.client, callSpec({ prompt: PROMPT, textsToCut: texts })));
    }
    client.destroy();
    expect(echoes.every((e) => e.includes('harbour'))).toBe(true);
    const triples = wordTriples(PROMPT);
    for (const record of records) {
      const message = record.status === 'error' ? record.errorMessage : '';
      expect(message).toContain('[redacted text]');
      for (const triple of wordTriples(message)) expect(triples.has(triple), message).toBe(false);
    }
  });

  test('without redactTexts the message is kept as sent (the echo is the user own data)', async () => {
    plant(SIGV4);
    respond = () => 'bad body: The harbour bridge closed for two nights';
    const client = clientAt(endpoint, { target: 'bedrock' });
    const record = await callModel(client.client, callSpec({ prompt: PROMPT }));
    client.destroy();
    expect(record).toMatchObject({ errorMessage: 'bad body: The harbour bridge closed for two nights' });
  });
});
