import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { renderOptionsMarkdown } from '../src/config/options-table.ts';

test('the README lists every setting as OPTION_TABLE defines it (npm run readme:options)', () => {
  const readme = readFileSync('README.md', 'utf8');
  const block = readme.slice(
    readme.indexOf('<!-- options:start -->'),
    readme.indexOf('<!-- options:end -->'),
  );
  expect(block.trim()).toBe(`<!-- options:start -->\n${renderOptionsMarkdown()}`);
});
