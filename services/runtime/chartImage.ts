// Charts as images: a Vega-Lite spec compiled, rendered headless to SVG by Vega, rasterised to PNG by resvg with the
// system's DejaVu fonts. For the history an operator asks for (ticket-archiver history --chart) and the benchmark.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { renderAsync } from '@resvg/resvg-js';
import { parse, textMetrics, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FONT } from './chartFrame.ts';

export { chartFrame } from './chartFrame.ts';

// vega exports textMetrics (from vega-scenegraph) at run time, but vega-typings does not declare it.
declare module 'vega' {
  interface TextItem {
    fontSize?: number;
    fontWeight?: string | number;
    limit?: number;
  }
  export const textMetrics: { width: (item: TextItem, text: string | number | null | undefined) => number };
}

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';

// Without a canvas, Vega guesses 0.8 em per character, about 45% wider than DejaVu Sans: legends and axis titles then
// take half the chart. This estimate is within a few percent (checked against resvg's rendering); it replaces Vega's
// for every chart in this process, which only ever renders through this module.
const NARROW = new Set([...` !'()*,-./:;I[\\]fijlrt|`]);
const WIDE = new Set([...'%@MWmw']);
textMetrics.width = (item, text) => {
  const fontSize = item.fontSize ?? 11;
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  let em = 0;
  for (const c of String(text ?? '').trim())
    em += NARROW.has(c) ? 0.36 : WIDE.has(c) ? 0.9 : c >= 'A' && c <= 'Z' ? 0.72 : 0.62;
  const width = em * fontSize * (bold ? 1.13 : 1);
  // Vega asks for the width of truncated labels too: those never exceed their limit.
  return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
};

/** The chart as SVG text. */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The SVG as PNG. */
export async function svgToPng(svg: string): Promise<Buffer> {
  const png = await renderAsync(svg, {
    background: 'white',
    fitTo: { mode: 'original' },
    font: { loadSystemFonts: true, fontDirs: [FONT_DIR], defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return png.asPng();
}

/** Writes the chart to `file`: PNG or SVG by its extension. */
export async function writeChart(file: string, spec: TopLevelSpec): Promise<void> {
  const svg = await chartSvg(spec);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, file.toLowerCase().endsWith('.svg') ? svg : await svgToPng(svg));
}
