// Benchmark charts as PNG (plus the SVG beside it), so a run's results can be looked at, not just read as numbers.
// Vega-Lite builds the chart, Vega renders it headless to SVG, resvg rasterises it with the system DejaVu fonts.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, chartSvg, svgToPng } from '../../services/runtime/chartImage.ts';

export interface LineSeries {
  name: string;
  points: Array<{ x: number; y: number }>;
}
export interface LineChart {
  title: string;
  xTitle: string;
  yTitle: string;
  series: LineSeries[];
}

export interface DistributionSeries {
  name: string;
  values: number[];
}
export interface DistributionChart {
  title: string;
  xTitle: string;
  series: DistributionSeries[];
  logX?: boolean;
}

const WIDTH = 800;
const HEIGHT = 400;
/** Most points one distribution series contributes to the spec. */
const MAX_DISTRIBUTION_POINTS = 500;

interface Row {
  series: string;
  x: number;
  y: number;
}

/** Draws one line per series (colour legend by series name); writes `${file}.png` and `${file}.svg`; returns the PNG path. */
export async function drawLineChart(file: string, chart: LineChart): Promise<string> {
  const rows: Row[] = [];
  const names: string[] = [];
  let mostPoints = 0;
  for (const s of chart.series) {
    const points = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (points.length === 0) continue;
    names.push(s.name);
    mostPoints = Math.max(mostPoints, points.length);
    for (const p of points) rows.push({ series: s.name, x: p.x, y: p.y });
  }
  if (names.length === 0) throw new Error(`drawLineChart(${file}): every series of "${chart.title}" is empty`);
  return render(file, {
    ...frame(chart.title),
    data: { values: rows },
    // Dots on the line only while they stay distinguishable.
    mark: { type: 'line', point: mostPoints <= 60, strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: chart.xTitle, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: chart.yTitle },
      color: colourBySeries(names),
    },
  });
}

/** Draws the empirical cumulative distribution (x = value, y = fraction of samples <= x, 0..1) of each series as a
 * line per series (legend by name), x on a log scale when logX; large series are downsampled to at most ~500 points
 * per series (keep min, max and evenly spaced quantiles) so the spec stays small. Writes `${file}.png` and `${file}.svg`; returns the PNG path.
 * Non-finite values are ignored; with logX, values <= 0 still count in the fractions but cannot be placed on the axis. */
export async function drawDistributionChart(file: string, chart: DistributionChart): Promise<string> {
  const logX = chart.logX === true;
  const rows: Row[] = [];
  const names: string[] = [];
  for (const s of chart.series) {
    const points = ecdf(s.values).filter((p) => !logX || p.x > 0);
    if (points.length === 0) continue;
    names.push(s.name);
    for (const p of points) rows.push({ series: s.name, x: p.x, y: p.y });
  }
  if (names.length === 0) {
    const what = logX ? 'has no positive value to place on a log axis' : 'is empty';
    throw new Error(`drawDistributionChart(${file}): every series of "${chart.title}" ${what}`);
  }
  return render(file, {
    ...frame(chart.title),
    data: { values: rows },
    // step-after: the fraction holds until the next sample value, as a cumulative distribution does.
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: chart.xTitle,
        scale: logX ? { type: 'log', nice: false } : { zero: false },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: 'fraction of samples ≤ x',
        scale: { domain: [0, 1] },
        axis: { format: '.0%' },
      },
      color: colourBySeries(names),
    },
  });
}

/**
 * The empirical cumulative distribution of the finite values as points (value, fraction of samples <= value), one per
 * distinct value kept; above MAX_DISTRIBUTION_POINTS values, only the min, the max and evenly spaced quantiles are kept.
 */
function ecdf(values: number[]): Array<{ x: number; y: number }> {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [];
  const picks =
    n <= MAX_DISTRIBUTION_POINTS
      ? sorted.map((_, i) => i)
      : Array.from({ length: MAX_DISTRIBUTION_POINTS }, (_, k) =>
          Math.round((k * (n - 1)) / (MAX_DISTRIBUTION_POINTS - 1)),
        );
  const points: Array<{ x: number; y: number }> = [];
  for (const i of picks) {
    const x = sorted[i] as number;
    if (points.length > 0 && points[points.length - 1]?.x === x) continue;
    // Repeated values: the fraction counts every sample equal to x, not just those before this index.
    points.push({ x, y: upperBound(sorted, x) / n });
  }
  return points;
}

/** How many of the ascending values are <= x. */
function upperBound(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Colour by series, legend in the order the series were given. */
function colourBySeries(names: string[]) {
  return {
    field: 'series',
    type: 'nominal',
    sort: names,
    scale: { domain: names },
    legend: { title: null },
  } as const;
}

/** Size, background, fonts and title shared by every chart. */
function frame(title: string) {
  return chartFrame(title, WIDTH, HEIGHT);
}

async function render(file: string, spec: TopLevelSpec): Promise<string> {
  const svg = await chartSvg(spec);
  await mkdir(dirname(file), { recursive: true });
  const pngPath = `${file}.png`;
  await writeFile(`${file}.svg`, svg);
  await writeFile(pngPath, await svgToPng(svg));
  return pngPath;
}
