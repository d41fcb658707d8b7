import type { EChartsOption, SeriesOption } from 'echarts';
import type { ReportData } from './data.ts';

/** One chart of the report: a heading, a sentence on what it shows, and its ECharts option (JSON only). */
export interface ChartSpec {
  /** DOM id of the chart's container. */
  id: string;
  title: string;
  description: string;
  /** Unit of the values, for the tooltip's number format. */
  unit: 'ms' | 'tokens/s' | 'calls' | 'tokens';
  /** Container height in CSS pixels: grows with models and runs so 10+ models stay readable. */
  height: number;
  option: EChartsOption;
}

/**
 * Series ids name the model (`model:<index>`) and run (`run:<index>`) they draw, so a test (or a
 * reader of the JSON) can find a model's marks without parsing labels.
 */
export function seriesId(parts: { model?: number; run: number; part?: string }): string {
  const model = parts.model === undefined ? '' : `model:${parts.model}|`;
  const part = parts.part === undefined ? '' : `|${parts.part}`;
  return `${model}run:${parts.run}${part}`;
}

/** In a comparison, category charts draw one series per run, named by the run's label. */
export function runSeriesName(data: ReportData, run: number, single: string): string {
  return data.runs.length > 1 ? (data.runs[run]?.label ?? single) : single;
}

/** Series that draw one model in one run: the model's label, plus the run's in a comparison. */
export function modelSeriesName(data: ReportData, model: number, run: number): string {
  const label = data.models[model]?.label ?? '';
  return data.runs.length > 1 ? `${label} · ${data.runs[run]?.label ?? ''}` : label;
}

/** ECharts' default palette and three more, so 12 models get distinct colors. */
export const PALETTE = [
  '#5470c6',
  '#91cc75',
  '#fac858',
  '#ee6666',
  '#73c0de',
  '#3ba272',
  '#fc8452',
  '#9a60b4',
  '#ea7ccc',
  '#2f4554',
  '#c23531',
  '#8d6e63',
];

export function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#5470c6';
}

/** In a comparison, runs after the first are told apart by line style, symbol and a striped fill. */
export const RUN_LINE_TYPES = ['solid', 'dashed', 'dotted'] as const;
export const RUN_SYMBOLS = ['circle', 'triangle', 'rect', 'diamond'] as const;
export const RUN_DECAL = { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [3, 3], rotation: -Math.PI / 4 };

/**
 * A legend that wraps instead of paging (long run labels stay readable), and the height it takes,
 * estimated from the label lengths at 12 px text in a ~1100 px wide chart.
 */
export function wrappingLegend(
  names: string[],
  show = true,
): { legend: EChartsOption['legend']; height: number } {
  if (!show || names.length === 0) return { legend: { show: false }, height: 8 };
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const width = 36 + 6.2 * name.length;
    if (used + width > 1100 && used > 0) {
      rows += 1;
      used = 0;
    }
    used += width;
  }
  return { legend: { type: 'plain', top: 0, left: 'center', width: '94%' }, height: rows * 24 + 12 };
}

/** Height for a horizontal category chart: one band per model, wide enough for `barsPerBand` bars. */
export function bandChartHeight(categories: number, barsPerBand: number, legendHeight: number): number {
  const band = Math.max(28, 10 * barsPerBand + 12);
  return legendHeight + 60 + categories * band;
}

/** Models on the vertical axis, first at the top; long ids are truncated on the axis, whole in tooltips. */
export function modelAxis(labels: string[]): EChartsOption['yAxis'] {
  return {
    type: 'category',
    data: labels,
    inverse: true,
    axisLabel: { width: 260, overflow: 'truncate' },
  };
}

export function valueAxis(name: string, extra: Record<string, unknown> = {}): EChartsOption['xAxis'] {
  return { type: 'value', name, nameLocation: 'middle', nameGap: 28, scale: false, ...extra };
}

export const GRID = { left: 16, right: 40, bottom: 44 };

/**
 * One plot of value axes under a wrapping legend of its series' names: the scatter, the ECDF, the
 * sweep and the history charts. The chart is `plotHeight` tall plus its legend.
 */
export function xyChart(
  spec: Omit<ChartSpec, 'height' | 'option'> & {
    plotHeight: number;
    tooltip: EChartsOption['tooltip'];
    xAxis: EChartsOption['xAxis'];
    yAxis: EChartsOption['yAxis'];
    series: SeriesOption[];
  },
): ChartSpec {
  const { plotHeight, tooltip, xAxis, yAxis, series, ...heading } = spec;
  const legend = wrappingLegend(series.map((s) => String(s.name)));
  return {
    ...heading,
    height: plotHeight + legend.height,
    option: {
      animation: false,
      legend: legend.legend,
      tooltip,
      grid: { ...GRID, top: legend.height + 24, left: 24 },
      xAxis,
      yAxis,
      series,
    },
  };
}
