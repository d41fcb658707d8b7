import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { childEnv, FIXTURE_DATA_ENV, ROOT, vitestBench } from './helpers/subprocess.ts';

/**
 * Planted credentials never reach an output: fake keys, session and bearer tokens in the environment
 * and in a temporary AWS config folder, a real `vitest bench --run` against the embedded emulator, then
 * every file the run wrote (CSV, log, run record, journal, HTML, markdown) and its printout are searched.
 */
const PROJECT = join(ROOT, 'test/fixtures/hardening/project');

const SECRETS = {
  AWS_ACCESS_KEY_ID: 'AKIAPLANTEDKEY0000001',
  AWS_SECRET_ACCESS_KEY: 'plantedSecretAccessKey/aaaaaaaaaaaaaaaaaaaa',
  AWS_SESSION_TOKEN: 'plantedSessionToken-bbbbbbbbbbbbbbbbbbbb',
  AWS_BEARER_TOKEN_BEDROCK: 'plantedBearerToken-cccccccccccccccccccc',
};
const FILE_SECRETS = ['AKIAPLANTEDFILEKEY0002', 'plantedFileSecret-dddddddddddddddddddd'];

test('no planted credential appears in any output, journal or printout', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'converse-bench-secrets-'));
  const outDir = join(dir, 'outputs');
  const aws = join(dir, 'aws');
  mkdirSync(aws);
  writeFileSync(
    join(aws, 'credentials'),
    `[default]\naws_access_key_id = ${FILE_SECRETS[0]}\naws_secret_access_key = ${FILE_SECRETS[1]}\n`,
  );
  writeFileSync(join(aws, 'config'), '[default]\nregion = us-east-1\n');
  const env = childEnv({
    ...SECRETS,
    AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'),
    AWS_CONFIG_FILE: join(aws, 'config'),
    ...FIXTURE_DATA_ENV,
    CONVERSE_BENCH_OUTPUT_DIR: outDir,
    CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '2',
    CONVERSE_BENCH_WARMUP_CALLS: '1',
    CONVERSE_BENCH_TIME_SCALE: '0.01',
  });
  const outcome = await vitestBench(PROJECT, env, 60_000);
  const printed = { code: outcome.code, text: outcome.stdout + outcome.stderr };
  expect(printed.code, printed.text).toBe(0);
  const files = readdirSync(outDir);
  for (const prefix of [
    'journal-',
    'run-',
    'report-',
    'summary-',
    'model_latency_benchmarking-',
    'document_summarization_',
  ])
    expect(
      files.some((f) => f.startsWith(prefix)),
      `${prefix} in ${files.join(', ')}`,
    ).toBe(true);
  const texts = [printed.text, ...files.map((f) => readFileSync(join(outDir, f), 'utf8'))];
  for (const secret of [...Object.values(SECRETS), ...FILE_SECRETS]) {
    for (const text of texts) expect(text.includes(secret), secret).toBe(false);
  }
  // The run record keeps settings, never the environment: no AWS_* name at all.
  const run = readFileSync(join(outDir, files.find((f) => f.startsWith('run-')) as string), 'utf8');
  expect(run).not.toMatch(/AWS_(ACCESS|SECRET|SESSION|BEARER)/);
  expect(run.toLowerCase()).not.toContain('authorization');
});
