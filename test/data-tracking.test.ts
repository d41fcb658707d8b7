import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DatasetError, TemplateError } from '../src/data/errors.ts';
import { checkModelId } from '../src/data/model-id.ts';
import { loadTracking } from '../src/data/tracking.ts';

const tmp = mkdtempSync(join(tmpdir(), 'converse-bench-tracking-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER = 'model,text_prompt,region,inference_profile,role';
let files = 0;

function trackingFile(...rows: string[]): string {
  const path = join(tmp, `tracking-${++files}.csv`);
  writeFileSync(path, `${[HEADER, ...rows].join('\n')}\n`);
  return path;
}

function problem(path: string): string {
  try {
    loadTracking(path);
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError);
    return (error as DatasetError).message.slice(path.length);
  }
  throw new Error(`expected ${path} to be rejected`);
}

describe('loadTracking', () => {
  test('reads every column; empty cells leave region and latency mode absent; role defaults to candidate', () => {
    const path = trackingFile(
      'gpt-4o,Summarize: {context},,,source',
      'anthropic.claude-3-haiku-20240307-v1:0,"<document>\n{context}\n</document>",us-west-2,standard,candidate',
      'us.amazon.nova-lite-v1:0,Summarize {context},,optimized,',
    );
    expect(loadTracking(path)).toEqual([
      {
        modelId: 'gpt-4o',
        promptTemplate: 'Summarize: {context}',
        role: 'source',
        line: 2,
        skipReason: 'model "gpt-4o" is not a Bedrock model id, inference profile id or ARN',
      },
      {
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        promptTemplate: '<document>\n{context}\n</document>',
        region: 'us-west-2',
        latencyMode: 'standard',
        role: 'candidate',
        line: 3,
      },
      {
        modelId: 'us.amazon.nova-lite-v1:0',
        promptTemplate: 'Summarize {context}',
        latencyMode: 'optimized',
        role: 'candidate',
        line: 6,
      },
    ]);
  });

  test('only model and text_prompt are required columns', () => {
    const path = join(tmp, 'minimal.csv');
    writeFileSync(path, 'text_prompt,model\nSay {context},amazon.nova-micro-v1:0\n');
    expect(loadTracking(path)).toEqual([
      { modelId: 'amazon.nova-micro-v1:0', promptTemplate: 'Say {context}', role: 'candidate', line: 2 },
    ]);
  });

  test('a source row without a prompt is kept and marked skipped', () => {
    const [source] = loadTracking(
      trackingFile(
        'anthropic.claude-3-sonnet-20240229-v1:0,,,,source',
        'amazon.nova-micro-v1:0,{context},,,',
      ),
    );
    expect(source).toEqual({
      modelId: 'anthropic.claude-3-sonnet-20240229-v1:0',
      promptTemplate: '',
      role: 'source',
      line: 2,
      skipReason: 'no prompt template',
    });
  });

  test('model ids: spaces, empty, upper case, malformed ARN', () => {
    expect(problem(trackingFile('anthropic.claude 3 haiku,{context},,,'))).toBe(
      ' line 2: column "model": model "anthropic.claude 3 haiku" contains whitespace; model ids have no spaces',
    );
    expect(problem(trackingFile(',{context},,,'))).toBe(
      ' line 2: column "model" is empty; write a Bedrock model id, inference profile id or ARN',
    );
    expect(problem(trackingFile('Anthropic.Claude-3-haiku-20240307-v1:0,{context},,,'))).toBe(
      ' line 2: column "model": model "Anthropic.Claude-3-haiku-20240307-v1:0" has upper-case letters; Bedrock model ids are lower case',
    );
    expect(problem(trackingFile('arn:aws:s3:::bucket/key,{context},,,'))).toBe(
      ' line 2: column "model": model "arn:aws:s3:::bucket/key" is not a Bedrock ARN; expected e.g. arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0',
    );
    expect(problem(trackingFile('claude,{context},,,'))).toBe(
      ' line 2: column "model": model "claude" is not a Bedrock model id, inference profile id or ARN; expected e.g. anthropic.claude-3-haiku-20240307-v1:0',
    );
  });

  test('inference_profile holds the latency mode', () => {
    expect(problem(trackingFile('amazon.nova-micro-v1:0,{context},,fast,'))).toBe(
      ' line 2: inference_profile "fast" is not a latency mode; write standard or optimized, or leave it empty',
    );
    expect(problem(trackingFile('amazon.nova-micro-v1:0,{context},,us.amazon.nova-micro-v1:0,'))).toBe(
      ' line 2: inference_profile "us.amazon.nova-micro-v1:0" looks like a model or profile id, but this column is the latency mode; move the id to the "model" column and write standard or optimized here',
    );
  });

  test("prompt_cache sets a model's prompt caching; an empty cell leaves the run's", () => {
    const path = join(tmp, 'tracking-cache.csv');
    writeFileSync(
      path,
      'model,text_prompt,prompt_cache\namazon.nova-micro-v1:0,{context},1h\namazon.nova-lite-v1:0,{context},\n',
    );
    expect(loadTracking(path).map((m) => m.promptCache)).toEqual(['1h', undefined]);
    writeFileSync(path, 'model,text_prompt,prompt_cache\namazon.nova-micro-v1:0,{context},yes\n');
    expect(problem(path)).toBe(
      ' line 2: prompt_cache "yes" is not a prompt cache setting; write one of off, on, 5m, 1h, or leave it empty for the run\'s promptCache',
    );
  });

  test('region and role values', () => {
    expect(problem(trackingFile('amazon.nova-micro-v1:0,{context},US East,,'))).toBe(
      ' line 2: region "US East" is not an AWS region name; write e.g. us-east-1, or leave it empty for the run\'s region',
    );
    expect(problem(trackingFile('amazon.nova-micro-v1:0,{context},,,baseline'))).toBe(
      ' line 2: role "baseline" is not source or candidate; write one of them, or leave it empty for candidate',
    );
  });

  test('at most one source', () => {
    const path = trackingFile(
      'amazon.nova-micro-v1:0,{context},,,source',
      'amazon.nova-lite-v1:0,{context},,,candidate',
      'amazon.nova-pro-v1:0,{context},,,source',
    );
    expect(problem(path)).toBe(
      ' line 4: a second source model (the first is at line 2); keep one row with role source and make the others candidate',
    );
  });

  test('duplicate model rows, unless their latency modes differ', () => {
    expect(
      problem(
        trackingFile(
          'amazon.nova-micro-v1:0,{context},,,',
          'amazon.nova-micro-v1:0,Other {context},,standard,',
        ),
      ),
    ).toBe(
      ' line 3: model "amazon.nova-micro-v1:0" is listed again (first at line 2); remove one row, or give the two rows different inference_profile values (standard, optimized)',
    );
    const both = loadTracking(
      trackingFile(
        'anthropic.claude-3-5-haiku-20241022-v1:0,{context},,standard,',
        'anthropic.claude-3-5-haiku-20241022-v1:0,{context},,optimized,',
      ),
    );
    expect(both.map((m) => m.latencyMode)).toEqual(['standard', 'optimized']);
  });

  test('prompt templates are validated, with the line and the allowed placeholders', () => {
    const path = trackingFile('amazon.nova-micro-v1:0,Summarize {contxt},,,');
    expect(problem(path)).toBe(
      ' line 2: column "text_prompt": unknown placeholder {contxt}; allowed placeholders: {context}',
    );
    try {
      loadTracking(path);
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(TemplateError);
    }
    expect(problem(trackingFile('amazon.nova-micro-v1:0,Summarize the text.,,,'))).toBe(
      ' line 2: column "text_prompt": no {context} placeholder; add {context} where the document goes',
    );
    expect(problem(trackingFile('amazon.nova-micro-v1:0,,,,'))).toBe(
      ' line 2: column "text_prompt" is empty; write a prompt template with {context} where the document goes',
    );
  });

  test('a missing required column names the columns found', () => {
    const path = join(tmp, 'no-prompt-column.csv');
    writeFileSync(path, 'model,prompt\namazon.nova-micro-v1:0,{context}\n');
    expect(problem(path)).toBe(
      ' line 1: missing column "text_prompt" (found: model, prompt); write a header line (model,text_prompt) and one row per line',
    );
  });
});

describe('checkModelId', () => {
  test.each([
    ['anthropic.claude-3-haiku-20240307-v1:0', 'model'],
    ['meta.llama3-1-8b-instruct-v1:0', 'model'],
    ['anthropic.claude-3-haiku-20240307-v1:0:200k', 'model'],
    ['us.amazon.nova-lite-v1:0', 'inference-profile'],
    ['eu.anthropic.claude-3-5-sonnet-20240620-v1:0', 'inference-profile'],
    ['apac.amazon.nova-micro-v1:0', 'inference-profile'],
    ['global.anthropic.claude-sonnet-4-20250514-v1:0', 'inference-profile'],
    ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0', 'arn'],
    ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0', 'arn'],
    ['arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/a1b2c3d4e5f6', 'arn'],
    ['arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:provisioned-model/abcdef123456', 'arn'],
  ])('%s is a %s', (id, kind) => {
    expect(checkModelId(id)).toEqual({ ok: true, kind });
  });

  test.each([
    '',
    ' anthropic.claude',
    'anthropic',
    '.claude',
    'anthropic.',
    'arn:aws:bedrock:us-east-1:12:model/x',
    'a/b',
  ])('%j is rejected', (id) => {
    expect(checkModelId(id).ok).toBe(false);
  });
});
