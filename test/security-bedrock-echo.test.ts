import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { shownEndpoint } from '../src/records/endpoint.ts';
import { answerConverse } from './helpers/calls.ts';
import { childEnv, FIXTURE_DATA_ENV, ROOT, vitestBench } from './helpers/subprocess.ts';

/**
 * `vitest bench` with target bedrock against a loopback server (there is no AWS account here) that
 * answers the preflight and then echoes every request's headers and body in its error (issue 16,
 * items 2-4). The endpoint carries a user name, a password and secret-looking query parameters; the
 * credentials are planted fakes; redactTexts is on. No planted value, no signature, no part of the
 * endpoint's userinfo or secret query and no run of the documents' words may reach any output or
 * the printout.
 */
const PROJECT = join(ROOT, 'test/fixtures/project');
const PLANTED = {
  AWS_ACCESS_KEY_ID: 'ASIAPLANTEDE2E000016',
  AWS_SECRET_ACCESS_KEY: 'plantedE2eSecret/pppppppppppppppppppppppppppp',
  AWS_SESSION_TOKEN: 'IQoJplantedE2eSession/+=qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq==',
};
const USERINFO = 'proxyuser:hunter2planted';
const QUERY_SECRETS = ['sigplanted0123456789abcdef', 'apikeyplanted77'];

let server: Server;
let port = 0;
const signatures: string[] = [];
let echoes = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const signature = /Signature=([0-9a-f]+)/.exec(String(request.headers.authorization))?.[1];
      if (signature) signatures.push(signature);
      if (
        (JSON.parse(body) as { inferenceConfig?: { maxTokens?: number } }).inferenceConfig?.maxTokens === 1
      ) {
        answerConverse(response);
        return;
      }
      response.writeHead(400, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'ValidationException',
      });
      const headers = Object.entries(request.headers)
        .map(([name, value]) => `${name}\t${value}`)
        .join(' ');
      // Headers first or the body first, in turns: messages are kept to 300 characters.
      const echo = `token=${request.headers['x-amz-security-token']} ${headers}`;
      const message = ++echoes % 2 === 0 ? `${echo} ${body}` : `${body} ${echo}`;
      response.end(JSON.stringify({ message }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
});

function wordTriples(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const triples = new Set<string>();
  for (let i = 0; i + 2 < words.length; i++) triples.add(words.slice(i, i + 3).join(' '));
  return triples;
}

test('nothing secret and none of the texts reach any output or the printout', {
  timeout: 120_000,
}, async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'converse-bench-bedrock-echo-'));
  const endpoint = `http://${USERINFO}@127.0.0.1:${port}/?X-Amz-Signature=${QUERY_SECRETS[0]}&api_key=${QUERY_SECRETS[1]}&stage=test`;
  const outcome = await vitestBench(
    PROJECT,
    childEnv({
      ...PLANTED,
      AWS_REGION: 'us-east-1',
      AWS_SHARED_CREDENTIALS_FILE: join(outDir, 'none'),
      AWS_CONFIG_FILE: join(outDir, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
      ...FIXTURE_DATA_ENV,
      CONVERSE_BENCH_TARGET: 'bedrock',
      CONVERSE_BENCH_ENDPOINT: endpoint,
      CONVERSE_BENCH_REDACT_TEXTS: 'true',
      CONVERSE_BENCH_RETRY_ATTEMPTS: '1',
      CONVERSE_BENCH_OUTPUT_DIR: outDir,
    }),
    90_000,
  );
  const printed = outcome.stdout + outcome.stderr;
  // Every call failed with the echo (budgets would fail too): the run itself went through.
  expect(printed).toContain('ValidationException');
  const files = readdirSync(outDir);
  expect(
    files.filter((f) => /^(journal-|run-|report-|summary-|model_latency|document_summ)/.test(f)),
  ).toHaveLength(7);
  const texts = [printed, ...files.map((f) => readFileSync(join(outDir, f), 'utf8'))];
  const all = texts.join('\n');
  // The echoes were there to cut: the calls reached the server and were signed.
  expect(signatures.length).toBeGreaterThan(2);
  expect(all).toContain('[redacted');
  for (const secret of [
    ...Object.values(PLANTED),
    ...signatures,
    'hunter2planted',
    'proxyuser',
    ...QUERY_SECRETS,
  ]) {
    expect(all.includes(secret), secret).toBe(false);
  }
  // The endpoint is recorded, without what it must not carry.
  expect(all).toContain(`http://127.0.0.1:${port}/?X-Amz-Signature=redacted&api_key=redacted&stage=test`);
  const documents = readFileSync(join(PROJECT, 'data/documents.csv'), 'utf8');
  const forbidden = wordTriples(documents.split('\n').slice(1).join('\n'));
  for (const triple of wordTriples(all)) expect(forbidden.has(triple), triple).toBe(false);
});

test('shownEndpoint strips userinfo and secret-looking query values, and leaves plain URLs as given', () => {
  expect(shownEndpoint('http://127.0.0.1:4010')).toBe('http://127.0.0.1:4010');
  expect(shownEndpoint('https://bedrock-runtime.us-east-1.amazonaws.com')).toBe(
    'https://bedrock-runtime.us-east-1.amazonaws.com',
  );
  expect(shownEndpoint('http://u:p@proxy.local:8080/bedrock')).toBe('http://proxy.local:8080/bedrock');
  expect(shownEndpoint('http://only-user@proxy.local')).toBe('http://proxy.local/');
  expect(
    shownEndpoint(
      'https://h/?X-Amz-Security-Token=t&X-Amz-Credential=c&sig=s&apiKey=k&access_token=a&password=p&region=x',
    ),
  ).toBe(
    'https://h/?X-Amz-Security-Token=redacted&X-Amz-Credential=redacted&sig=redacted&apiKey=redacted&access_token=redacted&password=redacted&region=x',
  );
  expect(shownEndpoint('not a url user:pass@host')).toBe('not a url host');
});
