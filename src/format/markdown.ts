/** Escapes what would break a table cell or inject markup: model ids and messages are external text. */
export function markdownCell(text: string): string {
  return text.replace(/[\\|`*_<>[\]]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}
