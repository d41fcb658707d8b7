import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderBenchFile } from '../src/cli/init.ts';
import { PREFLIGHT_DEADLINE_MS, preflightDeadlineMs } from '../src/harness/preflight.ts';
import { answerConverse } from './helpers/calls.ts';
import { BENCH_PROJECT_DATA_ENV, benchProject } from './helpers/project.ts';
import { childEnv, ROOT, vitestBench } from './helpers/subprocess.ts';

/**
 * Against Bedrock every model gets a 1-token preflight call. Before issue 16 (item 9) each waited up
 * to the full call timeout (300 s) and one model after another, between other models' measuring;
 * now the global setup preflights every model before any bench file measures, all at once, each with
 * its own short deadline. Reproduced against a loopback server with fake credentials.
 */
const MODELS = ['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0', 'us.amazon.nova-pro-v1:0'];

function project(): string {
  const dir = benchProject(
    mkdtempSync(join(tmpdir(), 'converse-bench-preflight-')),
    ['model,text_prompt', ...MODELS.map((m) => `${m},"Summarize: {context}"`), ''].join('\n'),
  );
  mkdirSync(join(dir, 'bench'));
  const benchModel = join(ROOT, 'src/vitest/bench-model.ts');
  MODELS.forEach((model, i) => {
    writeFileSync(
      join(dir, `bench/m${i}.bench.ts`),
      renderBenchFile(model, benchModel, 'data/evaluation_tracking.csv'),
    );
  });
  return dir;
}

interface Seen {
  model: string;
  preflight: boolean;
}

/** A loopback "Bedrock": `answer` decides, per request, to answer (true) or hang (false). */
async function server(answer: (seen: Seen) => boolean) {
  const log: (Seen & { openPreflights: number })[] = [];
  const sockets = new Set<Socket>();
  let openPreflights = 0;
  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const parsed = JSON.parse(body) as { inferenceConfig?: { maxTokens?: number } };
      const seen = {
        model: decodeURIComponent(request.url?.split('/')[2] ?? ''),
        preflight: parsed.inferenceConfig?.maxTokens === 1,
      };
      if (seen.preflight) openPreflights++;
      log.push({ ...seen, openPreflights });
      if (!answer(seen)) return;
      if (seen.preflight) openPreflights--;
      answerConverse(response);
    });
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  return {
    endpoint: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    log,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => http.close(done));
    },
  };
}

function bedrockEnv(endpoint: string): Record<string, string> {
  return childEnv({
    ...BENCH_PROJECT_DATA_ENV,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDPREFLIGHTE2E',
    AWS_SECRET_ACCESS_KEY: 'preflight-e2e-secret',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/converse-bench/credentials',
    AWS_CONFIG_FILE: '/nonexistent/converse-bench/config',
    AWS_EC2_METADATA_DISABLED: 'true',
    CONVERSE_BENCH_TARGET: 'bedrock',
    CONVERSE_BENCH_ENDPOINT: endpoint,
    CONVERSE_BENCH_WARMUP_CALLS: '0',
    CONVERSE_BENCH_OUTPUT_DIR: mkdtempSync(join(tmpdir(), 'converse-bench-preflight-out-')),
  });
}

describe('preflight', () => {
  test('its deadline is short and its own: 15 s, or the call timeout when that is shorter', () => {
    expect(PREFLIGHT_DEADLINE_MS).toBe(15_000);
    expect(preflightDeadlineMs({ timeoutSeconds: 300 })).toBe(15_000);
    expect(preflightDeadlineMs({ timeoutSeconds: 2 })).toBe(2_000);
  });

  test('every model is preflighted before any call is measured, all at once', {
    timeout: 90_000,
  }, async () => {
    const bedrock = await server(() => true);
    try {
      const run = await vitestBench(project(), bedrockEnv(bedrock.endpoint), 80_000);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const preflights = bedrock.log.filter((s) => s.preflight);
      expect(preflights.map((s) => s.model).sort()).toEqual([...MODELS].sort());
      // The three preflights come first, then 2 measured calls per model.
      expect(bedrock.log.slice(0, 3).every((s) => s.preflight)).toBe(true);
      expect(bedrock.log.slice(3).map((s) => s.preflight)).toEqual(Array(6).fill(false));
    } finally {
      await bedrock.close();
    }
  });

  test('a hung network: all preflights wait together, each model fails with the deadline, nothing is measured', {
    timeout: 90_000,
  }, async () => {
    const bedrock = await server(() => false);
    try {
      const run = await vitestBench(project(), bedrockEnv(bedrock.endpoint), 80_000);
      const output = run.stdout + run.stderr;
      expect(run.code, output).toBe(1);
      // All three were open at once: the third arrived while the other two still hung.
      expect(bedrock.log.map((s) => s.openPreflights)).toEqual([1, 2, 3]);
      for (const model of MODELS) {
        expect(output).toContain(
          `preflight ${model} in us-east-1: Bedrock did not answer within 15 s (timeout: deadline passed)`,
        );
      }
      expect(bedrock.log.some((s) => !s.preflight)).toBe(false);
    } finally {
      await bedrock.close();
    }
  });
});
