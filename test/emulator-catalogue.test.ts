import { readFileSync } from 'node:fs';
import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/emulator/index.ts';
import { catalogueOf, parseProfiles } from '../src/emulator/profiles.ts';
import { sdkClient } from './helpers/calls.ts';
import { startProfiledEmulator } from './helpers/emulator.ts';

// The emulator's model catalogue through the unmodified SDK: the shipped profile file extended by a
// `catalogue` entry and a profile of a model the built-in list does not have.
const shipped = JSON.parse(readFileSync('data/emulator-profiles.json', 'utf8'));
const profiles = parseProfiles(
  JSON.stringify({
    ...shipped,
    catalogue: { 'amazon.nova-next-v1:0': { maxOutputTokens: 2000 } },
    models: { ...shipped.models, 'acme.house-model-v1:0': { ...shipped.default, source: 'Illustrative.' } },
  }),
  'profiles.json',
);

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startProfiledEmulator(profiles);
});
afterAll(() => emulator.close());

const ask = (modelId: string, maxTokens = 16) => ({
  modelId,
  messages: [{ role: 'user' as const, content: [{ text: 'Summarize: the cat sat.' }] }],
  inferenceConfig: { maxTokens },
});

async function failure(send: Promise<unknown>) {
  const error = (await send.then(
    () => undefined,
    (e: unknown) => e,
  )) as (Error & { $metadata?: { httpStatusCode?: number } }) | undefined;
  return error && { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

describe.each(['http1', 'http2'] as const)('the model catalogue over %s', (transport) => {
  const client = () => sdkClient(emulator.url, transport);

  it.each([
    'amazon.nova-ultra-v9:0',
    'us.amazon.nova-ultra-v9:0',
    'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-ultra-v9:0',
    'anthropic.claude-next-v1:0',
  ])('%s, a model that does not exist: 400 ValidationException', async (modelId) => {
    const c = client();
    const invalid = {
      name: 'ValidationException',
      message: 'The provided model identifier is invalid.',
      status: 400,
    };
    expect(await failure(c.send(new ConverseCommand(ask(modelId))))).toEqual(invalid);
    expect(await failure(c.send(new ConverseStreamCommand(ask(modelId))))).toEqual(invalid);
    c.destroy();
  });

  it.each([
    'amazon.nova-lite-v1:0',
    'us.amazon.nova-lite-v1:0',
    'eu.amazon.nova-lite-v1:0',
    'apac.amazon.nova-lite-v1:0',
    'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0',
    'anthropic.claude-3-haiku-20240307-v1:0:200k',
    'us.amazon.nova-next-v1:0',
    'acme.house-model-v1:0',
  ])('%s is served', async (modelId) => {
    const c = client();
    const output = await c.send(new ConverseCommand(ask(modelId)));
    expect(output.stopReason).toBeDefined();
    c.destroy();
  });

  it('holds a catalogue entry to its own output limit', async () => {
    const c = client();
    expect(await failure(c.send(new ConverseCommand(ask('amazon.nova-next-v1:0', 2001))))).toEqual({
      name: 'ValidationException',
      message:
        'The maximum tokens you requested exceeds the model limit of 2000. Try again with a maximum tokens value that is lower than 2000.',
      status: 400,
    });
    c.destroy();
  });
});

describe('the profile file extends the catalogue', () => {
  const withCatalogue = (catalogue: unknown) => JSON.stringify({ default: shipped.default, catalogue });

  it('adds its catalogue and its profiled models to the built-in list', () => {
    const catalogue = catalogueOf(profiles);
    expect(catalogue['amazon.nova-next-v1:0']).toEqual({ maxOutputTokens: 2000 });
    expect(catalogue['acme.house-model-v1:0']).toEqual({ maxOutputTokens: 4096 });
    expect(catalogue['amazon.nova-lite-v1:0']).toEqual({ maxOutputTokens: 10000 });
  });

  it.each([
    [
      { 'us.amazon.x-v1:0': { maxOutputTokens: 1 } },
      'profiles.json: $.catalogue["us.amazon.x-v1:0"] is keyed by a prefixed id or ARN; key it by the base model id "amazon.x-v1:0"',
    ],
    [
      { 'Not A Model': { maxOutputTokens: 1 } },
      'profiles.json: $.catalogue["Not A Model"] is not a model id Bedrock accepts; use the form provider.model-name-v1:0',
    ],
    [
      { 'amazon.x-v1:0': { maxOutputTokens: 0 } },
      `profiles.json: $.catalogue["amazon.x-v1:0"].maxOutputTokens is number 0, not a whole number >= 1; set the model's output token limit`,
    ],
    [
      { 'amazon.x-v1:0': { limit: 1 } },
      'profiles.json: $.catalogue["amazon.x-v1:0"].limit is not a known field; use only maxOutputTokens',
    ],
  ])('refuses a bad catalogue entry with one line', (catalogue, message) => {
    expect(() => parseProfiles(withCatalogue(catalogue), 'profiles.json')).toThrow(message);
  });
});
