import type {
  BarSeriesOption,
  BoxplotSeriesOption,
  EChartsOption,
  LineSeriesOption,
  SeriesOption,
  XAXisComponentOption,
  YAXisComponentOption,
} from 'echarts';
import {
  bandChartHeight,
  type ChartSpec,
  GRID,
  modelAxis,
  modelSeriesName,
  paletteColor,
  RUN_DECAL,
  RUN_LINE_TYPES,
  RUN_SYMBOLS,
  runSeriesName,
  seriesId,
  valueAxis,
  wrappingLegend,
  xyChart,
} from './chart-kit.ts';
import type { ReportCell, ReportData } from './data.ts';
import { goodputChart, historyChart, sweepChart } from './load-charts.ts';
import { binCounts, ecdfPoints, fiveNumbers, MAX_CHART_POINTS, sharedBins } from './stats.ts';

/**
 * The report's charts, built from ok measured calls only (failures are counted in the error chart
 * and the table). Pure: each returns a JSON-only ECharts option.
 */

const EXCLUDED = 'Only successful measured calls are drawn; failures are in the error chart and the table.';

type Pick = (cell: ReportCell) => number[];

/** Models (indexes) that have values to draw in at least one run. */
function modelsWith(data: ReportData, pick: Pick): number[] {
  return data.models
    .map((_, m) => m)
    .filter((m) => data.cells.some((row) => (row[m] === undefined ? false : pick(row[m]).length > 0)));
}

export function boxChart(
  data: ReportData,
  spec: { id: string; title: string; description: string; unit: ChartSpec['unit']; axis: string; pick: Pick },
  models: number[] = data.models.map((_, m) => m),
): ChartSpec {
  const series: BoxplotSeriesOption[] = data.runs.map((_, r) => ({
    type: 'boxplot',
    id: seriesId({ run: r }),
    name: runSeriesName(data, r, spec.title),
    data: models.map((m) => {
      const cell = data.cells[r]?.[m];
      return cell === undefined ? [] : (fiveNumbers(spec.pick(cell)) ?? []);
    }),
  }));
  const legend = wrappingLegend(
    series.map((x) => String(x.name)),
    data.runs.length > 1,
  );
  return {
    id: spec.id,
    title: spec.title,
    description: spec.description,
    unit: spec.unit,
    height: bandChartHeight(models.length, 2 * data.runs.length, legend.height),
    option: {
      animation: false,
      legend: legend.legend,
      tooltip: { trigger: 'item' },
      grid: { ...GRID, top: legend.height + 8 },
      xAxis: valueAxis(spec.axis),
      yAxis: modelAxis(models.map((m) => data.models[m]?.label ?? '')),
      series,
    },
  };
}

export function latencyBoxChart(data: ReportData): ChartSpec {
  return boxChart(data, {
    id: 'chart-latency-box',
    title: 'Latency by model',
    description: `Box plot of end-to-end latency: box from Q1 to Q3, line at the median, whiskers at min and max. ${EXCLUDED}`,
    unit: 'ms',
    axis: 'latency (ms)',
    pick: (c) => c.latencyMs,
  });
}

export function ttftBoxChart(data: ReportData): ChartSpec {
  const pick: Pick = (c) => c.ttftMs;
  return boxChart(
    data,
    {
      id: 'chart-ttft-box',
      title: 'Time to first token (streamed calls)',
      description: `From just before send() to the first text delta, per ConverseStream model. ${EXCLUDED}`,
      unit: 'ms',
      axis: 'time to first token (ms)',
      pick,
    },
    modelsWith(data, pick),
  );
}

export function outputSpeedBoxChart(data: ReportData): ChartSpec {
  const pick: Pick = (c) => c.outputTokensPerSecond;
  return boxChart(
    data,
    {
      id: 'chart-output-speed',
      title: 'Output speed (streamed calls)',
      description: `Per call, (output tokens - 1) / (latency - TTFT), calls with at least 2 output tokens. Higher is faster. ${EXCLUDED}`,
      unit: 'tokens/s',
      axis: 'output tokens per second',
      pick,
    },
    modelsWith(data, pick),
  );
}

/** Above this many lines or point sets, one chart per model (runs overlaid) reads better than one crowded chart. */
const MAX_SERIES_IN_ONE_CHART = 8;

/** Small multiples: a panel per model, laid out in 1-3 columns under the legend. */
function panels(data: ReportData, legendHeight: number, cellHeight: number, noun: (m: number) => string) {
  const columns = data.models.length === 1 ? 1 : data.models.length <= 4 ? 2 : 3;
  const width = 100 / columns;
  const title: NonNullable<EChartsOption['title']> = [];
  const grid: NonNullable<EChartsOption['grid']> = [];
  data.models.forEach((model, m) => {
    const left = (m % columns) * width;
    const top = legendHeight + Math.floor(m / columns) * cellHeight;
    title.push({
      text: `${model.label}${noun(m)}`,
      left: `${left + 1}%`,
      top,
      textStyle: { fontSize: 12, fontWeight: 'normal', width: (1000 * width) / 100, overflow: 'truncate' },
    });
    grid.push({ left: `${left + 5}%`, width: `${width - 8}%`, top: top + 26, height: cellHeight - 70 });
  });
  return { title, grid, height: legendHeight + 8 + Math.ceil(data.models.length / columns) * cellHeight };
}

/** Said only when some series has more ok calls than a chart draws points (stats.ts MAX_CHART_POINTS). */
function thinnedNote(data: ReportData, what: string): string {
  const thinned = data.cells.some((row) => row.some((c) => (c?.latencyMs.length ?? 0) > MAX_CHART_POINTS));
  return thinned ? ` A series of more than ${MAX_CHART_POINTS} calls draws ${MAX_CHART_POINTS} ${what}.` : '';
}

const okNoun = (data: ReportData) => (m: number) =>
  data.cells.reduce((n, row) => n + (row[m]?.latencyMs.length ?? 0), 0) === 0 ? ': no successful calls' : '';

/**
 * Small multiples: a panel per model (`axes(m)` its x and y axes), its runs overlaid, under a legend
 * naming the runs (shown with two runs or more). Each series names its panel (`inPanel`).
 */
function panelChart(
  data: ReportData,
  spec: Omit<ChartSpec, 'height' | 'option'> & {
    cellHeight: number;
    tooltip: EChartsOption['tooltip'];
    axes: (m: number) => { x: XAXisComponentOption; y: YAXisComponentOption };
    series: SeriesOption[];
  },
): ChartSpec {
  const { cellHeight, tooltip, axes, series, ...heading } = spec;
  const legend = wrappingLegend(
    data.runs.map((_, r) => runSeriesName(data, r, 'calls')),
    data.runs.length > 1,
  );
  const layout = panels(data, legend.height, cellHeight, okNoun(data));
  const panelAxes = data.models.map((_, m) => axes(m));
  return {
    ...heading,
    height: layout.height,
    option: {
      animation: false,
      legend: legend.legend,
      tooltip,
      title: layout.title,
      grid: layout.grid,
      xAxis: panelAxes.map((a) => a.x),
      yAxis: panelAxes.map((a) => a.y),
      series,
    },
  };
}

function inPanel<S extends SeriesOption>(m: number, series: S): S {
  return { ...series, xAxisIndex: m, yAxisIndex: m };
}

/** Small multiples: one histogram per model on shared bins, one bar series per run. */
export function latencyHistogramChart(data: ReportData): ChartSpec {
  const samples = data.cells.flatMap((row) => row.map((c) => c?.latencyMs ?? []));
  const bins = sharedBins(samples) ?? { start: 0, width: 1, count: 1 };
  const labels = Array.from({ length: bins.count }, (_, i) => {
    const lo = bins.start + i * bins.width;
    return `${formatEdge(lo)}-${formatEdge(lo + bins.width)}`;
  });
  const series: BarSeriesOption[] = data.models.flatMap((_, m) =>
    data.runs.map((_, r) => {
      const cell = data.cells[r]?.[m];
      return inPanel(m, {
        type: 'bar' as const,
        id: seriesId({ model: m, run: r }),
        name: runSeriesName(data, r, 'calls'),
        barGap: '0%',
        data: cell === undefined || cell.latencyMs.length === 0 ? [] : binCounts(cell.latencyMs, bins),
      });
    }),
  );
  return panelChart(data, {
    id: 'chart-latency-histogram',
    title: 'Latency histogram per model',
    description: `Calls per latency bin (ms), one panel per model, on bins shared by every panel. ${EXCLUDED}`,
    unit: 'calls',
    cellHeight: 190,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    axes: (m) => ({
      x: { type: 'category', gridIndex: m, data: labels, name: 'ms', axisLabel: { hideOverlap: true } },
      y: { type: 'value', gridIndex: m, minInterval: 1 },
    }),
    series,
  });
}

function formatEdge(ms: number): string {
  return Number.isInteger(ms) ? String(ms) : ms.toPrecision(3);
}

export function latencyScatterChart(data: ReportData): ChartSpec {
  const drawn = data.cells.flatMap((row, r) =>
    row.flatMap((cell, m) =>
      cell === undefined || cell.latencyByInput.length === 0 ? [] : [{ cell, m, r }],
    ),
  );
  const points = (cell: ReportCell, m: number, r: number, name: string) => ({
    type: 'scatter' as const,
    id: seriesId({ model: m, run: r }),
    name,
    symbol: RUN_SYMBOLS[r % RUN_SYMBOLS.length],
    symbolSize: 7,
    itemStyle: { color: paletteColor(m) },
    data: cell.latencyByInput,
  });
  const title = 'Latency against input tokens';
  const description = `One point per call: input tokens (x) and end-to-end latency in ms (y). ${EXCLUDED}${thinnedNote(data, 'points, evenly spread over the calls in completion order')}`;
  if (drawn.length > MAX_SERIES_IN_ONE_CHART) {
    return panelChart(data, {
      id: 'chart-latency-scatter',
      title,
      description: `${description} One panel per model.`,
      unit: 'ms',
      cellHeight: 220,
      tooltip: { trigger: 'item' },
      axes: (m) => ({
        x: { type: 'value', gridIndex: m, scale: true, name: 'tokens' },
        y: { type: 'value', gridIndex: m, name: 'ms' },
      }),
      series: drawn.map(({ cell, m, r }) => inPanel(m, points(cell, m, r, runSeriesName(data, r, 'calls')))),
    });
  }
  return xyChart({
    id: 'chart-latency-scatter',
    title,
    description,
    unit: 'ms',
    plotHeight: 420,
    tooltip: { trigger: 'item' },
    xAxis: valueAxis('input tokens', { scale: true }),
    yAxis: { type: 'value', name: 'latency (ms)' },
    series: drawn.map(({ cell, m, r }) => points(cell, m, r, modelSeriesName(data, m, r))),
  });
}

const STATS = [
  { name: 'mean', part: 'mean', color: '#5470c6' },
  { name: 'median', part: 'median', color: '#91cc75' },
  { name: 'P90', part: 'p90', color: '#ee6666' },
] as const;

export function latencyStatBarsChart(data: ReportData): ChartSpec {
  const series: BarSeriesOption[] = data.runs.flatMap((_, r) =>
    STATS.map((stat) => ({
      type: 'bar' as const,
      id: seriesId({ run: r, part: stat.part }),
      name: data.runs.length > 1 ? `${stat.name} · ${data.runs[r]?.label ?? ''}` : stat.name,
      itemStyle: r === 0 ? { color: stat.color } : { color: stat.color, decal: RUN_DECAL },
      data: data.models.map((_, m) => data.cells[r]?.[m]?.summary.latencyMs?.[stat.part] ?? '-'),
    })),
  );
  const legend = wrappingLegend(series.map((x) => String(x.name)));
  return {
    id: 'chart-latency-stats',
    title: 'Mean, median and P90 latency by model',
    description:
      'From the run summary (type 7 percentiles, as numpy). Models without a successful call have no bar.',
    unit: 'ms',
    height: bandChartHeight(data.models.length, 3 * data.runs.length, legend.height),
    option: {
      animation: false,
      legend: legend.legend,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { ...GRID, top: legend.height + 8 },
      xAxis: valueAxis('latency (ms)'),
      yAxis: modelAxis(data.models.map((m) => m.label)),
      series,
    },
  };
}

export function latencyEcdfChart(data: ReportData): ChartSpec {
  const lines = (cell: ReportCell, m: number, r: number, name: string): LineSeriesOption => ({
    type: 'line' as const,
    id: seriesId({ model: m, run: r }),
    name,
    step: 'end' as const,
    showSymbol: false,
    itemStyle: { color: paletteColor(m) },
    lineStyle: { width: 2, color: paletteColor(m), type: RUN_LINE_TYPES[r % RUN_LINE_TYPES.length] },
    data: ecdfPoints(cell.latencyMs),
  });
  const drawn = data.cells.flatMap((row, r) =>
    row.flatMap((cell, m) => (cell === undefined || cell.latencyMs.length === 0 ? [] : [{ cell, m, r }])),
  );
  const title = 'Latency ECDF per model';
  const description = `Fraction of calls (y) that finished within a latency (x, ms); further left is faster, a steep rise is consistent. ${EXCLUDED}${thinnedNote(data, 'steps, at evenly spaced ranks')}`;
  if (drawn.length > MAX_SERIES_IN_ONE_CHART) {
    // Many models or runs: one panel per model, its runs overlaid (line style per run).
    return panelChart(data, {
      id: 'chart-latency-ecdf',
      title,
      description: `${description} One panel per model.`,
      unit: 'ms',
      cellHeight: 200,
      tooltip: { trigger: 'axis' },
      axes: (m) => ({
        x: { type: 'value', gridIndex: m, scale: true, name: 'ms' },
        y: { type: 'value', gridIndex: m, min: 0, max: 1 },
      }),
      series: drawn.map(({ cell, m, r }) => inPanel(m, lines(cell, m, r, runSeriesName(data, r, 'calls')))),
    });
  }
  return xyChart({
    id: 'chart-latency-ecdf',
    title,
    description,
    unit: 'ms',
    plotHeight: 400,
    tooltip: { trigger: 'axis' },
    xAxis: valueAxis('latency (ms)', { scale: true }),
    yAxis: { type: 'value', name: 'fraction of calls', min: 0, max: 1 },
    series: drawn.map(({ cell, m, r }) => lines(cell, m, r, modelSeriesName(data, m, r))),
  });
}

/** Failed measured calls by error kind, stacked per model (one stack per run); undefined when none failed. */
export function errorChart(data: ReportData): ChartSpec | undefined {
  const kinds = [
    ...new Set(data.cells.flatMap((row) => row.flatMap((c) => Object.keys(c?.summary.errorsByKind ?? {})))),
  ].sort();
  if (kinds.length === 0) return undefined;
  const series: BarSeriesOption[] = data.runs.flatMap((_, r) =>
    kinds.map((kind, k) => ({
      type: 'bar' as const,
      id: seriesId({ run: r, part: `error:${kind}` }),
      name: data.runs.length > 1 ? `${kind} · ${data.runs[r]?.label ?? ''}` : kind,
      stack: `run:${r}`,
      itemStyle: r === 0 ? { color: paletteColor(k) } : { color: paletteColor(k), decal: RUN_DECAL },
      data: data.models.map((_, m) => {
        const cell = data.cells[r]?.[m];
        return cell === undefined ? '-' : (cell.summary.errorsByKind[kind] ?? 0);
      }),
    })),
  );
  const legend = wrappingLegend(series.map((x) => String(x.name)));
  return {
    id: 'chart-errors',
    title: 'Failed calls by error kind',
    description: 'Failed measured calls per model, stacked by error kind (warmup calls excluded).',
    unit: 'calls',
    height: bandChartHeight(data.models.length, 2 * data.runs.length, legend.height),
    option: {
      animation: false,
      legend: legend.legend,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { ...GRID, top: legend.height + 8 },
      xAxis: valueAxis('failed calls', { minInterval: 1 }),
      yAxis: modelAxis(data.models.map((m) => m.label)),
      series,
    },
  };
}

/** Every chart the data supports, in reading order. */
export function buildCharts(data: ReportData): ChartSpec[] {
  if (data.models.length === 0) return [];
  const charts = [
    latencyBoxChart(data),
    latencyStatBarsChart(data),
    latencyHistogramChart(data),
    latencyEcdfChart(data),
    latencyScatterChart(data),
  ];
  if (data.streamed) charts.push(ttftBoxChart(data), outputSpeedBoxChart(data));
  for (const chart of [sweepChart(data), goodputChart(data), historyChart(data), errorChart(data)]) {
    if (chart !== undefined) charts.push(chart);
  }
  return charts;
}
