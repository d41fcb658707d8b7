import { OPTION_TABLE } from './resolve.ts';

/** The README's table of settings, one markdown row per option, generated so it never drifts. */
export function renderOptionsMarkdown(): string {
  const code = (text: string): string => `\`${text.replace(/\|/g, '\\|')}\``;
  return OPTION_TABLE.map(
    (row) =>
      `| ${code(row.name)} | ${code(row.env)} / ${code(row.flag)} | ${row.type.replace(/\|/g, '\\|')} | ${
        row.default === '' ? '-' : code(row.default)
      } | ${row.description.replace(/\|/g, '\\|')} |`,
  ).join('\n');
}
