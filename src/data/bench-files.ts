/**
 * Which models a project's bench files run: a bench file names its model as a string literal
 * (`benchModel('amazon.nova-micro-v1:0')`, as `converse-bench init` writes it).
 */
export function namesModel(benchFileText: string, modelId: string): boolean {
  return ["'", '"', '`'].some((quote) => benchFileText.includes(`${quote}${modelId}${quote}`));
}
