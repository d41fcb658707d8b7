/**
 * Shapes of what Bedrock accepts as `modelId` in Converse: a foundation model id
 * (`anthropic.claude-3-haiku-20240307-v1:0`), a cross-region inference profile id (the model id with a
 * geography prefix: `us.amazon.nova-lite-v1:0`), or an ARN (`arn:aws:bedrock:us-east-1::foundation-model/...`).
 * Checked here so a typo fails before any call, with a message that says what was expected.
 */

export type ModelIdKind = 'model' | 'inference-profile' | 'arn';

/** Geography prefixes of system-defined cross-region inference profiles. */
export const INFERENCE_PROFILE_PREFIXES = ['us', 'us-gov', 'eu', 'apac', 'jp', 'au', 'ca', 'global'] as const;

const MODEL_ID = /^[a-z0-9-]{1,63}\.[a-z0-9][a-z0-9.:-]{0,127}$/;
const ARN_RESOURCE_TYPES = [
  'foundation-model',
  'inference-profile',
  'application-inference-profile',
  'provisioned-model',
  'custom-model',
  'imported-model',
  'custom-model-deployment',
  'marketplace-model',
  'prompt',
];
/** Bedrock's own ARN patterns allow only these in the resource part (ConversationalModelId). */
const ARN_CHARACTER = /[a-zA-Z0-9._:/-]/;
const ARN = new RegExp(
  `^arn:aws(-[a-z]+)*:bedrock:[a-z0-9-]{1,20}:(\\d{12})?:(${ARN_RESOURCE_TYPES.join('|')})/[a-zA-Z0-9][a-zA-Z0-9._:/-]*$`,
);
/** Bedrock's limit on `modelId`. */
const MAX_MODEL_ID_LENGTH = 2048;

export type ModelIdCheck = { ok: true; kind: ModelIdKind } | { ok: false; problem: string };

/** Classifies a model id, or says in a phrase (for `model "<id>" <problem>`) what is wrong with it. */
export function checkModelId(id: string): ModelIdCheck {
  if (id === '') return { ok: false, problem: 'is empty; write a Bedrock model id' };
  if (/\s/.test(id)) return { ok: false, problem: 'contains whitespace; model ids have no spaces' };
  if (id.length > MAX_MODEL_ID_LENGTH) {
    return {
      ok: false,
      problem: `has ${id.length} characters; Bedrock accepts at most ${MAX_MODEL_ID_LENGTH}`,
    };
  }
  if (id.startsWith('arn:')) {
    const bad = [...id].findIndex((c) => !ARN_CHARACTER.test(c));
    if (bad >= 0) {
      return {
        ok: false,
        problem: `has the character ${JSON.stringify([...id][bad])} at position ${bad + 1}, which Bedrock does not accept in an ARN (letters, digits and . : / _ - only)`,
      };
    }
    return ARN.test(id)
      ? { ok: true, kind: 'arn' }
      : {
          ok: false,
          problem:
            'is not a Bedrock ARN; expected e.g. arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0',
        };
  }
  if (id !== id.toLowerCase())
    return { ok: false, problem: 'has upper-case letters; Bedrock model ids are lower case' };
  if (!MODEL_ID.test(id)) {
    return {
      ok: false,
      problem:
        'is not a Bedrock model id, inference profile id or ARN; expected e.g. anthropic.claude-3-haiku-20240307-v1:0',
    };
  }
  const prefix = id.slice(0, id.indexOf('.'));
  const isProfile = (INFERENCE_PROFILE_PREFIXES as readonly string[]).includes(prefix);
  return { ok: true, kind: isProfile ? 'inference-profile' : 'model' };
}

/**
 * An id as it appears in a message: double-quoted, with quotes, backslashes, control characters and
 * line separators escaped, so a message stays one line whatever the id holds.
 */
export function quoteModelId(id: string): string {
  return JSON.stringify(id).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
