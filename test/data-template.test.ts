import { describe, expect, test } from 'vitest';
import { TemplateError } from '../src/data/errors.ts';
import { promptFingerprint, renderPrompt, validateTemplate } from '../src/data/template.ts';

function templateError(template: string): string {
  try {
    validateTemplate(template, 'bench/nova.bench.ts prompt');
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as TemplateError).message;
  }
  throw new Error(`expected ${JSON.stringify(template)} to be rejected`);
}

describe('renderPrompt', () => {
  test('replaces every {context} with the document', () => {
    expect(renderPrompt('<document>\n{context}\n</document>', 'The text.')).toBe(
      '<document>\nThe text.\n</document>',
    );
    expect(renderPrompt('{context} / {context}', 'x')).toBe('x / x');
    expect(renderPrompt('{context}', 'only')).toBe('only');
  });

  test('{{ and }} are literal braces', () => {
    expect(renderPrompt('Answer as {{"summary": "..."}} for: {context}', 'doc')).toBe(
      'Answer as {"summary": "..."} for: doc',
    );
    expect(renderPrompt('{{{context}}}', 'doc')).toBe('{doc}');
  });

  test('the document is inserted verbatim: its braces and placeholders are not interpreted', () => {
    expect(renderPrompt('Doc: {context}', 'code { x } and {context} and {{')).toBe(
      'Doc: code { x } and {context} and {{',
    );
  });

  test('an invalid template throws', () => {
    expect(() => renderPrompt('no placeholder', 'doc')).toThrow(
      new TemplateError('prompt template', 'no {context} placeholder; add {context} where the document goes'),
    );
  });
});

describe('validateTemplate', () => {
  test('accepts templates with {context}', () => {
    expect(() => validateTemplate('Summarize:\n{context}', 'x')).not.toThrow();
  });

  test('unknown placeholders name the allowed ones', () => {
    expect(templateError('Summarize {contxt}')).toBe(
      'bench/nova.bench.ts prompt: unknown placeholder {contxt}; allowed placeholders: {context}',
    );
    expect(templateError('{context} for {audience}')).toBe(
      'bench/nova.bench.ts prompt: unknown placeholder {audience}; allowed placeholders: {context}',
    );
    expect(templateError('{ context }')).toBe(
      'bench/nova.bench.ts prompt: unknown placeholder { context }; allowed placeholders: {context}',
    );
  });

  test('{context} is required', () => {
    expect(templateError('Summarize the document.')).toBe(
      'bench/nova.bench.ts prompt: no {context} placeholder; add {context} where the document goes',
    );
    expect(templateError('Escaped {{context}} is text')).toBe(
      'bench/nova.bench.ts prompt: no {context} placeholder; add {context} where the document goes',
    );
  });

  test('lone braces must be doubled', () => {
    expect(templateError('{context} as {"json": 1}')).toBe(
      'bench/nova.bench.ts prompt: unmatched "{" at character 14; write "{{" for a literal brace, or a placeholder: {context}',
    );
    expect(templateError('{context} }')).toBe(
      'bench/nova.bench.ts prompt: unmatched "}" at character 11; write "}}" for a literal brace',
    );
    expect(templateError('{context} {')).toBe(
      'bench/nova.bench.ts prompt: unmatched "{" at character 11; write "{{" for a literal brace, or a placeholder: {context}',
    );
  });
});

describe('promptFingerprint', () => {
  test('sha256 hex of the template as written', () => {
    // printf 'Summarize {context}' | sha256sum
    expect(promptFingerprint('Summarize {context}')).toBe(SUMMARIZE_SHA256);
    expect(promptFingerprint('Summarize {context}')).toBe(promptFingerprint('Summarize {context}'));
    expect(promptFingerprint('Summarize {context}\n')).not.toBe(SUMMARIZE_SHA256);
  });
});

const SUMMARIZE_SHA256 = 'eaaccc904be974a9fe8e7ea4db3d1e3edb4e89899daf59c2ec2f6c4b75f839ff';
