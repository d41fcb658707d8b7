import { createHash } from 'node:crypto';
import { TemplateError } from './errors.ts';

/**
 * Prompt templates, as the workshop wrote them for Python's `str.format`: `{context}` marks where the
 * document goes, `{{` and `}}` are literal braces, and any other brace is a mistake.
 */

/** Placeholders a template may use; `context` is also required. */
export const ALLOWED_PLACEHOLDERS = ['context'] as const;

type Segment = { kind: 'text'; text: string } | { kind: 'context' };

const ALLOWED_LIST = ALLOWED_PLACEHOLDERS.map((name) => `{${name}}`).join(', ');

/** Throws a TemplateError (`where: problem; fix`) unless the template is usable. */
export function validateTemplate(template: string, where: string): void {
  parseTemplate(template, where);
}

/** The template with every `{context}` replaced by the document (inserted verbatim, braces and all). */
export function renderPrompt(template: string, document: string): string {
  return parseTemplate(template, 'prompt template')
    .map((segment) => (segment.kind === 'text' ? segment.text : document))
    .join('');
}

/**
 * sha256 (hex) of the template text as written, so a run record shows when a prompt changed; with a
 * system prompt, of both (length-prefixed, so no two pairs hash alike). Without one, as before.
 */
export function promptFingerprint(template: string, systemPrompt?: string): string {
  const hash = createHash('sha256').update(template, 'utf8');
  if (systemPrompt !== undefined)
    hash.update(`\u0000system:${Buffer.byteLength(systemPrompt, 'utf8')}:${systemPrompt}`, 'utf8');
  return hash.digest('hex');
}

function parseTemplate(template: string, where: string): Segment[] {
  const segments: Segment[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const char = template[i];
    const next = template[i + 1];
    if ((char === '{' && next === '{') || (char === '}' && next === '}')) {
      text += char;
      i += 2;
    } else if (char === '}') {
      throw new TemplateError(where, `unmatched "}" at character ${i + 1}; write "}}" for a literal brace`);
    } else if (char === '{') {
      const close = template.indexOf('}', i + 1);
      const name = close === -1 ? undefined : template.slice(i + 1, close);
      if (name === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.trim())) {
        throw new TemplateError(
          where,
          `unmatched "{" at character ${i + 1}; write "{{" for a literal brace, or a placeholder: ${ALLOWED_LIST}`,
        );
      }
      if (!(ALLOWED_PLACEHOLDERS as readonly string[]).includes(name)) {
        throw new TemplateError(
          where,
          `unknown placeholder {${name}}; allowed placeholders: ${ALLOWED_LIST}`,
        );
      }
      if (text !== '') segments.push({ kind: 'text', text });
      text = '';
      segments.push({ kind: 'context' });
      i = close + 1;
    } else {
      text += char;
      i += 1;
    }
  }
  if (text !== '') segments.push({ kind: 'text', text });
  if (!segments.some((segment) => segment.kind === 'context')) {
    throw new TemplateError(where, 'no {context} placeholder; add {context} where the document goes');
  }
  return segments;
}
