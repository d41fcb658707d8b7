/**
 * Escaping for the HTML report. Model ids, error messages and run context are external text: they
 * reach the page only through these functions.
 */

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * JSON safe inside `<script type="application/json">`: no `<` (so no `</script>` nor `<!--`), and
 * U+2028 / U+2029 escaped so the text stays valid wherever it is pasted into JavaScript.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * JavaScript source safe to inline in a `<script>` element. `</script` would close the element and
 * `<!--` could switch the parser into its escaped state; in JavaScript strings, regexes and comments,
 * `<\/` and `<\!` mean the same characters.
 */
export function scriptSafeSource(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
