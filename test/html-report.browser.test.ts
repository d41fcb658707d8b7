import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/records/run-record.ts';
import { loadEchartsSource } from '../src/report/html/assets.ts';
import { buildReportData } from '../src/report/html/data.ts';
import { renderHtmlReport } from '../src/report/html/report.ts';
import { hostileFixture, loadFixture } from './fixtures/run-records/load.ts';

/**
 * The report in a real browser: no errors, no request beyond the page, an ECharts instance with
 * marks for every model in every chart, and pixels drawn. Skipped (with a notice) only when no
 * browser is installed outside CI; in CI a missing browser fails.
 */

const BROWSER_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const executablePath = BROWSER_PATHS.find((p) => existsSync(p));
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

if (executablePath === undefined && !inCi) {
  console.warn(
    `html-report.browser.test.ts: SKIPPED, no browser at ${BROWSER_PATHS.join(', ')} (apt-get install chromium)`,
  );
}

const ECHARTS = loadEchartsSource();

/** The few DOM shapes the in-page probes use (the project's tsconfig has no DOM lib). */
interface ProbeCanvas {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}
interface ProbeElement {
  id: string;
  querySelector(selector: 'canvas'): ProbeCanvas | null;
  innerText?: string;
  scrollWidth: number;
  clientWidth: number;
}
declare const document: {
  querySelectorAll(selector: string): Iterable<ProbeElement> & { length: number };
  getElementById(id: string): ProbeElement | null;
  documentElement: ProbeElement;
};
declare const window: unknown;

/** The slice of the ECharts API the page is probed with. */
interface EchartsGlobal {
  getInstanceByDom(el: ProbeElement):
    | {
        getOption(): { series: Array<{ id: string; data: unknown[] }> };
        dispatchAction(action: Record<string, unknown>): void;
      }
    | undefined;
}

interface PageVisit {
  consoleErrors: string[];
  pageErrors: string[];
  requests: string[];
  /** Per chart container id: indexes of the models that have at least one data mark. */
  charted: Record<string, number[]>;
  /** Per chart: non-white pixels among a grid of canvas samples. */
  inkedSamples: Record<string, number>;
  xss: unknown;
  injectedImages: number;
  screenshot: Buffer;
  /** The verdict banner's text, as a reader sees it. */
  banner: string;
  /** How far the page, and each table's scroll box, is wider than the 1280 px window (0: no scrolling). */
  overflowPx: { page: number; tables: number[] };
}

/** In the page: which models each chart draws, from its series ids and category axes. */
function chartedModels(): Record<string, number[]> {
  const ec = (window as unknown as { echarts: EchartsGlobal }).echarts;
  const result: Record<string, number[]> = {};
  for (const el of document.querySelectorAll('.chart')) {
    const instance = ec.getInstanceByDom(el);
    if (instance === undefined) continue;
    const option = instance.getOption();
    const models = new Set<number>();
    const nonEmpty = (v: unknown): boolean =>
      v !== '-' && v !== null && v !== undefined && v !== 0 && !(Array.isArray(v) && v.length === 0);
    for (const series of option.series) {
      const model = /^model:(\d+)\|/.exec(series.id);
      if (model !== null) {
        if (series.data.some(nonEmpty)) models.add(Number(model[1]));
      } else {
        series.data.forEach((v, i) => {
          if (nonEmpty(v)) models.add(i);
        });
      }
    }
    result[el.id] = [...models].sort((a, b) => a - b);
  }
  return result;
}

/** In the page: how many of a 40 x 40 grid of canvas samples are not white, per chart. */
function inkedSamples(): Record<string, number> {
  const result: Record<string, number> = {};
  for (const el of document.querySelectorAll('.chart')) {
    const canvas = el.querySelector('canvas');
    const ctx = canvas?.getContext('2d');
    if (canvas === null || canvas === undefined || ctx === null || ctx === undefined) continue;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let gy = 0; gy < 40; gy++) {
      for (let gx = 0; gx < 40; gx++) {
        const x = Math.floor(((gx + 0.5) * canvas.width) / 40);
        const y = Math.floor(((gy + 0.5) * canvas.height) / 40);
        const o = (y * canvas.width + x) * 4;
        const alpha = data[o + 3] ?? 0;
        const white = (data[o] ?? 0) > 245 && (data[o + 1] ?? 0) > 245 && (data[o + 2] ?? 0) > 245;
        if (alpha > 0 && !white) inked++;
      }
    }
    result[el.id] = inked;
  }
  return result;
}

describe.skipIf(executablePath === undefined && !inCi)('HTML report in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let baseUrl: string;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    if (executablePath === undefined)
      throw new Error(`CI is set but no browser at ${BROWSER_PATHS.join(', ')}`);
    server = createServer((req, res) => {
      const html = pages.get(req.url ?? '');
      res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html ?? 'not found');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // launch() gives every browser a fresh temporary profile (user data dir) and removes it on close.
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => server?.close(done));
  });

  async function visit(name: string, runs: RunRecord[], screenshotPath?: string): Promise<PageVisit> {
    pages.set(
      `/${name}.html`,
      renderHtmlReport(runs, { echartsSource: ECHARTS, title: `converse-bench report: ${name}` }),
    );
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const visit = { consoleErrors: [] as string[], pageErrors: [] as string[], requests: [] as string[] };
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') visit.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => visit.pageErrors.push(e.message));
    page.on('request', (r) => visit.requests.push(r.url()));
    try {
      await page.goto(`${baseUrl}/${name}.html`, { waitUntil: 'load' });
      // Hover each model of the error chart so tooltips render the (possibly hostile) labels.
      await page.evaluate(() => {
        const ec = (window as unknown as { echarts: EchartsGlobal }).echarts;
        const el = document.getElementById('chart-errors');
        if (el !== null)
          for (let i = 0; i < 6; i++)
            ec.getInstanceByDom(el)?.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: i });
      });
      const screenshot = await page.screenshot({ fullPage: true });
      if (screenshotPath !== undefined) writeFileSync(screenshotPath, screenshot);
      return {
        ...visit,
        charted: await page.evaluate(chartedModels),
        inkedSamples: await page.evaluate(inkedSamples),
        xss: await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
        injectedImages: await page.evaluate(() => document.querySelectorAll('img').length),
        screenshot,
        // biome-ignore lint/performance/useDomNodeTextContent: the text as a reader sees it, line breaks included
        banner: await page.evaluate(() => document.getElementById('verdict')?.innerText ?? ''),
        overflowPx: await page.evaluate(() => ({
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          tables: [...document.querySelectorAll('.table-wrap')].map((e) => e.scrollWidth - e.clientWidth),
        })),
      };
    } finally {
      await context.close();
    }
  }

  /** Models each chart must draw: those with ok calls, streamed calls or failures. */
  function expectedCharted(runs: RunRecord[]): Record<string, number[]> {
    const data = buildReportData(runs);
    const models = (has: (m: number) => boolean): number[] => data.models.map((_, m) => m).filter(has);
    const any = (pick: (c: NonNullable<(typeof data.cells)[0][0]>) => boolean) => (m: number) =>
      data.cells.some((row) => row[m] !== undefined && pick(row[m]));
    const ok = models(any((c) => c.latencyMs.length > 0));
    const expected: Record<string, number[]> = {
      'chart-latency-box': ok,
      'chart-latency-stats': ok,
      'chart-latency-histogram': ok,
      'chart-latency-ecdf': ok,
      'chart-latency-scatter': ok,
    };
    if (data.streamed) {
      // TTFT and output speed list only models that streamed: their category indexes start at 0.
      const streamed = models(any((c) => c.ttftMs.length > 0));
      expected['chart-ttft-box'] = streamed.map((_, i) => i);
      expected['chart-output-speed'] = streamed.map((_, i) => i);
    }
    const failed = models(any((c) => c.summary.failed > 0));
    if (failed.length > 0) expected['chart-errors'] = failed;
    // Sweep lines are indexed by swept table, goodput by the models that have it.
    const tables = data.runs.flatMap((run) => run.sweeps);
    if (tables.length > 0) expected['chart-sweep'] = tables.map((_, i) => i);
    const good = models(any((c) => c.model.goodput !== undefined));
    if (good.length > 0) expected['chart-goodput'] = good.map((_, i) => i);
    if (data.runs.length > 1)
      expected['chart-history'] = models(any((c) => c.summary.latencyMs !== undefined));
    return expected;
  }

  function expectCleanPage(result: PageVisit, name: string): void {
    expect(result.pageErrors).toEqual([]);
    expect(result.consoleErrors).toEqual([]);
    expect(result.requests).toEqual([`${baseUrl}/${name}.html`]);
  }

  function expectDrawn(result: PageVisit, runs: RunRecord[]): void {
    const expected = expectedCharted(runs);
    expect(result.charted).toEqual(expected);
    // Readable without scrolling sideways at 1280 px: the page and every table.
    expect(result.overflowPx.page).toBe(0);
    expect(
      result.overflowPx.tables.every((px) => px <= 0),
      JSON.stringify(result.overflowPx),
    ).toBe(true);
    for (const id of Object.keys(expected)) expect(result.inkedSamples[id], id).toBeGreaterThan(20);
    // A blank PNG compresses to a handful of distinct bytes; a drawn page uses all 256.
    expect(new Set(result.screenshot).size).toBeGreaterThan(200);
  }

  it('draws a comparison of two runs, every model in every chart, the verdicts first', async () => {
    const runs = [loadFixture('run-main'), loadFixture('run-branch')];
    const result = await visit('comparison', runs, join(tmpdir(), 'converse-bench-report-comparison.png'));
    expectCleanPage(result, 'comparison');
    expectDrawn(result, runs);
    expect(result.banner).toMatch(
      /^Comparison: (regressed|no regression|inconclusive): \d+ of \d+ checks regressed/,
    );
    expect(result.banner).toContain('Failed: mistral.mistral-large-2407-v1:0: budget p90 latencyMs.');
  }, 60_000);

  it('draws a run with a failing and passing budgets, both APIs: the failure leads', async () => {
    const runs = [loadFixture('run-main')];
    const result = await visit('budgets', runs, join(tmpdir(), 'converse-bench-report-budgets.png'));
    expectCleanPage(result, 'budgets');
    expectDrawn(result, runs);
    expect(result.banner.split(/\n+/)).toEqual([
      '1 of 5 checks failed.',
      'Failed: mistral.mistral-large-2407-v1:0: budget p90 latencyMs.',
    ]);
  }, 60_000);

  it('draws a sweep of both APIs: latency against throughput, goodput, levels in every label', async () => {
    const runs = [loadFixture('sweep')];
    const result = await visit('sweep', runs, join(tmpdir(), 'converse-bench-report-sweep.png'));
    expectCleanPage(result, 'sweep');
    expectDrawn(result, runs);
    expect(result.banner).toContain('Latency not judged at time scale 0.05');
  }, 60_000);

  it('draws twelve models, one with no successful call', async () => {
    const runs = [loadFixture('run-many-models')];
    const result = await visit('many-models', runs, join(tmpdir(), 'converse-bench-report-many-models.png'));
    expectCleanPage(result, 'many-models');
    expectDrawn(result, runs);
    expect(result.charted['chart-latency-box']).toHaveLength(11);
  }, 60_000);

  it('draws streaming-only data', async () => {
    const runs = [loadFixture('run-stream-only')];
    const result = await visit('stream-only', runs);
    expectCleanPage(result, 'stream-only');
    expectDrawn(result, runs);
  }, 60_000);

  it('runs no script and loads nothing from hostile model ids and error messages', async () => {
    const hostile = '</script><img src=/x onerror="window.__xss=1"><script>window.__xss=2</script>';
    const runs = [hostileFixture(hostile, hostile)];
    const result = await visit('hostile', runs);
    expectCleanPage(result, 'hostile');
    expect(result.xss).toBeUndefined();
    expect(result.injectedImages).toBe(0);
    expectDrawn(result, runs);
  }, 60_000);
});
