import { describe, expect, it } from 'vitest';
import { RUN_RECORD_SCHEMA, type RunRecord } from '../src/records/run-record.ts';
import { buildCharts } from '../src/report/html/charts.ts';
import { buildReportData, modelLabel, runLabel } from '../src/report/html/data.ts';
import { escapeHtml, jsonForScript, scriptSafeSource } from '../src/report/html/escape.ts';
import { renderHtmlReport } from '../src/report/html/report.ts';
import {
  binCounts,
  ecdfPoints,
  evenSample,
  fiveNumbers,
  MAX_CHART_POINTS,
  niceStep,
  sharedBins,
} from '../src/report/html/stats.ts';
import { summarizeCalls } from '../src/summary/summarize-calls.ts';
import { hostileFixture, loadFixture } from './fixtures/run-records/load.ts';

const ECHARTS = '/* echarts stand-in */';
const BREAKOUT = '</script><script>alert(1)</script>';

/** The JSON block's text, parsed as a browser would read it (textContent, then JSON.parse). */
function reportJson(html: string): { charts: Array<{ id: string; option: Record<string, unknown> }> } {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (match?.[1] === undefined) throw new Error('no report-data block');
  return JSON.parse(match[1]);
}

function chart(html: string, id: string): { series: Array<Record<string, unknown>>; yAxis?: unknown } {
  const found = reportJson(html).charts.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no chart ${id}`);
  return found.option as { series: Array<Record<string, unknown>> };
}

describe('escaping', () => {
  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    );
  });

  it('keeps JSON free of <, >, & and raw line separators, and it still parses to the same value', () => {
    const value = { id: `${BREAKOUT}<!-- & \u2028\u2029` };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('neutralizes </script and <!-- in inlined JavaScript', () => {
    expect(scriptSafeSource('var s = "</SCRIPT>"; // <!-- x')).toBe('var s = "<\\/SCRIPT>"; // <\\!-- x');
  });

  it('never lets a model id or an error message open a tag', () => {
    const html = renderHtmlReport([hostileFixture(BREAKOUT, `${BREAKOUT} \u2028 <img src=x>`)], {
      echartsSource: ECHARTS,
    });
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).not.toContain('alert(1)</script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('\u2028');
    expect(html).toContain('<th scope="row">&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    // The label reaches the chart intact, through the JSON block.
    const box = chart(html, 'chart-latency-box') as { yAxis: { data: string[] } };
    expect(box.yAxis.data[0]).toBe(BREAKOUT);
  });

  it('escapes the title', () => {
    const html = renderHtmlReport([], { echartsSource: ECHARTS, title: '<b>A & B</b>' });
    expect(html).toContain('<title>&lt;b&gt;A &amp; B&lt;/b&gt;</title>');
    expect(html).toContain('<h1>&lt;b&gt;A &amp; B&lt;/b&gt;</h1>');
  });
});

describe('self-contained page', () => {
  const html = renderHtmlReport([loadFixture('run-main')], { echartsSource: ECHARTS });

  it('inlines ECharts and loads nothing from elsewhere', () => {
    expect(html).toContain(`<script>${ECHARTS}</script>`);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|@font-face|url\(/);
    expect(html).toContain("default-src 'none'");
  });

  it('gives every chart a heading and a container of its height', () => {
    for (const c of reportJson(html).charts) {
      expect(html).toMatch(new RegExp(`<h2 id="${c.id}-title">[^<]+</h2>`));
      expect(html).toMatch(
        new RegExp(`<div class="chart" id="${c.id}" role="img" aria-label="[^"]+" style="height:\\d+px">`),
      );
    }
  });
});

describe('series per model', () => {
  const main = loadFixture('run-main');
  const data = buildReportData([main]);
  const charts = Object.fromEntries(buildCharts(data).map((c) => [c.id, c.option]));

  it('lists the models in order with API and latency mode in the label', () => {
    expect(data.models.map((m) => m.label)).toEqual([
      'anthropic.claude-3-haiku-20240307-v1:0',
      'us.amazon.nova-lite-v1:0',
      'us.amazon.nova-lite-v1:0 (stream)',
      'meta.llama3-1-8b-instruct-v1:0 [optimized (unconfirmed)]',
      'mistral.mistral-large-2407-v1:0',
    ]);
    expect(data.streamed).toBe(true);
  });

  it('draws only ok measured calls', () => {
    const cell = data.cells[0]?.[0];
    const model = main.models[0];
    const ok = model?.calls.filter((c) => c.status === 'ok' && c.phase === 'measure') ?? [];
    expect(cell?.latencyMs).toEqual(ok.map((c) => c.latencyMs));
    expect(cell?.latencyMs).toHaveLength(27);
    expect(data.cells[0]?.[4]?.latencyMs).toEqual([]);
  });

  it('has one ECDF and one scatter series per model with a success, none for the model without', () => {
    for (const id of ['chart-latency-ecdf', 'chart-latency-scatter']) {
      const series = charts[id]?.series as Array<{ id: string; name: string; data: unknown[] }>;
      expect(series.map((s) => s.id)).toEqual([
        'model:0|run:0',
        'model:1|run:0',
        'model:2|run:0',
        'model:3|run:0',
      ]);
      expect(series.map((s) => s.name)).toEqual(data.models.slice(0, 4).map((m) => m.label));
    }
    const ecdf = charts['chart-latency-ecdf']?.series as Array<{ data: Array<[number, number]> }>;
    expect(ecdf[0]?.data).toHaveLength(28);
    expect(ecdf[0]?.data.at(-1)?.[1]).toBe(1);
  });

  it('has a box per model (empty for no successes) and bars from the summary', () => {
    const box = charts['chart-latency-box']?.series as Array<{ data: unknown[][] }>;
    expect(box).toHaveLength(1);
    expect(box[0]?.data.map((d) => d.length)).toEqual([5, 5, 5, 5, 0]);
    expect(box[0]?.data[1]).toEqual(fiveNumbers(data.cells[0]?.[1]?.latencyMs ?? []));
    const bars = charts['chart-latency-stats']?.series as Array<{ name: string; data: unknown[] }>;
    expect(bars.map((s) => s.name)).toEqual(['mean', 'median', 'P90']);
    const summary = main.models[1]?.summary.latencyMs;
    expect(bars.map((s) => s.data[1])).toEqual([summary?.mean, summary?.median, summary?.p90]);
    expect(bars.map((s) => s.data[4])).toEqual(['-', '-', '-']);
  });

  it('counts failures by kind per model from the summary', () => {
    const series = charts['chart-errors']?.series as Array<{ name: string; data: unknown[] }>;
    expect(Object.fromEntries(series.map((s) => [s.name, s.data]))).toEqual({
      AccessDeniedException: [0, 0, 0, 0, 8],
      ModelStreamErrorException: [0, 0, 1, 0, 0],
      ServiceUnavailableException: [0, 0, 0, 1, 0],
      ThrottlingException: [2, 0, 0, 0, 0],
      stream: [0, 0, 1, 0, 0],
      timeout: [1, 0, 0, 0, 0],
    });
  });

  it('draws TTFT and output speed for the streamed model only', () => {
    for (const id of ['chart-ttft-box', 'chart-output-speed']) {
      const option = charts[id] as { yAxis: { data: string[] }; series: Array<{ data: unknown[][] }> };
      expect(option.yAxis.data).toEqual(['us.amazon.nova-lite-v1:0 (stream)']);
      expect(option.series[0]?.data[0]).toHaveLength(5);
    }
  });

  it('has a histogram panel per model on shared bins', () => {
    const option = charts['chart-latency-histogram'] as {
      grid: unknown[];
      series: Array<{ data: number[] }>;
    };
    expect(option.grid).toHaveLength(5);
    const counts = option.series.map((s) => s.data.reduce((a, b) => a + b, 0));
    expect(counts).toEqual([27, 30, 28, 29, 0]);
    expect(new Set(option.series.slice(0, 4).map((s) => s.data.length)).size).toBe(1);
  });

  it('leaves out streaming charts when nothing streamed and the error chart when nothing failed', () => {
    const record = loadFixture('run-main');
    record.models = record.models.filter((m) => m.api === 'converse' && m.summary.failed === 0);
    const ids = buildCharts(buildReportData([record])).map((c) => c.id);
    expect(ids).toEqual([
      'chart-latency-box',
      'chart-latency-stats',
      'chart-latency-histogram',
      'chart-latency-ecdf',
      'chart-latency-scatter',
    ]);
    expect(renderHtmlReport([record], { echartsSource: ECHARTS })).toContain('No measured call failed.');
  });

  it('draws a prompt cache table per class, and labels a cached model by its setting', () => {
    const record = loadFixture('run-main');
    const model = record.models[0];
    if (model === undefined) throw new Error('no model');
    const calls = model.calls.map((c, i) =>
      c.status === 'ok'
        ? { ...c, cacheReadTokens: i === 0 ? 0 : 700, cacheWriteTokens: i === 0 ? 700 : 0 }
        : c,
    );
    record.models = [
      { ...model, options: { ...model.options, promptCache: '5m' }, calls, summary: summarizeCalls(calls) },
    ];
    const html = renderHtmlReport([record], { echartsSource: ECHARTS });
    expect(html).toContain('<table class="cache">');
    expect(html).toMatch(/<td>5m<\/td><td>read<\/td><td class="num">\d+<\/td>/);
    expect(
      modelLabel({ ...record.models[0], options: { promptCache: '1h', cacheBust: true } } as never),
    ).toContain('[cache 1h + nonce]');
    expect(renderHtmlReport([loadFixture('run-main')], { echartsSource: ECHARTS })).not.toContain(
      '<table class="cache">',
    );
  });

  it('handles streaming-only runs', () => {
    const stream = buildReportData([loadFixture('run-stream-only')]);
    const ids = buildCharts(stream).map((c) => c.id);
    expect(ids).toContain('chart-ttft-box');
    expect(ids).toContain('chart-output-speed');
    expect(ids).not.toContain('chart-errors');
  });
});

describe('comparison', () => {
  const data = buildReportData([loadFixture('run-main'), loadFixture('run-branch')]);
  const charts = Object.fromEntries(buildCharts(data).map((c) => [c.id, c.option]));

  it('labels runs by branch, commit and date', () => {
    expect(data.runs.map((r) => r.label)).toEqual([
      'run 1: main@3f9c2a1 2026-11-20 10:04',
      'run 2: feature/http2-transport@b7e41c0+dirty 2026-11-27 15:31',
    ]);
  });

  it('matches models by key and adds those only one run has', () => {
    expect(data.models).toHaveLength(6);
    expect(data.models[5]?.label).toBe('amazon.nova-micro-v1:0 (stream)');
    expect(data.cells[0]?.[5]).toBeUndefined();
    expect(data.cells[1]?.[5]?.latencyMs).toHaveLength(30);
  });

  it('draws models side by side, one series per run', () => {
    const box = charts['chart-latency-box']?.series as Array<{ name: string; data: unknown[][] }>;
    expect(box.map((s) => s.name)).toEqual(data.runs.map((r) => r.label));
    expect(box[0]?.data[5]).toEqual([]);
    expect(box[1]?.data[5]).toHaveLength(5);
    // 9 lines: past 8, one panel per model with its runs overlaid, each line named by its run.
    const ecdf = charts['chart-latency-ecdf']?.series as Array<{
      name: string;
      id: string;
      xAxisIndex: number;
    }>;
    expect(ecdf).toHaveLength(4 + 5);
    expect(ecdf.find((s) => s.id === 'model:5|run:1')).toMatchObject({
      name: 'run 2: feature/http2-transport@b7e41c0+dirty 2026-11-27 15:31',
      xAxisIndex: 5,
    });
    const bars = charts['chart-latency-stats']?.series as unknown[];
    expect(bars).toHaveLength(6);
  });

  it('puts a row per model and run in the table, and a column per run in the context', () => {
    const html = renderHtmlReport([loadFixture('run-main'), loadFixture('run-branch')], {
      echartsSource: ECHARTS,
    });
    expect(html.match(/<tr><th scope="row">/g)?.length).toBeGreaterThanOrEqual(11);
    expect(html).toContain(
      '<th scope="col">run 2: feature/http2-transport@b7e41c0+dirty 2026-11-27 15:31</th>',
    );
    expect(html).toContain('<td>http2</td>');
  });
});

describe('empty inputs', () => {
  it('renders a page that says there is nothing to report', () => {
    const html = renderHtmlReport([], { echartsSource: ECHARTS });
    expect(html).toContain('No run records were given');
    expect(reportJson(html).charts).toEqual([]);
  });

  it('renders a run without models with its context and no charts', () => {
    const record: RunRecord = {
      schema: RUN_RECORD_SCHEMA,
      context: loadFixture('run-main').context,
      models: [],
    };
    const html = renderHtmlReport([record], { echartsSource: ECHARTS });
    expect(html).toContain('These runs benchmarked no model.');
    expect(html).toContain('<td>run-main-20261120</td>');
    expect(reportJson(html).charts).toEqual([]);
  });

  it('marks interrupted runs', () => {
    const html = renderHtmlReport([loadFixture('run-many-models')], { echartsSource: ECHARTS });
    expect(html).toContain('<p class="banner" role="alert">Interrupted before every call completed');
  });
});

describe('chart shapes', () => {
  it('five numbers are type 7 quartiles', () => {
    expect(fiveNumbers([4, 1, 3, 2])).toEqual([1, 1.75, 2.5, 3.25, 4]);
    expect(fiveNumbers([7])).toEqual([7, 7, 7, 7, 7]);
    expect(fiveNumbers([])).toBeUndefined();
  });

  it('bins are 1, 2 or 5 times a power of ten, shared, and count every value once', () => {
    expect([0.3, 1, 1.2, 3, 7, 420].map(niceStep)).toEqual([0.5, 1, 2, 5, 10, 500]);
    const bins = sharedBins([
      [120, 180, 260],
      [410, 990],
    ]);
    expect(bins).toEqual({ start: 0, width: 200, count: 5 });
    expect(binCounts([120, 180, 260, 990, 1000], { start: 0, width: 200, count: 5 })).toEqual([
      2, 1, 0, 0, 2,
    ]);
    expect(sharedBins([[], []])).toBeUndefined();
  });

  it('the ECDF rises 1/n at each value from (min, 0)', () => {
    expect(ecdfPoints([3, 1, 2, 2])).toEqual([
      [1, 0],
      [1, 0.25],
      [2, 0.5],
      [2, 0.75],
      [3, 1],
    ]);
  });

  it('past its point limit, the ECDF keeps true steps at evenly spaced ranks, the first and the last', () => {
    // 9 values, 5 points at most: ranks 0, 2, 4, 6, 8.
    expect(ecdfPoints([9, 8, 7, 6, 5, 4, 3, 2, 1], 5)).toEqual([
      [1, 0],
      [1, 1 / 9],
      [3, 3 / 9],
      [5, 5 / 9],
      [7, 7 / 9],
      [9, 1],
    ]);
    expect(ecdfPoints([3, 1, 2, 2], 4)).toEqual(ecdfPoints([3, 1, 2, 2]));
    const many = Array.from({ length: 3 * MAX_CHART_POINTS }, (_, i) => i);
    expect(ecdfPoints(many)).toHaveLength(MAX_CHART_POINTS + 1);
  });

  it('past its point limit, a scatter keeps points evenly spread in order, the first and the last', () => {
    expect(evenSample(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 4)).toEqual(['a', 'c', 'e', 'g']);
    expect(evenSample(['a', 'b'], 4)).toEqual(['a', 'b']);
    expect(evenSample(Array.from({ length: 2 * MAX_CHART_POINTS }, (_, i) => i))).toHaveLength(
      MAX_CHART_POINTS,
    );
  });

  it('labels models and runs', () => {
    expect(
      modelLabel({ modelId: 'm', api: 'converse', latencyMode: 'standard', summary: summarizeCalls([]) }),
    ).toBe('m');
    expect(
      modelLabel({
        modelId: 'm',
        api: 'converse-stream',
        latencyMode: 'optimized',
        summary: summarizeCalls([]),
      }),
    ).toBe('m (stream) [optimized (unconfirmed)]');
    const context = { ...loadFixture('run-main').context, git: {} };
    expect(runLabel(context, 2)).toBe('run 3: no branch@no commit 2026-11-20 10:04');
  });
});

describe('the verdict first', () => {
  const head = (html: string): string => html.slice(html.indexOf('<body>'), html.indexOf('<main>'));

  it('leads with the failed check, linked to its row in the checks table', () => {
    const html = renderHtmlReport([loadFixture('run-main')], { echartsSource: ECHARTS });
    const banner = head(html);
    expect(banner.indexOf('class="verdict verdict-fail"')).toBeLessThan(banner.indexOf('class="lead"'));
    expect(banner).toContain('1 of 5 checks failed.');
    const link =
      /Failed: <a href="#(check-\d+-\d+-\d+)">mistral\.mistral-large-2407-v1:0: budget p90 latencyMs<\/a>/.exec(
        banner,
      );
    expect(link).not.toBeNull();
    expect(html).toContain(`<tr id="${link?.[1]}" class="check-fail">`);
  });

  it('says a time-scaled run was not judged on latency, and names the models without a budget', () => {
    const run = loadFixture('sweep');
    const banner = head(renderHtmlReport([run], { echartsSource: ECHARTS }));
    expect(banner).toContain(
      'Latency not judged at time scale 0.05: every modelled delay was scaled, so latency budgets and regressions are reported, not failed; errors still fail.',
    );
    const first = run.models[0];
    if (first === undefined) throw new Error('the sweep fixture has no model');
    first.checks = [
      {
        name: 'budget',
        status: 'inconclusive',
        line: 'no budget: no entry under "emulator" in data/budgets.json',
      },
    ];
    const noBudget = head(renderHtmlReport([run], { echartsSource: ECHARTS }));
    expect(noBudget).toContain('No budget: amazon.nova-micro-v1:0 @ concurrency=1.');
  });

  it('with no check at all, says nothing was gated', () => {
    const run = loadFixture('run-stream-only');
    for (const model of run.models) model.checks = [];
    delete run.verdict;
    const banner = head(renderHtmlReport([run], { echartsSource: ECHARTS }));
    expect(banner).toContain('class="verdict verdict-none"');
    expect(banner).toContain('No check ran: no model has a budget or a baseline, so nothing was gated.');
  });

  it("a comparison leads with the gate's comparison verdict and lists every gated metric", () => {
    const html = renderHtmlReport([loadFixture('run-main'), loadFixture('run-branch')], {
      echartsSource: ECHARTS,
    });
    expect(head(html)).toMatch(
      /<strong>Comparison: (regressed|no regression|inconclusive): \d+ of \d+ checks regressed/,
    );
    expect(head(html)).toContain('<a href="#verdict-differences">listed under Verdicts</a>');
    expect(html).toContain('<table class="verdicts">');
    expect(html).toContain(
      '<p class="note" id="verdict-differences">Differences between the runs: transport differs',
    );
    // Each gated P90 row carries the gate's own line, with its method and bounds.
    expect(html).toMatch(/<td>P90 latency \(ms\)<\/td>.*pooled-P90 test/);
  });
});

describe('tables that fit', () => {
  it('splits the summary into latency, detail and checks tables, the run column wrapping', () => {
    const html = renderHtmlReport([loadFixture('run-main'), loadFixture('run-branch')], {
      echartsSource: ECHARTS,
    });
    expect(html).toContain('<table class="summary">');
    expect(html).toContain('<table class="details">');
    expect(html).toContain('<table class="checks">');
    expect(html).toContain(
      '<td class="run">run 2: feature/http2-transport@b7e41c0+dirty 2026-11-27 15:31</td>',
    );
    const latencyHead =
      /<table class="summary">[\s\S]*?<thead><tr>(.*?)<\/tr><\/thead>/.exec(html)?.[1] ?? '';
    expect(latencyHead.match(/<th /g)).toHaveLength(12);
  });

  it('prints the time scale as set, counts models and series apart', () => {
    const html = renderHtmlReport([loadFixture('sweep')], { echartsSource: ECHARTS });
    expect(html).toContain('<td>0.05 (every modelled delay x 0.05)</td>');
    expect(html).toContain('One run, 1 model in 6 series (by API, latency mode and level).');
    expect(html).toContain('<th scope="row">amazon.nova-micro-v1:0 (stream) @ concurrency=4</th>');
  });
});

describe('load and history charts', () => {
  it('draws each swept model against its throughput, a point per level, labelled', () => {
    const run = loadFixture('sweep');
    const sweep = chart(renderHtmlReport([run], { echartsSource: ECHARTS }), 'chart-sweep');
    expect(sweep.series.map((s) => s.name)).toEqual([
      'amazon.nova-micro-v1:0 P50',
      'amazon.nova-micro-v1:0 P90',
      'amazon.nova-micro-v1:0 (stream) P50',
      'amazon.nova-micro-v1:0 (stream) P90',
    ]);
    const table = run.sweeps?.[0];
    expect(sweep.series[1]?.data).toEqual(
      table?.rows.map((row) => [row.achievedRate, row.latencyMs?.p90, `concurrency=${row.level}`]),
    );
  });

  it('draws goodput per model when the run had objectives', () => {
    const run = loadFixture('sweep');
    const goodput = chart(renderHtmlReport([run], { echartsSource: ECHARTS }), 'chart-goodput');
    expect(goodput.series[0]?.data).toEqual(
      run.models.map((m) => Math.round((m.goodput?.share ?? 0) * 1000) / 10),
    );
  });

  it('with several runs, draws each model P50 and P90 from run to run', () => {
    const runs = [loadFixture('run-main'), loadFixture('run-branch')];
    const history = chart(renderHtmlReport(runs, { echartsSource: ECHARTS }), 'chart-history');
    const p90 = history.series.find((s) => s.id === 'model:0|run:0|history:p90');
    expect(p90?.data).toEqual(runs.map((r) => r.models[0]?.summary.latencyMs?.p90));
    expect(
      reportJson(renderHtmlReport([runs[0] as RunRecord], { echartsSource: ECHARTS })).charts.map(
        (c) => c.id,
      ),
    ).not.toContain('chart-history');
  });
});
