// Rewrites the settings table of README.md from src/config/resolve.ts's OPTION_TABLE:
// `npm run readme:options`. test/readme.test.ts fails when the README is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderOptionsMarkdown } from '../src/config/options-table.ts';

const START = '<!-- options:start -->';
const END = '<!-- options:end -->';
const readme = readFileSync('README.md', 'utf8');
const before = readme.slice(0, readme.indexOf(START) + START.length);
const after = readme.slice(readme.indexOf(END));
writeFileSync('README.md', `${before}\n${renderOptionsMarkdown()}\n${after}`);
