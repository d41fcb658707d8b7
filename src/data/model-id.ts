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
const ARN =
  /^arn:aws(-[a-z]+)*:bedrock:[a-z0-9-]{1,20}:(\d{12})?:(foundation-model|inference-profile|application-inference-profile|provisioned-model|custom-model|imported-model|custom-model-deployment|marketplace-model|prompt)\/\S+$/;

export type ModelIdCheck = { ok: true; kind: ModelIdKind } | { ok: false; problem: string };

/** Classifies a model id, or says in a phrase (for `model "<id>" <problem>`) what is wrong with it. */
export function checkModelId(id: string): ModelIdCheck {
  if (id === '') return { ok: false, problem: 'is empty; write a Bedrock model id' };
  if (/\s/.test(id)) return { ok: false, problem: 'contains whitespace; model ids have no spaces' };
  if (id.startsWith('arn:')) {
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
