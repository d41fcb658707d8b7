import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { DEFAULT_OPTIONS } from '../src/config/defaults.ts';
import { loadDataset } from '../src/data/dataset.ts';
import { checkModelId } from '../src/data/model-id.ts';
import { renderPrompt } from '../src/data/template.ts';
import { loadTracking } from '../src/data/tracking.ts';

/** The committed data files: the shape the rest of the project and the README rely on. */

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe(DEFAULT_OPTIONS.datasetFile, () => {
  const dataset = loadDataset(DEFAULT_OPTIONS.datasetFile);

  test('has exactly the columns document,referenceResponse', () => {
    const [header] = parse(readFileSync(DEFAULT_OPTIONS.datasetFile), { to_line: 1 });
    expect(header).toEqual(['document', 'referenceResponse']);
  });

  test('holds ten distinct documents spread from about 150 to about 1,500 words', () => {
    const counts = dataset.documents.map((d) => words(d.document));
    expect(counts).toHaveLength(10);
    expect(new Set(dataset.documents.map((d) => d.document)).size).toBe(10);
    for (const count of counts) {
      expect(count).toBeGreaterThanOrEqual(120);
      expect(count).toBeLessThanOrEqual(1600);
    }
    const sorted = [...counts].sort((a, b) => a - b);
    expect(sorted[0]).toBeLessThanOrEqual(200);
    expect(sorted[9]).toBeGreaterThanOrEqual(1400);
    // Spread, not clustered: every 300-word band from 150 to 1,350 holds at least one document.
    for (let band = 150; band < 1350; band += 300) {
      expect(counts.some((c) => c >= band && c < band + 300)).toBe(true);
    }
  });

  test('every document has a reference summary of two to four sentences', () => {
    for (const { referenceResponse } of dataset.documents) {
      expect(referenceResponse.trim()).not.toBe('');
      const sentences = referenceResponse.split(/(?<=[.!?])\s+/).length;
      expect(sentences).toBeGreaterThanOrEqual(2);
      expect(sentences).toBeLessThanOrEqual(4);
    }
  });

  test('the fingerprint is stable', () => {
    expect(loadDataset(DEFAULT_OPTIONS.datasetFile).fingerprint).toBe(dataset.fingerprint);
    expect(dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe(DEFAULT_OPTIONS.trackingFile, () => {
  const models = loadTracking(DEFAULT_OPTIONS.trackingFile);

  test('has the columns model,text_prompt,region,inference_profile,role', () => {
    const [header] = parse(readFileSync(DEFAULT_OPTIONS.trackingFile), { to_line: 1 });
    expect(header).toEqual(['model', 'text_prompt', 'region', 'inference_profile', 'role']);
  });

  test('one benchmarkable source model and at least six candidates of different families', () => {
    const sources = models.filter((m) => m.role === 'source');
    expect(sources.map((m) => m.modelId)).toEqual(['anthropic.claude-3-sonnet-20240229-v1:0']);
    expect(sources[0]?.skipReason).toBeUndefined();
    const candidates = models.filter((m) => m.role === 'candidate');
    expect(candidates.map((m) => m.modelId)).toEqual([
      'anthropic.claude-3-haiku-20240307-v1:0',
      'anthropic.claude-3-5-haiku-20241022-v1:0',
      'amazon.nova-micro-v1:0',
      'us.amazon.nova-lite-v1:0',
      'meta.llama3-1-8b-instruct-v1:0',
      'mistral.mistral-small-2402-v1:0',
    ]);
  });

  test('at least one cross-region inference profile id, and the latency-optimized model', () => {
    const profiles = models.filter((m) => {
      const check = checkModelId(m.modelId);
      return check.ok && check.kind === 'inference-profile';
    });
    expect(profiles.map((m) => m.modelId)).toEqual(['us.amazon.nova-lite-v1:0']);
    const optimized = models.filter((m) => m.latencyMode === 'optimized').map((m) => m.modelId);
    expect(optimized).toEqual(['anthropic.claude-3-5-haiku-20241022-v1:0']);
  });

  test('every template has {context}, in its family style (XML tags for Claude, plain for others)', () => {
    for (const model of models) {
      expect(model.promptTemplate).toContain('{context}');
      const rendered = renderPrompt(model.promptTemplate, 'DOC');
      const xml = rendered.includes('<document>\nDOC\n</document>');
      expect(xml).toBe(model.modelId.startsWith('anthropic.'));
    }
  });
});
