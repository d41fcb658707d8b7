import type { LineSeriesOption } from 'echarts';
import {
  type ChartSpec,
  GRID,
  modelAxis,
  paletteColor,
  RUN_LINE_TYPES,
  seriesId,
  valueAxis,
  wrappingLegend,
  xyChart,
} from './chart-kit.ts';
import type { ReportData } from './data.ts';

/**
 * Charts of load and of runs over time: sweeps (latency against the throughput each level achieved),
 * goodput, and a history's P50 / P90 per model. Pure: each returns a JSON-only ECharts option.
 */

/** One line per swept model (and run): a point per level at (achieved calls/s, P50 and P90 latency). */
export function sweepChart(data: ReportData): ChartSpec | undefined {
  const tables = data.runs.flatMap((run, r) => run.sweeps.map((table, t) => ({ run, r, table, t })));
  if (tables.length === 0) return undefined;
  const lines: LineSeriesOption[] = [];
  tables.forEach(({ run, r, table }, i) => {
    const base = `${table.modelId}${table.api === 'converse-stream' ? ' (stream)' : ''}`;
    const name = data.runs.length > 1 ? `${base} · ${run.label}` : base;
    for (const [q, key] of [
      ['P50', 'p50'],
      ['P90', 'p90'],
    ] as const) {
      lines.push({
        type: 'line',
        id: seriesId({ model: i, run: r, part: `sweep:${key}` }),
        name: `${name} ${q}`,
        showSymbol: true,
        symbolSize: 8,
        itemStyle: { color: paletteColor(i) },
        lineStyle: { color: paletteColor(i), type: key === 'p50' ? 'dashed' : 'solid' },
        label: { show: key === 'p90', position: 'top', formatter: '{@[2]}' },
        data: table.rows.flatMap((row) =>
          row.latencyMs === undefined
            ? []
            : [[row.achievedRate, row.latencyMs[key], `${table.kind}=${row.level}`]],
        ),
      });
    }
  });
  return xyChart({
    id: 'chart-sweep',
    title: 'Latency against throughput (sweeps)',
    description:
      'One point per sweep level, labelled with the level: the ok calls per second it achieved (x) and the latency P50 (dashed) and P90 (solid) in ms (y), from the scheduled start under open-loop load.',
    unit: 'ms',
    plotHeight: 420,
    tooltip: { trigger: 'item' },
    xAxis: valueAxis('achieved calls per second', { scale: true }),
    yAxis: { type: 'value', name: 'latency (ms)' },
    series: lines,
  });
}

/** Goodput per model and run: the share of measured calls that met the objectives. */
export function goodputChart(data: ReportData): ChartSpec | undefined {
  const models = data.models.map((_, m) => m).filter((m) => data.cells.some((row) => row[m]?.model.goodput));
  if (models.length === 0) return undefined;
  const series = data.runs.map((run, r) => ({
    type: 'bar' as const,
    id: seriesId({ run: r, part: 'goodput' }),
    name: data.runs.length > 1 ? run.label : 'goodput',
    data: models.map((m) => {
      const good = data.cells[r]?.[m]?.model.goodput;
      return good === undefined ? '-' : Math.round(good.share * 1000) / 10;
    }),
  }));
  const legend = wrappingLegend(
    series.map((s) => s.name),
    data.runs.length > 1,
  );
  return {
    id: 'chart-goodput',
    title: 'Goodput',
    description: 'Share of measured calls (%) that succeeded within every objective (slo), per model.',
    unit: 'calls',
    height: 60 + legend.height + models.length * Math.max(28, 12 * data.runs.length + 12),
    option: {
      animation: false,
      legend: legend.legend,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { ...GRID, top: legend.height + 8 },
      xAxis: valueAxis('% of measured calls', { max: 100 }),
      yAxis: modelAxis(models.map((m) => data.models[m]?.label ?? '')),
      series,
    },
  };
}

/** With two runs or more (a history): each model's P50 (dashed) and P90 (solid) from run to run. */
export function historyChart(data: ReportData): ChartSpec | undefined {
  if (data.runs.length < 2) return undefined;
  const series: LineSeriesOption[] = data.models.flatMap((model, m) =>
    (['p50', 'p90'] as const).map((key) => ({
      type: 'line' as const,
      id: seriesId({ model: m, run: 0, part: `history:${key}` }),
      name: `${model.label} ${key.toUpperCase()}`,
      connectNulls: false,
      itemStyle: { color: paletteColor(m) },
      lineStyle: { color: paletteColor(m), type: key === 'p50' ? RUN_LINE_TYPES[1] : RUN_LINE_TYPES[0] },
      data: data.runs.map((_, r) => data.cells[r]?.[m]?.summary.latencyMs?.[key] ?? null),
    })),
  );
  return xyChart({
    id: 'chart-history',
    title: 'P50 and P90 over the runs',
    description:
      'Each model from run to run, oldest first: P50 (dashed) and P90 (solid) latency in ms, so drift across days shows.',
    unit: 'ms',
    plotHeight: 380,
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: data.runs.map((r) => r.label),
      axisLabel: { width: 160, overflow: 'truncate' },
    },
    yAxis: { type: 'value', name: 'latency (ms)' },
    series,
  });
}
