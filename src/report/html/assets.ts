import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** ECharts' minified browser build, to inline into the report (the page must work offline). */
export function loadEchartsSource(): string {
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
}
